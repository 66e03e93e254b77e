using System.Net;
using System.Text;

namespace Diamol.Build.EndToEndTests;

/// <summary>What the quirk proxy does to the requests it passes on.</summary>
public enum Quirk
{
    /// <summary>
    /// At most <see cref="QuirkProxy.RequestsPerSecond"/> requests in each second; the rest are answered 429 with
    /// <c>Retry-After: 1</c> (a rate limit, as Docker Hub's and the cloud registries' throttles answer).
    /// </summary>
    RateLimit,

    /// <summary>A blob <c>PUT</c> with a body is refused with 400 UNSUPPORTED: the registry takes chunks only.</summary>
    RefuseMonolithic,

    /// <summary>Every <c>PATCH</c> is refused with 405 (as Google Artifact Registry does).</summary>
    RefusePatch,

    /// <summary>
    /// Upload sessions say <c>OCI-Chunk-Min-Length: 1048576</c>, and a chunk after a shorter one is refused with 416
    /// (as ECR does with chunks under 5 MB but the last).
    /// </summary>
    MinimumChunk,
}

/// <summary>
/// An HTTP proxy of the test's own on a free loopback port, in front of a registry of the test's own
/// (<see cref="OwnRegistry"/>), that behaves as real registries and their load balancers do at their worst. It keeps
/// the Host of the request, so the Locations the registry writes point back at the proxy. It counts what it did, so
/// a test can check that the quirk really happened.
/// </summary>
public sealed class QuirkProxy : IDisposable
{
    public const int MinimumChunkLength = 1024 * 1024;
    public const int RequestsPerSecond = 8;

    private readonly HttpListener _listener = new();
    private readonly HttpClient _upstream = new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }) { Timeout = TimeSpan.FromMinutes(2) };
    private readonly Quirk _quirk;
    private readonly int _registryPort;
    private readonly HashSet<string> _shortChunkSessions = [];
    private int _applied;
    private int _patches;
    private DateTime _window = DateTime.MinValue;
    private int _inWindow;

    public QuirkProxy(Quirk quirk, int registryPort)
    {
        _quirk = quirk;
        _registryPort = registryPort;
        for (int attempt = 0; ; attempt++)
        {
            Port = FreePort();
            _listener.Prefixes.Clear();
            _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
            try
            {
                _listener.Start();
                break;
            }
            catch (HttpListenerException) when (attempt < 5)
            {
            }
        }

        _ = AcceptAsync();
    }

    public int Port { get; private set; }

    /// <summary>For ContainerRegistry (loopback: plain HTTP).</summary>
    public string Registry => $"127.0.0.1:{Port}";

    /// <summary>How many requests the quirk changed (reset, answered 429, refused).</summary>
    public int Applied => Volatile.Read(ref _applied);

    /// <summary>How many PATCH requests reached the registry.</summary>
    public int Patches => Volatile.Read(ref _patches);

    private async Task AcceptAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception)
            {
                return;
            }

            _ = ServeAsync(context);
        }
    }

    private async Task ServeAsync(HttpListenerContext context)
    {
        var request = context.Request;
        var response = context.Response;
        try
        {
            byte[] body;
            using (var buffer = new MemoryStream())
            {
                await request.InputStream.CopyToAsync(buffer);
                body = buffer.ToArray();
            }

            string path = request.Url!.AbsolutePath;
            bool upload = path.Contains("/blobs/uploads/", StringComparison.Ordinal);
            switch (_quirk)
            {
                case Quirk.RateLimit when OverLimit():
                    Interlocked.Increment(ref _applied);
                    response.Headers["Retry-After"] = "1";
                    await AnswerAsync(response, 429, "TOOMANYREQUESTS", "rate limited by the test's proxy");
                    return;
                case Quirk.RefuseMonolithic when request.HttpMethod == "PUT" && upload && body.Length > 0:
                    Interlocked.Increment(ref _applied);
                    await AnswerAsync(response, 400, "UNSUPPORTED", "monolithic uploads are refused by the test's proxy");
                    return;
                case Quirk.RefusePatch when request.HttpMethod == "PATCH":
                    Interlocked.Increment(ref _applied);
                    await AnswerAsync(response, 405, "UNSUPPORTED", "PATCH is refused by the test's proxy");
                    return;
                case Quirk.MinimumChunk when request.HttpMethod == "PATCH":
                    bool afterShort;
                    lock (_shortChunkSessions)
                    {
                        afterShort = _shortChunkSessions.Contains(path);
                        if (!afterShort && body.Length < MinimumChunkLength) _shortChunkSessions.Add(path);
                    }

                    if (afterShort)
                    {
                        Interlocked.Increment(ref _applied);
                        await AnswerAsync(response, 416, "BLOB_UPLOAD_INVALID", "a chunk but the last is shorter than OCI-Chunk-Min-Length");
                        return;
                    }

                    break;
            }

            if (request.HttpMethod == "PATCH") Interlocked.Increment(ref _patches);
            await ForwardAsync(request, response, body);
        }
        catch (Exception)
        {
            try
            {
                response.Abort();
            }
            catch (Exception)
            {
            }
        }
    }

    // A fixed one-second window: a client that waits as Retry-After asks finds a fresh one.
    private bool OverLimit()
    {
        lock (_shortChunkSessions)
        {
            var now = DateTime.UtcNow;
            if (now - _window >= TimeSpan.FromSeconds(1)) (_window, _inWindow) = (now, 0);
            return ++_inWindow > RequestsPerSecond;
        }
    }

    private async Task ForwardAsync(HttpListenerRequest request, HttpListenerResponse response, byte[] body)
    {
        var forward = new HttpRequestMessage(new HttpMethod(request.HttpMethod), $"http://127.0.0.1:{_registryPort}{request.Url!.PathAndQuery}");
        var content = new ByteArrayContent(body);
        foreach (string name in request.Headers.AllKeys.OfType<string>())
        {
            if (name is "Host" or "Connection" or "Content-Length" or "Transfer-Encoding" or "Expect") continue;
            string value = request.Headers[name]!;
            if (!forward.Headers.TryAddWithoutValidation(name, value)) content.Headers.TryAddWithoutValidation(name, value);
        }

        if (body.Length > 0 || request.HttpMethod is "PUT" or "PATCH" or "POST") forward.Content = content;
        forward.Headers.Host = Registry;
        using var answer = await _upstream.SendAsync(forward);
        byte[] reply = await answer.Content.ReadAsByteArrayAsync();
        response.StatusCode = (int)answer.StatusCode;
        foreach (var header in answer.Headers.Concat(answer.Content.Headers))
        {
            if (header.Key is "Content-Length" or "Transfer-Encoding" or "Connection" or "Keep-Alive") continue;
            response.Headers[header.Key] = string.Join(", ", header.Value);
        }

        if (_quirk == Quirk.MinimumChunk && request.HttpMethod == "POST" && answer.StatusCode == HttpStatusCode.Accepted)
        {
            response.Headers["OCI-Chunk-Min-Length"] = MinimumChunkLength.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        // A HEAD answer keeps its Content-Length and has no body.
        if (request.HttpMethod == "HEAD")
        {
            if (answer.Content.Headers.ContentLength is long length) response.ContentLength64 = length;
            response.Close();
            return;
        }

        response.ContentLength64 = reply.Length;
        await response.OutputStream.WriteAsync(reply);
        response.Close();
    }

    private static async Task AnswerAsync(HttpListenerResponse response, int status, string code, string message)
    {
        byte[] body = Encoding.UTF8.GetBytes($"{{\"errors\":[{{\"code\":\"{code}\",\"message\":\"{message}\"}}]}}");
        response.StatusCode = status;
        response.ContentType = "application/json";
        response.ContentLength64 = body.Length;
        await response.OutputStream.WriteAsync(body);
        response.Close();
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        _listener.Close();
        _upstream.Dispose();
    }
}
