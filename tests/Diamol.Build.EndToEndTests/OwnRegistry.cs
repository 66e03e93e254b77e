using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Diamol.Build.EndToEndTests;

/// <summary>
/// A registry of the test's own (Debian's docker-registry) on a free loopback port with its own storage, for fault
/// tests: whatever a fault leaves behind (half uploads) stays out of the shared registries, and goes with it.
/// </summary>
public sealed class OwnRegistry : IDisposable
{
    private readonly Process _process;
    private readonly string _root;

    public OwnRegistry()
    {
        Port = FreePort();
        _root = Path.Combine(TestEnvironment.WorkRoot, "registry-" + Port);
        Directory.CreateDirectory(Path.Combine(_root, "storage"));
        string config = Path.Combine(_root, "config.yml");
        File.WriteAllText(config, $"""
            version: 0.1
            log:
              level: warn
            storage:
              filesystem:
                rootdirectory: {Path.Combine(_root, "storage")}
            http:
              addr: 127.0.0.1:{Port}
              secret: diamol-test-own
            """);
        _process = Process.Start(new ProcessStartInfo("docker-registry", ["serve", config]) { RedirectStandardError = true, RedirectStandardOutput = true })
            ?? throw new InvalidOperationException("docker-registry did not start");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (StatusOf("/v2/") != "200")
        {
            Assert.IsTrue(DateTime.UtcNow < deadline && !_process.HasExited, $"the test's own registry on port {Port} did not answer");
            Thread.Sleep(200);
        }
    }

    public int Port { get; }

    /// <summary>The HTTP status of a GET (manifests asked for in the Docker v2 and OCI media types).</summary>
    public string StatusOf(string path) =>
        ProcessRunner.Run("curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}",
            "-H", "Accept: application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json",
            $"http://127.0.0.1:{Port}{path}"]).Output.Trim();

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.WaitForExit(10_000);
        _process.Dispose();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // The work root goes at the end of the run anyway.
        }
    }
}
