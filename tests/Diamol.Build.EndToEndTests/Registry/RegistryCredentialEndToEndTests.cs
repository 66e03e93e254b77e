using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Diamol.Build.Common;
using Diamol.Build.Credentials;
using Diamol.Build.Diagnostics;
using Diamol.Build.Oci;
using Diamol.Build.Registry;

namespace Diamol.Build.EndToEndTests.Registry;

/// <summary>
/// Issue 20 items 5 and 6 against real registries: the SDK's push variables reach a base image kept in the push
/// registry and the engine builder's push (htpasswd registry 127.0.0.1:5001, diamol/diamol-secret), a stalled base
/// registry ends the publish within DiamolIdleTimeout, and an endless manifest fails fast without filling memory;
/// item 1: a credential helper runs once per registry per publish.
/// </summary>
[TestClass]
[DoNotParallelize]
public sealed class RegistryCredentialEndToEndTests
{
    private const string Authenticated = "127.0.0.1:5001";
    private const string User = "diamol";
    private const string Password = "diamol-secret";

    private static string UniqueRepository(string purpose) => $"e2e/cred-{purpose}-{Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>Only the push pair, and a docker configuration with no login in it: nothing else can authenticate.</summary>
    private static Dictionary<string, string?> PushPairOnly() => LoginOnlyEnvironment.For(User, Password);

    /// <summary>The test base image, copied into a new repository of the htpasswd registry; returns the repository.</summary>
    private static string CopyBaseToAuthenticated(string purpose)
    {
        string repository = UniqueRepository(purpose);
        var copy = ProcessRunner.Run("skopeo", ["copy", "--src-tls-verify=false", "--dest-tls-verify=false", "--dest-creds", $"{User}:{Password}",
            $"docker://{TestEnvironment.BaseRuntime}", $"docker://{Authenticated}/{repository}:10.0"]);
        Assert.AreEqual(0, copy.ExitCode, copy.Output);
        return repository;
    }

    private static string AuthenticatedStatus(string repository, string tag) =>
        ProcessRunner.Run("curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "-u", $"{User}:{Password}",
            "-H", "Accept: application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json",
            $"http://{Authenticated}/v2/{repository}/manifests/{tag}"]).Output.Trim();

    [TestMethod]
    [Timeout(600_000)]
    public void A_base_image_in_the_push_registry_is_read_with_the_push_variables()
    {
        string baseRepository = CopyBaseToAuthenticated("base");
        var project = ConsumerProject.FromSample("WebPing");
        string repository = UniqueRepository("app");

        var result = project.PublishWith(PushPairOnly(), $"ContainerBaseImage={Authenticated}/{baseRepository}:10.0", $"ContainerRegistry={Authenticated}",
            $"ContainerRepository={repository}");

        Assert.AreEqual(0, result.ExitCode, result.All);
        Assert.IsFalse(result.Output.Contains("DIAM3005", StringComparison.Ordinal), result.Output);
        Assert.AreEqual("200", AuthenticatedStatus(repository, "latest"));
    }

    [TestMethod]
    [Timeout(600_000)]
    public void The_engine_builder_pushes_with_the_push_variables()
    {
        var project = ConsumerProject.FromSample("WebPing");
        string repository = UniqueRepository("engine");
        string image = $"{Authenticated}/{repository}:latest";
        try
        {
            var result = project.PublishWith(PushPairOnly(), $"ContainerBaseImage={TestEnvironment.BaseRuntime}", $"ContainerRegistry={Authenticated}",
                $"ContainerRepository={repository}", "DiamolBuilder=docker");

            Assert.AreEqual(0, result.ExitCode, result.All);
            Assert.IsFalse(result.Output.Contains("DIAM3005", StringComparison.Ordinal), result.Output);
            Assert.AreEqual("200", AuthenticatedStatus(repository, "latest"));
        }
        finally
        {
            ImageInspection.RemoveImages(image);
        }
    }

    /// <summary>
    /// Issue 20 item 1: every client of a publish asks one credential lookup. The base image lives on the htpasswd
    /// registry, whose login only a credential helper gives; the image goes to another registry, so every base layer
    /// is fetched (into an empty cache) and pushed. The helper writes a line per run: before the seam it ran for the
    /// Dockerfile task's read, the writer's read and each layer's fetch.
    /// </summary>
    [TestMethod]
    [Timeout(600_000)]
    public void A_credential_helper_runs_once_per_registry_per_publish_however_many_base_layers_are_fetched()
    {
        string baseRepository = CopyBaseToAuthenticated("counted");

        string id = Guid.NewGuid().ToString("N")[..8];
        string bin = Path.Combine(TestEnvironment.WorkRoot, "counting-helper-" + id);
        Directory.CreateDirectory(bin);
        string runs = Path.Combine(bin, "runs.txt");
        string helper = Path.Combine(bin, "docker-credential-diamolcount");
        File.WriteAllText(helper, $"#!/bin/sh\n[ \"$1\" = get ] || exit 1\nread server\necho \"$server\" >> '{runs}'\n" +
                                  $"[ \"$server\" = \"{Authenticated}\" ] || {{ echo 'credentials not found'; exit 1; }}\n" +
                                  $"echo '{{\"ServerURL\":\"{Authenticated}\",\"Username\":\"{User}\",\"Secret\":\"{Password}\"}}'\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(helper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        string config = Path.Combine(bin, "docker-config");
        Directory.CreateDirectory(config);
        File.WriteAllText(Path.Combine(config, "config.json"), $"{{\"credHelpers\":{{\"{Authenticated}\":\"diamolcount\"}}}}");
        string cache = Path.Combine(bin, "cache");
        using var target = new OwnRegistry();
        string repository = UniqueRepository("counted-app");
        var project = ConsumerProject.FromSample("WebPing");

        var environment = LoginOnlyEnvironment.WithoutVariables(config);
        environment["PATH"] = bin + ":" + Environment.GetEnvironmentVariable("PATH");

        var result = project.PublishWith(environment, $"ContainerBaseImage={Authenticated}/{baseRepository}:10.0", $"ContainerRegistry=127.0.0.1:{target.Port}", $"ContainerRepository={repository}",
            "DiamolBuilder=oci", $"DiamolCacheDirectory={cache}");

        Assert.AreEqual(0, result.ExitCode, result.All);
        Assert.AreEqual("200", target.StatusOf($"/v2/{repository}/manifests/latest"), "the image is not in the target registry\n" + result.Output);
        int fetched = Directory.GetFiles(Path.Combine(cache, "blobs", "sha256")).Length;
        Assert.IsTrue(fetched >= 2, $"only {fetched} base layers were fetched: the test needs a base of several layers");
        string[] asked = File.ReadAllLines(runs);
        CollectionAssert.AreEqual(new[] { Authenticated }, asked, $"the helper ran {asked.Length} times for {fetched} fetched layers: {string.Join(", ", asked)}");
    }

    [TestMethod]
    [Timeout(600_000)]
    public void A_stalled_base_registry_fails_the_publish_within_DiamolIdleTimeout()
    {
        var project = ConsumerProject.FromSample("WebPing");
        using var registry = new OwnRegistry();
        // In front of the shared base registry: every manifest request is passed on and its answer never comes back.
        using var proxy = FaultProxy.ForRegistry("GET [^ ]*/manifests/", Fault.Stall, 5000);
        string baseImage = TestEnvironment.BaseRuntime.Replace("localhost:5000", proxy.Registry, StringComparison.Ordinal);
        var clock = Stopwatch.StartNew();

        var result = project.Publish($"ContainerBaseImage={baseImage}", $"ContainerRegistry=127.0.0.1:{registry.Port}",
            $"ContainerRepository={UniqueRepository("stalled")}", "DiamolIdleTimeout=5");
        clock.Stop();

        Assert.IsTrue(proxy.Triggered > 0, "the fault never happened\n" + result.Output);
        Assert.AreNotEqual(0, result.ExitCode, result.All);
        StringAssert.Contains(result.Output, "error DIAM3010", result.Output);
        StringAssert.Contains(result.Output, "no answer within 5 seconds", result.Output);
        Assert.IsTrue(clock.Elapsed < TimeSpan.FromMinutes(3), $"the publish took {clock.Elapsed}");
    }

    /// <summary>A loopback server that answers every request with 200 and a manifest body that never ends.</summary>
    private sealed class EndlessManifestServer : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();
        private long _sent;

        public EndlessManifestServer()
        {
            _listener.Start();
            _ = ServeAsync();
        }

        public string Registry => $"127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

        public long Sent => Interlocked.Read(ref _sent);

        private async Task ServeAsync()
        {
            try
            {
                while (!_stop.IsCancellationRequested)
                {
                    var socket = await _listener.AcceptTcpClientAsync(_stop.Token);
                    _ = AnswerAsync(socket);
                }
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
            }
        }

        private async Task AnswerAsync(TcpClient socket)
        {
            using (socket)
            {
                try
                {
                    var stream = socket.GetStream();
                    byte[] request = new byte[8192];
                    _ = await stream.ReadAsync(request, _stop.Token);
                    await stream.WriteAsync(Encoding.ASCII.GetBytes(
                        "HTTP/1.1 200 OK\r\nContent-Type: application/vnd.oci.image.manifest.v1+json\r\nTransfer-Encoding: chunked\r\n\r\n"), _stop.Token);
                    byte[] chunk = Encoding.ASCII.GetBytes($"10000\r\n{new string(' ', 0x10000)}\r\n");
                    // At most 1 GiB, and only while the client reads.
                    for (int i = 0; i < 16 * 1024 && !_stop.IsCancellationRequested; i++)
                    {
                        await stream.WriteAsync(chunk, _stop.Token);
                        Interlocked.Add(ref _sent, 0x10000);
                    }
                }
                catch (Exception e) when (e is IOException or SocketException or OperationCanceledException)
                {
                }
            }
        }

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
        }
    }

    [TestMethod]
    [Timeout(120_000)]
    public async Task A_one_GiB_manifest_fails_fast_with_little_memory()
    {
        using var server = new EndlessManifestServer();
        using var client = RegistryClient.Create(server.Registry, RegistryAccess.Push);
        long before = Process.GetCurrentProcess().PeakWorkingSet64;
        var clock = Stopwatch.StartNew();

        var e = await Assert.ThrowsAsync<DiamolException>(async () =>
            await client.ResolveAsync("team/app", "1.0", new ImagePlatform("linux", "amd64"), CancellationToken.None));

        clock.Stop();
        Assert.AreEqual(DiagnosticCode.DIAM3011, e.Code, e.ToString());
        StringAssert.Contains(e.Message, "4194304");
        Assert.IsTrue(clock.Elapsed < TimeSpan.FromSeconds(30), clock.Elapsed.ToString());
        Assert.IsTrue(server.Sent < 64L * 1024 * 1024, $"{server.Sent} bytes were sent before the client stopped reading");
        long grown = Process.GetCurrentProcess().PeakWorkingSet64 - before;
        Assert.IsTrue(grown < 256L * 1024 * 1024, $"the peak working set grew by {grown} bytes");
    }

    [TestMethod]
    [Timeout(120_000)]
    public async Task An_upload_Location_on_another_loopback_host_gets_no_credentials_and_the_push_succeeds()
    {
        using var registry = new OwnRegistry();
        using var front = new QuirkProxy(Quirk.ForeignLocation, registry.Port, (User, Password));
        var image = SmallImage.Create(2 * 1024 * 1024);
        string repository = UniqueRepository("catcher");
        string[] names =
        [
            "DOTNET_CONTAINER_REGISTRY_UNAME", "DOTNET_CONTAINER_REGISTRY_PWORD", "DOTNET_CONTAINER_PUSH_REGISTRY_UNAME", "DOTNET_CONTAINER_PUSH_REGISTRY_PWORD",
            "SDK_CONTAINER_REGISTRY_UNAME", "SDK_CONTAINER_REGISTRY_PWORD",
        ];
        var saved = names.ToDictionary(n => n, Environment.GetEnvironmentVariable);
        foreach (string name in names) Environment.SetEnvironmentVariable(name, null);
        Environment.SetEnvironmentVariable("DOTNET_CONTAINER_REGISTRY_UNAME", User);
        Environment.SetEnvironmentVariable("DOTNET_CONTAINER_REGISTRY_PWORD", Password);
        try
        {
            using var client = RegistryClient.Create(front.Registry, RegistryAccess.Push);
            foreach (var (blob, bytes) in new[]
                     {
                         (new BlobDescriptor(SmallImage.LayerMediaType, image.LayerDigest, image.Layer.Length), image.Layer),
                         (new BlobDescriptor(SmallImage.ConfigMediaType, image.ConfigDigest, image.Config.Length), image.Config),
                     })
            {
                await client.PushBlobAsync(repository, blob, () => new MemoryStream(bytes), null, CancellationToken.None);
            }

            string digest = await client.PutManifestAsync(repository, "1.0", image.Manifest, SmallImage.ManifestMediaType, CancellationToken.None);

            Assert.AreEqual(image.ManifestDigest, digest);
            Assert.AreEqual("200", registry.StatusOf($"/v2/{repository}/manifests/1.0"));
            Assert.IsTrue(front.Caught.Count >= 2, "the uploads never went to the catcher: " + string.Join("; ", front.Caught));
            Assert.IsTrue(front.Logins > 0, "the login was never used at the front");
            Assert.IsTrue(front.Caught.All(c => c.Authorization is null), "the catcher got credentials: " + string.Join("; ", front.Caught.Select(c => $"{c.Request} {c.Authorization}")));
        }
        finally
        {
            foreach (var (name, value) in saved) Environment.SetEnvironmentVariable(name, value);
        }
    }

    /// <summary>
    /// Tokens of 5 seconds and a 47 MB layer: the upload goes out with a live token (no margin longer than the
    /// token's life) and the push stores the right digest, with a new token wherever one expired.
    /// </summary>
    [TestMethod]
    [Timeout(180_000)]
    public async Task Five_second_tokens_push_a_47_MB_layer_with_the_right_digest()
    {
        using var registry = new TokenRegistry(TimeSpan.FromSeconds(5));
        var image = SmallImage.Create(47 * 1024 * 1024);
        string repository = UniqueRepository("short-tokens");
        using var client = RegistryClient.Create(registry.Registry, RegistryAccess.Push);
        var clock = Stopwatch.StartNew();

        foreach (var (blob, bytes) in new[]
                 {
                     (new BlobDescriptor(SmallImage.LayerMediaType, image.LayerDigest, image.Layer.Length), image.Layer),
                     (new BlobDescriptor(SmallImage.ConfigMediaType, image.ConfigDigest, image.Config.Length), image.Config),
                 })
        {
            await client.PushBlobAsync(repository, blob, () => new MemoryStream(bytes), null, CancellationToken.None);
            await Task.Delay(TimeSpan.FromSeconds(6)); // the token of the last request is dead now
        }

        string digest = await client.PutManifestAsync(repository, "1.0", image.Manifest, SmallImage.ManifestMediaType, CancellationToken.None);

        Assert.AreEqual(image.ManifestDigest, digest);
        Assert.AreEqual(image.ManifestDigest, registry.DigestOf(repository, "1.0"));
        Assert.IsTrue(registry.Issued >= 2, $"{registry.Issued} tokens: an expired one was never replaced");
        Assert.IsTrue(clock.Elapsed < TimeSpan.FromMinutes(2), clock.Elapsed.ToString());
    }
}
