using System.Net.Sockets;
using System.Net;
using System.Text;
using Diamol.Build.Credentials;
using Diamol.Build.Engine;
using Diamol.Build.Registry;

namespace Diamol.Build.Tests.Registry;

/// <summary>
/// A redirect to another origin loses the registry's Authorization header. The decision is HttpClient's own (its
/// redirect handler drops the header), so this test runs the client's real handler against two loopback listeners.
/// </summary>
[TestClass]
public sealed class RegistryRedirectCredentialTests
{
    private static int FreePort(IPAddress address)
    {
        using var listener = new TcpListener(address, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [TestMethod]
    [Timeout(30_000)]
    public async Task A_redirect_to_another_loopback_host_gets_no_credentials()
    {
        int registryPort = FreePort(IPAddress.Loopback);
        int catcherPort = FreePort(IPAddress.Parse("127.0.0.2"));
        string basic = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("alice:s3cret"));
        var caught = new List<string?>();
        using var registry = new HttpListener();
        using var catcher = new HttpListener();
        registry.Prefixes.Add($"http://127.0.0.1:{registryPort}/");
        catcher.Prefixes.Add($"http://127.0.0.2:{catcherPort}/");
        registry.Start();
        catcher.Start();
        _ = Task.Run(async () =>
        {
            while (registry.IsListening)
            {
                var context = await registry.GetContextAsync();
                if (context.Request.Headers["Authorization"] != basic)
                {
                    context.Response.StatusCode = 401;
                    context.Response.Headers["WWW-Authenticate"] = "Basic realm=\"test\"";
                }
                else
                {
                    context.Response.StatusCode = 307;
                    context.Response.Headers["Location"] = $"http://127.0.0.2:{catcherPort}{context.Request.Url!.PathAndQuery}";
                }

                context.Response.Close();
            }
        });
        _ = Task.Run(async () =>
        {
            while (catcher.IsListening)
            {
                var context = await catcher.GetContextAsync();
                lock (caught) caught.Add(context.Request.Headers["Authorization"]);
                context.Response.StatusCode = 404;
                context.Response.Close();
            }
        });
        using var client = new RegistryClient($"127.0.0.1:{registryPort}", () => new RegistryLogin("127.0.0.1", "alice", "s3cret", null), requestTimeout: TimeSpan.FromSeconds(10));

        bool exists = await client.BlobExistsAsync("team/app", "sha256:" + new string('a', 64), default);

        Assert.IsFalse(exists, "the redirect was followed to the catcher's 404");
        Assert.AreEqual(1, caught.Count);
        Assert.IsNull(caught[0], "the catcher got the registry's login");
    }
}
