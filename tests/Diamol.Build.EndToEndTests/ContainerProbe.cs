using System.Net;
using System.Net.Sockets;

namespace Diamol.Build.EndToEndTests;

/// <summary>Runs an image the way its users would and reports what it did: HTTP answers on loopback, or its log.</summary>
public static class ContainerProbe
{
    /// <summary>
    /// Runs a web image on the host's network (this machine has no bridge) on a free loopback port and returns the
    /// status code of each path; the container's log is in the failure message when it never answers.
    /// </summary>
    public static Dictionary<string, HttpStatusCode> Get(string image, params string[] paths) =>
        Call(image, port =>
        {
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };
            return paths.ToDictionary(path => path, path => client.GetAsync(path).GetAwaiter().GetResult().StatusCode);
        });

    /// <summary>
    /// Runs a web image on the host's network on a free loopback port (given to the app as ASPNETCORE_HTTP_PORTS) and
    /// makes <paramref name="call"/> to it, again while it does not answer yet (at most 60 s); the container's log is
    /// in the failure message when it never answers.
    /// </summary>
    public static T Call<T>(string image, Func<int, T> call)
    {
        int port = FreePort();
        string name = "diamol-probe-" + Guid.NewGuid().ToString("N")[..8];
        ProcessRunner.Docker("run", "-d", "--name", name, "--network", "host",
            "-e", $"ASPNETCORE_HTTP_PORTS={port}", "-e", "ASPNETCORE_URLS=", image).EnsureSuccess("docker run " + image);
        try
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            while (true)
            {
                try
                {
                    return call(port);
                }
                catch (HttpRequestException) when (DateTime.UtcNow < deadline && Running(name))
                {
                    Thread.Sleep(500);
                }
                catch (HttpRequestException e)
                {
                    Assert.Fail($"{image} did not answer on port {port}: {e.Message}\n{ProcessRunner.Docker("logs", name).All}");
                    throw;
                }
            }
        }
        finally
        {
            ProcessRunner.Docker("rm", "-f", name);
        }
    }

    /// <summary>Runs an image without a network until its log shows <paramref name="expected"/> (at most 60 s); returns the log.</summary>
    public static string LogUntil(string image, string expected)
    {
        string name = "diamol-probe-" + Guid.NewGuid().ToString("N")[..8];
        ProcessRunner.Docker("run", "-d", "--name", name, "--network", "none", image).EnsureSuccess("docker run " + image);
        try
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            string log;
            while (!(log = ProcessRunner.Docker("logs", name).All).Contains(expected, StringComparison.Ordinal) && DateTime.UtcNow < deadline && Running(name))
            {
                Thread.Sleep(500);
            }

            return log;
        }
        finally
        {
            ProcessRunner.Docker("rm", "-f", name);
        }
    }

    private static bool Running(string name) =>
        ProcessRunner.Docker("inspect", "-f", "{{.State.Running}}", name).Output.Trim() == "true";

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
