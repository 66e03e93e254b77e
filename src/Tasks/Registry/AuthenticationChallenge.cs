using System.Text.RegularExpressions;

namespace Diamol.Build.Registry;

/// <summary>
/// What a 401's WWW-Authenticate header asks for: Basic, or Bearer with the token server's realm, service and scope.
/// </summary>
internal sealed partial record AuthenticationChallenge(string Scheme, IReadOnlyDictionary<string, string> Parameters)
{
    public const string Basic = "Basic";
    public const string Bearer = "Bearer";

    [GeneratedRegex("""(?<key>[A-Za-z_][A-Za-z0-9_-]*)\s*=\s*(?:"(?<quoted>(?:[^"\\]|\\.)*)"|(?<plain>[^,\s]+))""")]
    private static partial Regex ParameterPattern();

    public bool IsBearer => Scheme.Equals(Bearer, StringComparison.OrdinalIgnoreCase);

    public bool IsBasic => Scheme.Equals(Basic, StringComparison.OrdinalIgnoreCase);

    public string? Realm => Parameters.GetValueOrDefault("realm");

    public string? Service => Parameters.GetValueOrDefault("service");

    /// <summary>The scopes the registry named (one parameter, several separated by spaces).</summary>
    public IReadOnlyList<string> Scopes =>
        Parameters.GetValueOrDefault("scope")?.Split(' ', StringSplitOptions.RemoveEmptyEntries) ?? [];

    /// <summary>The Bearer challenge if there is one (it carries the realm), else Basic; null when neither is there.</summary>
    public static AuthenticationChallenge? From(HttpResponseMessage response)
    {
        var challenges = response.Headers.WwwAuthenticate.Select(header => Parse(header.Scheme, header.Parameter)).ToList();
        return challenges.FirstOrDefault(c => c.IsBearer && c.Realm is not null) ?? challenges.FirstOrDefault(c => c.IsBasic);
    }

    public static AuthenticationChallenge Parse(string scheme, string? parameters)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (Match match in ParameterPattern().Matches(parameters ?? ""))
        {
            string value = match.Groups["quoted"].Success ? Regex.Unescape(match.Groups["quoted"].Value) : match.Groups["plain"].Value;
            values.TryAdd(match.Groups["key"].Value, value);
        }

        return new AuthenticationChallenge(scheme, values);
    }
}
