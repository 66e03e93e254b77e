using System.Text.RegularExpressions;

namespace Diamol.Build.Spec;

/// <summary>
/// Takes secrets out of text we store or show: the engine's history entries ("ENV API_TOKEN=a b c", "|1 NUGET_PAT=x
/// /bin/sh -c ..."), build records and artifacts. Known values go first and whole, wherever they appear, so a value
/// with spaces never leaves its tail behind; every build argument's value goes, secret-looking or not, because build
/// arguments are inputs, not part of the image; then any remaining <c>NAME=value</c> of a secret-looking name loses
/// everything up to the next assignment.
/// </summary>
internal sealed partial class SecretRedactor
{
    public const string Mask = "<redacted>";

    // Shorter values would turn every "1" or "on" in a text into the mask without protecting anything.
    private const int ShortestKnownValue = 3;

    private readonly string[] _values;
    private readonly KeyValuePair<string, string>[] _arguments;

    /// <param name="variables">ENV and LABEL values of the image: those of secret-looking names are redacted wherever they appear.</param>
    /// <param name="buildArguments">Build arguments: every value is redacted where its assignment appears; secret-looking ones anywhere.</param>
    public SecretRedactor(IEnumerable<NameValue> variables, IReadOnlyDictionary<string, string>? buildArguments = null)
    {
        _arguments = buildArguments?.Where(a => a.Value.Length > 0).ToArray() ?? [];
        _values = variables.Concat(_arguments.Select(a => new NameValue(a.Key, a.Value)))
            .Where(v => SecretNames.LooksSecret(v.Name) && v.Value.Trim().Length >= ShortestKnownValue)
            .Select(v => v.Value)
            .Distinct(StringComparer.Ordinal)
            .OrderByDescending(v => v.Length)
            .ToArray();
    }

    /// <summary>A redactor for "NAME=value" environment entries.</summary>
    public static SecretRedactor ForEnvironment(
        IEnumerable<string> environment, IEnumerable<KeyValuePair<string, string>>? labels = null, IReadOnlyDictionary<string, string>? buildArguments = null) =>
        new(environment.Select(Split).Concat(labels?.Select(l => new NameValue(l.Key, l.Value)) ?? []), buildArguments);

    public string Redact(string text)
    {
        foreach (string value in _values) text = text.Replace(value, Mask, StringComparison.Ordinal);
        foreach (var (name, value) in _arguments) text = text.Replace(name + "=" + value, name + "=" + Mask, StringComparison.Ordinal);
        return Assignment().Replace(text, m => SecretNames.LooksSecret(m.Groups["name"].Value) && !m.Groups["masked"].Success
            ? m.Groups["quote"].Value + m.Groups["name"].Value + m.Groups["quote"].Value + "=" + Mask
            : m.Value);
    }

    /// <summary>One "NAME=value" entry: the whole value goes when the name looks secret.</summary>
    public static string RedactEntry(string entry)
    {
        var (name, _) = Split(entry);
        return entry.Contains('=', StringComparison.Ordinal) && SecretNames.LooksSecret(name) ? name + "=" + Mask : entry;
    }

    private static NameValue Split(string entry)
    {
        int equals = entry.IndexOf('=');
        return equals < 0 ? new NameValue(entry, "") : new NameValue(entry[..equals], entry[(equals + 1)..]);
    }

    // A name may be quoted, as the generated ENV and LABEL instructions write it ("DB_PASSWORD"="..."). A value is
    // already masked, quoted, or runs to the next " NAME=" or to the end: an unquoted value may hold spaces.
    [GeneratedRegex(@"(?<quote>""?)(?<name>[A-Za-z_][A-Za-z0-9_.\-/]*)\k<quote>=" +
        @"(?:(?<masked>""?<redacted>""?)|(?<value>""(?:[^""\\]|\\.)*""|.*?)(?=\s+""?[A-Za-z_][A-Za-z0-9_.\-/]*""?=|\s*$))", RegexOptions.Singleline)]
    private static partial Regex Assignment();
}
