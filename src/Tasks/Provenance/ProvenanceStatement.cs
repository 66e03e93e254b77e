using Diamol.Build.Common;
using System.Text.Json;
using System.Text.RegularExpressions;
using Diamol.Build.Oci;
using Diamol.Build.Registry;
using Diamol.Build.Spec;

namespace Diamol.Build.Provenance;

/// <summary>
/// Writes an in-toto Statement v1 whose predicate is SLSA v1 provenance: what was built (the subjects), how
/// (Diamol.Build's build type and the resolved settings, secrets redacted), from what (the source repository and
/// commit, the base image digest), and by which builder. The same input gives the same bytes: names in ordinal order,
/// times from the reproducible time, nothing read from the clock or the machine, compact (an indented writer on .NET 8
/// breaks lines as the machine does, so Windows would write other bytes).
/// </summary>
internal static partial class ProvenanceStatement
{
    public const string StatementType = "https://in-toto.io/Statement/v1";
    public const string PredicateType = "https://slsa.dev/provenance/v1";

    /// <summary>The media type of an in-toto statement as an attachment's layer.</summary>
    public const string MediaType = "application/vnd.in-toto+json";

    /// <summary>Diamol.Build's build type: a publish of a .NET project into a container image, parameters as docs/signing.md describes.</summary>
    public const string BuildType = "https://diamol.build/provenance/publish/v1";

    public static byte[] Write(ProvenanceInput input)
    {
        if (input.Subjects.Count == 0) throw new ArgumentException("A provenance statement needs at least one subject.", nameof(input));
        var redactor = new SecretRedactor(input.Settings.Concat(input.InternalParameters).Select(s => new NameValue(s.Key, s.Value)), input.BuildArguments);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = CompactJson.Options.Encoder }))
        {
            json.WriteStartObject();
            json.WriteString("_type", StatementType);
            json.WriteStartArray("subject");
            foreach (var subject in input.Subjects.DistinctBy(s => (s.Name, s.Digest)))
            {
                json.WriteStartObject();
                json.WriteString("name", subject.Name);
                WriteDigest(json, "sha256", Hex(subject.Digest, "subject " + subject.Name));
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteString("predicateType", PredicateType);
            json.WriteStartObject("predicate");
            WriteBuildDefinition(json, input, redactor);
            WriteRunDetails(json, input);
            json.WriteEndObject();
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>A setting's value as the statement records it: the whole value when its name looks secret, else what the redactor leaves.</summary>
    public static string Redacted(string name, string value, SecretRedactor redactor) =>
        SecretNames.LooksSecret(name) && value.Length > 0 ? SecretRedactor.Mask : UrlCredentials().Replace(redactor.Redact(value), SecretRedactor.Mask + "@");

    // A user name and password (or token) inside a URL of any setting, a feed's or a registry's: "https://user:token@host".
    [GeneratedRegex(@"(?<=\b[A-Za-z][A-Za-z0-9+.\-]*://)[^/@\s;,""]+@")]
    private static partial Regex UrlCredentials();

    private static void WriteBuildDefinition(Utf8JsonWriter json, ProvenanceInput input, SecretRedactor redactor)
    {
        json.WriteStartObject("buildDefinition");
        json.WriteString("buildType", BuildType);
        json.WriteStartObject("externalParameters");
        WriteMap(json, "settings", input.Settings, (name, value) => Redacted(name, value, redactor));
        WriteMap(json, "buildArguments", input.BuildArguments, (_, value) => value.Length == 0 ? value : SecretRedactor.Mask);
        json.WriteEndObject();
        json.WriteStartObject("internalParameters");
        foreach (var (name, value) in Ordered(input.InternalParameters)) json.WriteString(name, Redacted(name, value, redactor));
        json.WriteEndObject();
        json.WriteStartArray("resolvedDependencies");
        if (!string.IsNullOrWhiteSpace(input.SourceRevisionId) || !string.IsNullOrWhiteSpace(input.RepositoryUrl))
        {
            json.WriteStartObject();
            if (SourceUri(input.RepositoryUrl) is { } uri) json.WriteString("uri", uri);
            if (!string.IsNullOrWhiteSpace(input.SourceRevisionId)) WriteDigest(json, "gitCommit", input.SourceRevisionId.Trim().ToLowerInvariant());
            json.WriteEndObject();
        }

        if (!string.IsNullOrWhiteSpace(input.BaseImage) || input.BaseImageDigest is not null)
        {
            json.WriteStartObject();
            if (!string.IsNullOrWhiteSpace(input.BaseImage))
            {
                json.WriteString("name", input.BaseImage);
                json.WriteString("uri", PackageUrl.Oci(input.BaseImage, input.BaseImageDigest));
            }

            if (input.BaseImageDigest is not null) WriteDigest(json, "sha256", Hex(input.BaseImageDigest, "the base image"));
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteRunDetails(Utf8JsonWriter json, ProvenanceInput input)
    {
        json.WriteStartObject("runDetails");
        json.WriteStartObject("builder");
        json.WriteString("id", input.BuilderId);
        json.WriteStartObject("version");
        json.WriteString("Diamol.Build", input.DiamolVersion);
        json.WriteEndObject();
        json.WriteEndObject();
        json.WriteStartObject("metadata");
        if (!string.IsNullOrWhiteSpace(input.InvocationId)) json.WriteString("invocationId", input.InvocationId);
        string time = ReproducibleTime.Format(input.BuildTime);
        json.WriteString("startedOn", time);
        json.WriteString("finishedOn", time);
        json.WriteEndObject();
        json.WriteEndObject();
    }

    // The SLSA convention for a git source ("git+https://host/org/repo"), without any user name or token a CI
    // checkout URL may carry (https://x-access-token:TOKEN@host/...): the statement is public.
    private static string? SourceUri(string? repositoryUrl)
    {
        if (string.IsNullOrWhiteSpace(repositoryUrl)) return null;
        string url = repositoryUrl.Trim();
        if (Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.UserInfo.Length > 0)
        {
            url = new UriBuilder(uri) { UserName = "", Password = "" }.Uri.AbsoluteUri;
        }

        return url.StartsWith("git+", StringComparison.Ordinal) ? url : "git+" + url;
    }

    private static void WriteMap(Utf8JsonWriter json, string name, IReadOnlyDictionary<string, string> values, Func<string, string, string> redact)
    {
        json.WriteStartObject(name);
        foreach (var (key, value) in Ordered(values)) json.WriteString(key, redact(key, value));
        json.WriteEndObject();
    }

    private static void WriteDigest(Utf8JsonWriter json, string algorithm, string value)
    {
        json.WriteStartObject("digest");
        json.WriteString(algorithm, value);
        json.WriteEndObject();
    }

    private static IEnumerable<KeyValuePair<string, string>> Ordered(IReadOnlyDictionary<string, string> values) =>
        values.OrderBy(v => v.Key, StringComparer.Ordinal);

    private static string Hex(string digest, string what) => ContentDigest.IsSha256(digest)
        ? digest[ContentDigest.Prefix.Length..]
        : throw new ArgumentException($"The digest of {what}, '{digest}', is not a sha256 digest.", nameof(digest));
}
