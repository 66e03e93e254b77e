using System.Net;
using System.Net.Sockets;

namespace Diamol.Build.EndToEndTests.Registry;

/// <summary>
/// A loopback HTTP forwarder in front of a registry of the test's own. As the front (127.0.0.1) it asks for a Basic
/// login and sends the upload POST's Location to the catcher; as the catcher (127.0.0.2, another origin) it records
/// every Authorization header it is sent and asks for none. Both pass the requests on to the registry unchanged, so a
/// push through them succeeds only when the client follows the Location, and the catcher shows what it leaked.
/// </summary>
internal sealed class LocationRewritingFront : IDisposable
{
    private static readonly HashSet<string> HopHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Host", "Connection", "Transfer-Encoding", "Content-Length", "Expect", "Keep-Alive",
    };

    private readonly HttpListener _front = new();
    private readonly HttpListener _catcher = new();
    private readonly HttpClient _upstream = new(new SocketsHttpHandler { AllowAutoRedirect = false });
    private readonly int _registryPort;
    private readonly string _basic;

    public LocationRewritingFront(int registryPort, string user, string password)
    {
        _registryPort = registryPort;
        _basic = "Basic " + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{user}:{password}"));
        FrontPort = FreePort(IPAddress.Loopback);
        CatcherPort = FreePort(IPAddress.Parse("127.0.0.2"));
        _front.Prefixes.Add($"http://127.0.0.1:{FrontPort}/");
        _catcher.Prefixes.Add($"http://127.0.0.2:{CatcherPort}/");
        _front.Start();
        _catcher.Start();
        _ = ServeAsync(_front, isCatcher: false);
        _ = ServeAsync(_catcher, isCatcher: true);
    }

    public int FrontPort { get; }

    public int CatcherPort { get; }

    public string Registry => $"127.0.0.1:{FrontPort}";

    /// <summary>"METHOD path Authorization-or-empty" for every request the catcher got.</summary>
    public List<(string Request, string? Authorization)> Caught { get; } = [];

    /// <summary>Authorization headers the front got (to show the login was in use at all).</summary>
    public List<string> FrontAuthorizations { get; } = [];

    private async Task ServeAsync(HttpListener listener, bool isCatcher)
    {
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            _ = AnswerAsync(context, isCatcher);
        }
    }

    private async Task AnswerAsync(HttpListenerContext context, bool isCatcher)
    {
        var request = context.Request;
        var response = context.Response;
        try
        {
            string? authorization = request.Headers["Authorization"];
            if (isCatcher)
            {
                lock (Caught) Caught.Add(($"{request.HttpMethod} {request.Url!.PathAndQuery}", authorization));
            }
            else
            {
                if (authorization is not null) lock (FrontAuthorizations) FrontAuthorizations.Add(authorization);
                if (authorization != _basic)
                {
                    response.StatusCode = 401;
                    response.Headers["WWW-Authenticate"] = "Basic realm=\"front\"";
                    response.Close();
                    return;
                }
            }

            using var forward = new HttpRequestMessage(new HttpMethod(request.HttpMethod), $"http://127.0.0.1:{_registryPort}{request.Url!.PathAndQuery}");
            if (request.HasEntityBody || request.HttpMethod is "PUT" or "PATCH" or "POST")
            {
                using var body = new MemoryStream();
                await request.InputStream.CopyToAsync(body);
                forward.Content = new ByteArrayContent(body.ToArray());
            }

            foreach (string name in request.Headers.AllKeys.OfType<string>())
            {
                if (HopHeaders.Contains(name) || name.Equals("Authorization", StringComparison.OrdinalIgnoreCase)) continue;
                if (!forward.Headers.TryAddWithoutValidation(name, request.Headers.GetValues(name)!)) forward.Content?.Headers.TryAddWithoutValidation(name, request.Headers.GetValues(name)!);
            }

            using var answer = await _upstream.SendAsync(forward);
            response.StatusCode = (int)answer.StatusCode;
            foreach (var header in answer.Headers.Concat(answer.Content.Headers))
            {
                if (HopHeaders.Contains(header.Key)) continue;
                string value = string.Join(", ", header.Value);
                if (!isCatcher && header.Key.Equals("Location", StringComparison.OrdinalIgnoreCase) && request.HttpMethod == "POST")
                {
                    // The upload goes on at another origin, as a registry with separate storage hosts answers.
                    var location = new Uri(new Uri($"http://127.0.0.1:{_registryPort}/"), value);
                    value = $"http://127.0.0.2:{CatcherPort}{location.PathAndQuery}";
                }

                response.Headers[header.Key] = value;
            }

            byte[] bytes = await answer.Content.ReadAsByteArrayAsync();
            response.ContentLength64 = bytes.Length;
            if (request.HttpMethod != "HEAD") await response.OutputStream.WriteAsync(bytes);
            response.Close();
        }
        catch (Exception e) when (e is HttpListenerException or IOException or HttpRequestException or ObjectDisposedException)
        {
            response.Abort();
        }
    }

    private static int FreePort(IPAddress address)
    {
        using var listener = new TcpListener(address, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        _front.Close();
        _catcher.Close();
        _upstream.Dispose();
    }
}
