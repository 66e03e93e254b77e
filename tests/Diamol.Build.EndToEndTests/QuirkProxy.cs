using System.Net;
using System.Text;
using System.Text.Json;

namespace Diamol.Build.EndToEndTests;

/// <summary>What the quirk proxy does to the requests it passes on.</summary>
public enum Quirk
{
    /// <summary>Passes everything on (behind a <see cref="FaultProxy"/>, or only for its login and catcher).</summary>
    None,

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
    /// A chunk after one shorter than <see cref="QuirkProxy.MinimumChunkLength"/> (5 MiB) is refused with 416, as
    /// Amazon ECR refuses parts under 5 MiB but the last. Like ECR, no <c>OCI-Chunk-Min-Length</c> says so.
    /// </summary>
    MinimumChunk,

    /// <summary>
    /// Chunks only (a whole PUT is refused), and a PATCH's Content-Range, when it has one, must be <c>bytes start-end</c>
    /// (RFC 9110's form). A PATCH without one (the spec's streamed upload) is taken.
    /// </summary>
    ContentRangeWithUnit,

    /// <summary>Chunks only (a whole PUT is refused), and a PATCH's Content-Range, when it has one, must be bare <c>start-end</c> (ACR's form).</summary>
    ContentRangeBare,

    /// <summary>The upload POST's Location is on the catcher (127.0.0.2), another origin, as registries with storage hosts answer.</summary>
    ForeignLocation,

    /// <summary>Blob HEADs and GETs are redirected (307) to the catcher, as registries send blob reads to storage or a CDN.</summary>
    RedirectToCatcher,

    /// <summary>Every request waits <see cref="QuirkProxy.SlowDelay"/> before it is passed on: a slow registry, so short tokens expire mid-push.</summary>
    Slow,

    /// <summary>
    /// The first manifest <c>PUT</c> is passed nothing and answered nothing for <see cref="QuirkProxy.StallFor"/>, then
    /// 504 (as a load balancer answers for a backend that went silent): a registry that stalled once.
    /// </summary>
    StallFirstManifest,

    /// <summary>A manifest <c>GET</c> is answered 200 with a body that does not end (up to <see cref="QuirkProxy.EndlessCap"/>).</summary>
    EndlessManifest,

    /// <summary>A <c>GET</c> of a config blob (one a manifest the proxy passed on names as its config) gets a body that does not end.</summary>
    EndlessConfig,
}

/// <summary>
/// An HTTP proxy of the test's own on a free loopback port, in front of a registry of the test's own
/// (<see cref="OwnRegistry"/>), that behaves as real registries and their load balancers do at their worst. It keeps
/// the Host of the request, so the Locations the registry writes point back at whoever the client talked to (this
/// proxy, or a <see cref="FaultProxy"/> in front of it). It counts what it did, so a test can check that the quirk
/// really happened.
/// <para>
/// With a login it asks every request for that Basic login (401 otherwise), so credentials are in play. Beside it a
/// catcher listens on 127.0.0.2 (another origin): it asks for no login, passes requests on to the same registry and
/// records every Authorization header it is sent. Upload Locations and redirects of the quirks that need one point
/// there; a client that sends it a credential has leaked it.
/// </para>
/// </summary>
public sealed class QuirkProxy : IDisposable
{
    public const int MinimumChunkLength = 5 * 1024 * 1024;
    public const int RequestsPerSecond = 8;
    public static readonly TimeSpan SlowDelay = TimeSpan.FromMilliseconds(400);
    public static readonly TimeSpan StallFor = TimeSpan.FromSeconds(40);
    public const long EndlessCap = 256L * 1024 * 1024;

    private static readonly HashSet<string> HopHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Host", "Connection", "Content-Length", "Transfer-Encoding", "Expect", "Keep-Alive",
    };

    private readonly HttpListener _listener = new();
    private readonly HttpListener _catcher = new();
    private readonly HttpClient _upstream = new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }) { Timeout = TimeSpan.FromMinutes(2) };
    private readonly CancellationTokenSource _stop = new();
    private readonly Quirk _quirk;
    private readonly int _registryPort;
    private readonly string? _basic;
    private readonly HashSet<string> _shortChunkSessions = [];
    private readonly HashSet<string> _configs = [];
    private readonly List<(string Request, string? Authorization)> _caught = [];
    private readonly List<string> _ranges = [];
    private int _applied;
    private int _patches;
    private int _logins;
    private int _stalled;
    private long _sent;
    private DateTime _window = DateTime.MinValue;
    private int _inWindow;

    /// <param name="login">The Basic login every request must carry; null asks for none.</param>
    public QuirkProxy(Quirk quirk, int registryPort, (string User, string Password)? login = null)
    {
        _quirk = quirk;
        _registryPort = registryPort;
        _basic = login is { } l ? "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{l.User}:{l.Password}")) : null;
        Port = Start(_listener, IPAddress.Loopback);
        CatcherPort = Start(_catcher, IPAddress.Parse("127.0.0.2"));
        _ = AcceptAsync(_listener, catcher: false);
        _ = AcceptAsync(_catcher, catcher: true);
    }

    public int Port { get; }

    /// <summary>The catcher's port on 127.0.0.2.</summary>
    public int CatcherPort { get; }

    /// <summary>For ContainerRegistry (loopback: plain HTTP).</summary>
    public string Registry => $"127.0.0.1:{Port}";

    /// <summary>The catcher as a registry name, for DOTNET_CONTAINER_INSECURE_REGISTRIES.</summary>
    public string Catcher => $"127.0.0.2:{CatcherPort}";

    /// <summary>How many requests the quirk changed (reset, answered 429, refused, redirected, stalled, answered endlessly).</summary>
    public int Applied => Volatile.Read(ref _applied);

    /// <summary>How many PATCH requests reached the registry.</summary>
    public int Patches => Volatile.Read(ref _patches);

    /// <summary>How many requests came with the right login.</summary>
    public int Logins => Volatile.Read(ref _logins);

    /// <summary>How many bytes of endless bodies were sent (the client stops reading, or the cap is reached).</summary>
    public long EndlessBytesSent => Interlocked.Read(ref _sent);

    /// <summary>Every request the catcher got, with the Authorization header it carried (null for none).</summary>
    public IReadOnlyList<(string Request, string? Authorization)> Caught
    {
        get
        {
            lock (_caught) return [.. _caught];
        }
    }

    /// <summary>The Content-Range of every PATCH the proxy got ("(none)" for a PATCH without one), to show what a client sends.</summary>
    public IReadOnlyList<string> Ranges
    {
        get
        {
            lock (_ranges) return [.. _ranges];
        }
    }

    /// <summary>Forgets what was counted and caught, for a second client through the same proxy.</summary>
    public void Reset()
    {
        lock (_caught) _caught.Clear();
        lock (_ranges) _ranges.Clear();
        lock (_shortChunkSessions) _shortChunkSessions.Clear();
        Interlocked.Exchange(ref _applied, 0);
        Interlocked.Exchange(ref _patches, 0);
        Interlocked.Exchange(ref _logins, 0);
        Interlocked.Exchange(ref _stalled, 0);
        Interlocked.Exchange(ref _sent, 0);
    }

    private static int Start(HttpListener listener, IPAddress address)
    {
        for (int attempt = 0; ; attempt++)
        {
            int port = FreePort(address);
            listener.Prefixes.Clear();
            listener.Prefixes.Add($"http://{address}:{port}/");
            try
            {
                listener.Start();
                return port;
            }
            catch (HttpListenerException) when (attempt < 5)
            {
            }
        }
    }

    private async Task AcceptAsync(HttpListener listener, bool catcher)
    {
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception)
            {
                return;
            }

            _ = catcher ? CatchAsync(context) : ServeAsync(context);
        }
    }

    private async Task CatchAsync(HttpListenerContext context)
    {
        var request = context.Request;
        lock (_caught) _caught.Add(($"{request.HttpMethod} {request.Url!.PathAndQuery}", request.Headers["Authorization"]));
        try
        {
            await ForwardAsync(request, context.Response, await BodyAsync(request), Catcher);
        }
        catch (Exception)
        {
            Abort(context.Response);
        }
    }

    private async Task ServeAsync(HttpListenerContext context)
    {
        var request = context.Request;
        var response = context.Response;
        try
        {
            byte[] body = await BodyAsync(request);
            if (_basic is not null)
            {
                if (request.Headers["Authorization"] != _basic)
                {
                    response.Headers["WWW-Authenticate"] = "Basic realm=\"diamol-quirk-proxy\"";
                    await AnswerAsync(response, 401, "UNAUTHORIZED", "authentication required");
                    return;
                }

                Interlocked.Increment(ref _logins);
            }

            string path = request.Url!.AbsolutePath;
            string method = request.HttpMethod;
            bool upload = path.Contains("/blobs/uploads/", StringComparison.Ordinal);
            string? range = request.Headers["Content-Range"];
            if (method == "PATCH") lock (_ranges) _ranges.Add(range ?? "(none)");
            switch (_quirk)
            {
                case Quirk.RateLimit when OverLimit():
                    Interlocked.Increment(ref _applied);
                    response.Headers["Retry-After"] = "1";
                    await AnswerAsync(response, 429, "TOOMANYREQUESTS", "rate limited by the test's proxy");
                    return;
                case Quirk.RefuseMonolithic or Quirk.ContentRangeWithUnit or Quirk.ContentRangeBare when method == "PUT" && upload && body.Length > 0:
                    Interlocked.Increment(ref _applied);
                    await AnswerAsync(response, 400, "UNSUPPORTED", "monolithic uploads are refused by the test's proxy");
                    return;
                // A PATCH without Content-Range is the spec's streamed upload, which registries take: only the other form is refused.
                case Quirk.ContentRangeWithUnit when method == "PATCH" && range is not null && !range.StartsWith("bytes ", StringComparison.Ordinal):
                case Quirk.ContentRangeBare when method == "PATCH" && range is not null && !(range.Length > 0 && char.IsAsciiDigit(range[0])):
                    Interlocked.Increment(ref _applied);
                    await AnswerAsync(response, 400, "BLOB_UPLOAD_INVALID", $"Content-Range '{range}' is not in the form the test's proxy takes");
                    return;
                case Quirk.RefusePatch when method == "PATCH":
                    Interlocked.Increment(ref _applied);
                    await AnswerAsync(response, 405, "UNSUPPORTED", "PATCH is refused by the test's proxy");
                    return;
                case Quirk.MinimumChunk when method == "PATCH":
                    bool afterShort;
                    lock (_shortChunkSessions)
                    {
                        afterShort = _shortChunkSessions.Contains(path);
                        if (!afterShort && body.Length < MinimumChunkLength) _shortChunkSessions.Add(path);
                    }

                    if (afterShort)
                    {
                        Interlocked.Increment(ref _applied);
                        await AnswerAsync(response, 416, "BLOB_UPLOAD_INVALID", "a chunk but the last is shorter than 5 MiB");
                        return;
                    }

                    break;
                case Quirk.RedirectToCatcher when method is "HEAD" or "GET" && path.Contains("/blobs/sha256:", StringComparison.Ordinal):
                    Interlocked.Increment(ref _applied);
                    response.StatusCode = 307;
                    response.RedirectLocation = $"http://{Catcher}{request.Url.PathAndQuery}";
                    response.ContentLength64 = 0;
                    response.Close();
                    return;
                case Quirk.Slow:
                    await Task.Delay(SlowDelay, _stop.Token);
                    break;
                case Quirk.StallFirstManifest when method == "PUT" && path.Contains("/manifests/", StringComparison.Ordinal) && Interlocked.Increment(ref _stalled) == 1:
                    Interlocked.Increment(ref _applied);
                    // As a load balancer in front of a silent registry does. (HttpListener cannot cut a connection
                    // without a response: its Abort sends the default 200 first.)
                    await Task.Delay(StallFor, _stop.Token);
                    await AnswerAsync(response, 504, "UNAVAILABLE", "the registry behind the test's proxy did not answer");
                    return;
                case Quirk.EndlessManifest when method == "GET" && path.Contains("/manifests/", StringComparison.Ordinal):
                    await EndlessAsync(response, "application/vnd.docker.distribution.manifest.v2+json");
                    return;
                case Quirk.EndlessConfig when method == "GET" && IsConfig(path):
                    await EndlessAsync(response, "application/octet-stream");
                    return;
            }

            // Kept with its method (a PATCH's Location rewrites apply to what the registry answers).
            if (method == "PATCH") Interlocked.Increment(ref _patches);
            await ForwardAsync(request, response, body, request.Headers["Host"] ?? Registry);
        }
        catch (Exception)
        {
            Abort(response);
        }
    }

    private bool IsConfig(string path)
    {
        string digest = path[(path.LastIndexOf('/') + 1)..];
        lock (_configs) return path.Contains("/blobs/", StringComparison.Ordinal) && _configs.Contains(digest);
    }

    // A 200 whose chunked body is spaces, written while the client reads, up to the cap.
    private async Task EndlessAsync(HttpListenerResponse response, string mediaType)
    {
        Interlocked.Increment(ref _applied);
        response.StatusCode = 200;
        response.ContentType = mediaType;
        response.SendChunked = true;
        byte[] chunk = Encoding.ASCII.GetBytes(new string(' ', 64 * 1024));
        try
        {
            while (Interlocked.Read(ref _sent) < EndlessCap && !_stop.IsCancellationRequested)
            {
                await response.OutputStream.WriteAsync(chunk, _stop.Token);
                Interlocked.Add(ref _sent, chunk.Length);
            }

            response.Close();
        }
        catch (Exception)
        {
            Abort(response);
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

    private static async Task<byte[]> BodyAsync(HttpListenerRequest request)
    {
        using var buffer = new MemoryStream();
        await request.InputStream.CopyToAsync(buffer);
        return buffer.ToArray();
    }

    /// <param name="host">The Host the registry sees, so the Locations it writes point where the client talked to.</param>
    private async Task ForwardAsync(HttpListenerRequest request, HttpListenerResponse response, byte[] body, string host)
    {
        using var forward = new HttpRequestMessage(new HttpMethod(request.HttpMethod), $"http://127.0.0.1:{_registryPort}{request.Url!.PathAndQuery}");
        var content = new ByteArrayContent(body);
        foreach (string name in request.Headers.AllKeys.OfType<string>())
        {
            // The proxy's own login stays here (the registry behind it asks for none); a registry's own token passes on.
            if (HopHeaders.Contains(name) || (_basic is not null && name.Equals("Authorization", StringComparison.OrdinalIgnoreCase))) continue;
            string value = request.Headers[name]!;
            if (!forward.Headers.TryAddWithoutValidation(name, value)) content.Headers.TryAddWithoutValidation(name, value);
        }

        if (body.Length > 0 || request.HttpMethod is "PUT" or "PATCH" or "POST") forward.Content = content;
        forward.Headers.Host = host;
        using var answer = await _upstream.SendAsync(forward);
        byte[] reply = await answer.Content.ReadAsByteArrayAsync();
        response.StatusCode = (int)answer.StatusCode;
        foreach (var header in answer.Headers.Concat(answer.Content.Headers))
        {
            if (header.Key is "Content-Length" or "Transfer-Encoding" or "Connection" or "Keep-Alive") continue;
            string value = string.Join(", ", header.Value);
            if (_quirk == Quirk.ForeignLocation && host != Catcher && request.HttpMethod == "POST" && header.Key.Equals("Location", StringComparison.OrdinalIgnoreCase))
            {
                // The upload goes on at another origin.
                Interlocked.Increment(ref _applied);
                value = $"http://{Catcher}{new Uri(new Uri($"http://{host}/"), value).PathAndQuery}";
            }

            response.Headers[header.Key] = value;
        }

        if (_quirk == Quirk.EndlessConfig && request.HttpMethod == "GET" && request.Url.AbsolutePath.Contains("/manifests/", StringComparison.Ordinal)) RememberConfig(reply);

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

    private void RememberConfig(byte[] manifest)
    {
        try
        {
            using var document = JsonDocument.Parse(manifest);
            if (document.RootElement.TryGetProperty("config", out var config) && config.TryGetProperty("digest", out var digest))
            {
                lock (_configs) _configs.Add(digest.GetString()!);
            }
        }
        catch (JsonException)
        {
        }
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

    private static void Abort(HttpListenerResponse response)
    {
        try
        {
            response.Abort();
        }
        catch (Exception)
        {
        }
    }

    private static int FreePort(IPAddress address)
    {
        using var listener = new System.Net.Sockets.TcpListener(address, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Close();
        _catcher.Close();
        _upstream.Dispose();
        _stop.Dispose();
    }
}
