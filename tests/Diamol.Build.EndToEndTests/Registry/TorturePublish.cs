using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Diamol.Build.EndToEndTests.Registry;

/// <summary>What one tool's publish through a torture case did: exit code, stored image, the catcher's findings.</summary>
internal sealed record TortureOutcome(string Tool, ProcessResult Result, TimeSpan Elapsed, bool Stored, string? Code, IReadOnlyList<string> CatcherCredentials, long EndlessBytes)
{
    /// <summary>"pushes", "fails (DIAMnnnn)", "fails", or "claims a push" (exit 0 with nothing right in the registry).</summary>
    public string Summary => (Result.ExitCode, Stored) switch
    {
        (0, true) => "pushes",
        (0, false) => "claims a push",
        _ => Code is null ? "fails" : $"fails ({Code})",
    };

    /// <summary>Whether the catcher (another origin) got any Authorization header.</summary>
    public bool Leaked => CatcherCredentials.Count > 0;

    public override string ToString() => $"{Tool}: {Summary} in {Elapsed.TotalSeconds:0}s, catcher credentials: {CatcherCredentials.Count}, endless bytes sent: {EndlessBytes}";
}

/// <summary>
/// One torture case's publishes: Diamol.Build's OCI writer (<c>dotnet publish</c>, <c>DiamolBuilder=oci</c>) and the
/// SDK's PublishContainer of the same sample through the same proxy, with the same login (the SDK's push pair only)
/// and the same environment. Each push is checked in the registry itself: the tag's manifest, and every blob it
/// names against its digest (and, for Diamol.Build, the manifest against <c>image.json</c>).
/// </summary>
internal sealed class TorturePublish
{
    private readonly ConsumerProject _project = ConsumerProject.FromSample("WebPing");
    private readonly string _registry;
    private readonly string _baseImage;
    private readonly Func<string, string, byte[]?> _get;
    private readonly QuirkProxy? _catcher;
    private readonly QuirkProxy? _endless;
    private readonly Dictionary<string, string?> _environment;
    private readonly string _case;
    private string _why = "";

    /// <param name="registry">ContainerRegistry: the proxy the push goes through.</param>
    /// <param name="get">Reads "manifests/TAG" or "blobs/DIGEST" of a repository from the registry itself, null when absent.</param>
    /// <param name="catcher">The proxy whose catcher is watched (and reset between the two publishes).</param>
    /// <param name="endless">A proxy in front of the base registry that answers endlessly, when the case has one.</param>
    public TorturePublish(string caseName, string registry, Func<string, string, byte[]?> get, QuirkProxy? catcher, (string User, string Password) login,
        (string Name, string Value)[] environment, QuirkProxy? endless = null)
    {
        _case = caseName;
        _registry = registry;
        _get = get;
        _catcher = catcher;
        _endless = endless;
        _baseImage = endless is null ? TestEnvironment.BaseRuntime : TestEnvironment.BaseRuntime.Replace("localhost:5000", endless.Registry, StringComparison.Ordinal);
        string[] insecure = new[] { registry, catcher?.Registry, catcher?.Catcher, endless?.Registry }.OfType<string>().Distinct().ToArray();
        _environment = LoginOnlyEnvironment.For(login.User, login.Password, insecure);
        foreach (var (name, value) in environment) _environment[name] = value;
    }

    public TortureOutcome Diamol(params string[] properties) =>
        Run("Diamol.Build", (repository) => _project.PublishWith(_environment, [$"ContainerBaseImage={_baseImage}", $"ContainerRegistry={_registry}",
            $"ContainerRepository={repository}", "DiamolBuilder=oci", "-v:n", .. properties]), checkImageJson: true);

    public TortureOutcome PublishContainer() =>
        Run("PublishContainer", (repository) => _project.PublishContainerWithSdkWith(_environment, $"ContainerBaseImage={_baseImage}", $"ContainerRegistry={_registry}",
            $"ContainerRepository={repository}"), checkImageJson: false);

    private TortureOutcome Run(string tool, Func<string, ProcessResult> publish, bool checkImageJson)
    {
        _catcher?.Reset();
        _endless?.Reset();
        string repository = $"e2e/torture-{_case}-{(checkImageJson ? "diamol" : "sdk")}-{Guid.NewGuid().ToString("N")[..6]}";
        var clock = Stopwatch.StartNew();
        var result = publish(repository);
        clock.Stop();
        bool stored = result.ExitCode == 0 && StoredRight(repository, checkImageJson, result);
        var code = Regex.Match(result.Output, @"error (DIAM\d{4})");
        var caught = _catcher?.Caught.Where(c => c.Authorization is not null).Select(c => $"{c.Request} {c.Authorization}").ToList() ?? [];
        var outcome = new TortureOutcome(tool, result, clock.Elapsed, stored, code.Success ? code.Groups[1].Value : null, caught, _endless?.EndlessBytesSent ?? 0);
        Console.WriteLine($"[{_case}] {outcome}");
        if (_catcher?.Ranges is { Count: > 0 } sent) Console.WriteLine($"[{_case}] {tool}: {sent.Count} PATCHes, Content-Range: {string.Join(", ", sent.Distinct().Take(4))}");
        if (outcome.Summary != "pushes")
        {
            Console.WriteLine($"[{_case}] {tool} {(result.ExitCode == 0 ? "(the registry: " + _why + ")" : "")} output tail:");
            var lines = result.All.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
            var shown = result.ExitCode == 0 ? lines.TakeLast(12) : lines.Where(l => l.Contains("error", StringComparison.OrdinalIgnoreCase)).Take(6);
            foreach (string line in shown) Console.WriteLine("    " + line);
        }
        return outcome;
    }

    private bool StoredRight(string repository, bool checkImageJson, ProcessResult result)
    {
        byte[]? manifest = _get(repository, "manifests/latest");
        _why = "no manifest for the tag";
        if (manifest is null) return false;
        string digest = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(manifest));
        if (checkImageJson)
        {
            using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(_project.ContainerFolder, "image.json")));
            Assert.AreEqual(summary.RootElement.GetProperty("digest").GetString(), digest, "the tag names another manifest than image.json\n" + result.Output);
        }

        using var document = JsonDocument.Parse(manifest);
        foreach (string blob in document.RootElement.GetProperty("layers").EnumerateArray().Append(document.RootElement.GetProperty("config"))
                     .Select(b => b.GetProperty("digest").GetString()!))
        {
            byte[]? bytes = _get(repository, "blobs/" + blob);
            _why = $"blob {blob} {(bytes is null ? "is missing" : "has other bytes")}";
            if (bytes is null || "sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes)) != blob) return false;
        }

        return true;
    }

    /// <summary>Reads from a registry without authentication (a registry of the test's own behind the proxy).</summary>
    public static Func<string, string, byte[]?> Anonymous(int port) => (repository, path) =>
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{port}/v2/{repository}/{path}");
        request.Headers.TryAddWithoutValidation("Accept", "application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json");
        using var response = http.Send(request);
        return response.IsSuccessStatusCode ? response.Content.ReadAsByteArrayAsync().GetAwaiter().GetResult() : null;
    };
}
