using System.Text.Json;

namespace Diamol.Build.EndToEndTests;

/// <summary>Reads the local test registry (127.0.0.1:5000) directly, and its access log: an independent view of what a push did.</summary>
public static class RegistryInspection
{
    private const string Registry = "http://127.0.0.1:5000";
    private static string AccessLog => Environment.GetEnvironmentVariable("DIAMOL_TEST_REGISTRY_LOG") ?? "/var/log/diamol-registry.log";

    /// <summary>The manifest a tag names, as the registry serves it (any image manifest type).</summary>
    public static JsonElement Manifest(string repository, string reference, string accept =
        "application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json, " +
        "application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.list.v2+json")
    {
        using var client = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{Registry}/v2/{repository}/manifests/{reference}");
        request.Headers.TryAddWithoutValidation("Accept", accept);
        using var response = client.Send(request);
        string body = response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
        Assert.IsTrue(response.IsSuccessStatusCode, $"GET manifest {repository}:{reference}: {(int)response.StatusCode} {body}");
        using var json = JsonDocument.Parse(body);
        return json.RootElement.Clone();
    }

    public static string[] LayerDigests(string repository, string reference) =>
        Manifest(repository, reference).GetProperty("layers").EnumerateArray().Select(l => l.GetProperty("digest").GetString()!).ToArray();

    /// <summary>How many lines the access log has now, to count what happens after.</summary>
    public static int LogLength() => File.Exists(AccessLog) ? File.ReadLines(AccessLog).Count() : 0;

    /// <summary>Blob uploads completed for <paramref name="repository"/> since <paramref name="from"/> (a PUT or POST carrying the digest).</summary>
    public static int UploadsSince(int from, string repository) =>
        File.ReadLines(AccessLog).Skip(from)
            .Count(line => (line.Contains($"\"PUT /v2/{repository}/blobs/uploads/", StringComparison.Ordinal)
                            || line.Contains($"\"POST /v2/{repository}/blobs/uploads/", StringComparison.Ordinal))
                           && line.Contains("digest=", StringComparison.Ordinal) && line.Contains("\" 201 ", StringComparison.Ordinal));

    /// <summary>Every request for <paramref name="repository"/> since <paramref name="from"/>, whatever its method and answer.</summary>
    public static int RequestsSince(int from, string repository) =>
        File.ReadLines(AccessLog).Skip(from).Count(line => line.Contains($" /v2/{repository}/", StringComparison.Ordinal));
}
