using System.Net;
using System.Net.Http.Headers;
using Diamol.Build.Diagnostics;
using Diamol.Build.Credentials;

namespace Diamol.Build.Registry;

/// <summary>
/// A daemonless client of one registry's distribution API (OCI distribution spec, Docker registry v2): resolves
/// images to a platform's manifest, downloads and uploads blobs (verified against their sha256 digests), mounts
/// blobs across repositories and pushes manifests. Authentication happens on demand, when a request gets a 401.
/// </summary>
internal sealed partial class RegistryClient : IRegistryClient, IDisposable
{
    private const string OctetStream = "application/octet-stream";
    private const string DigestHeader = "Docker-Content-Digest";
    private const string SubjectHeader = "OCI-Subject";
    // The distribution spec's recommended limit for a manifest a registry must accept.
    private const long MaxManifestBytes = BoundedAnswer.Limit;
    private const long MaxConfigBytes = 16 * 1024 * 1024;
    private static readonly TimeSpan DefaultRequestTimeout = TimeSpan.FromSeconds(100);
    // Bodies from this size up are sent with Expect: 100-continue (see SendOnceAsync).
    private const long ExpectContinueBytes = 1024 * 1024;

    private readonly HttpClient _http;
    private readonly RegistryTransport _transport;
    private readonly RegistryAuthenticator _authenticator;
    private readonly long _chunkSize;

    /// <param name="registry">As written in image references ("localhost:5000", "docker.io", "ghcr.io").</param>
    /// <param name="credentials">Called at most once, when a 401 first asks for a login; null means anonymous.</param>
    /// <param name="handler">The HTTP handler (tests pass a fake); the client does not dispose one it is given.</param>
    /// <param name="requestTimeout">How long a request may go without any progress (default 100 seconds, as HttpClient's).</param>
    public RegistryClient(string registry, Func<RegistryLogin?> credentials, HttpMessageHandler? handler = null, TimeSpan? requestTimeout = null)
    {
        Registry = registry;
        BaseUri = RegistryEndpoint.BaseUri(registry, Environment.GetEnvironmentVariable);
        RequestTimeout = requestTimeout ?? DefaultRequestTimeout;
        _http = handler is null
            ? new HttpClient(new SocketsHttpHandler { ConnectTimeout = RequestTimeout, PooledConnectionLifetime = TimeSpan.FromMinutes(5) },
                disposeHandler: true)
            : new HttpClient(handler, disposeHandler: false);
        // Time-outs are per request and restart with progress (IdleTimeout): a whole-request limit would cut big layers.
        _http.Timeout = Timeout.InfiniteTimeSpan;
        _http.DefaultRequestHeaders.UserAgent.Add(
            new ProductInfoHeaderValue("Diamol.Build", typeof(RegistryClient).Assembly.GetName().Version?.ToString(3) ?? "0"));
        _transport = new RegistryTransport(_http, registry, RequestTimeout);
        _authenticator = new RegistryAuthenticator(registry, BaseUri.Scheme == Uri.UriSchemeHttp, _transport, credentials);
        ChunkThreshold = UploadDefaults.ChunkThreshold(Environment.GetEnvironmentVariable);
        _chunkSize = UploadDefaults.ChunkSize(registry, Environment.GetEnvironmentVariable);
    }

    /// <summary>
    /// A client whose login is looked up on the first 401 in <paramref name="credentials"/> (a publish's shared
    /// <see cref="CredentialLookup"/>), or in a lookup of its own when none is given.
    /// </summary>
    /// <param name="handler">The HTTP handler (tests pass a fake); null for the client's own connection pool.</param>
    public static RegistryClient Create(string registry, RegistryAccess access, TimeSpan? requestTimeout = null, RetryPolicy? retries = null,
        Action<string>? log = null, CredentialLookup? credentials = null, HttpMessageHandler? handler = null)
    {
        var lookup = credentials ?? CredentialLookup.Real();
        return new(registry, () => lookup.Find(registry, access), handler, requestTimeout) { Retries = retries ?? RetryPolicy.Default, Log = log };
    }

    public string Registry { get; }

    /// <summary>http for insecure registries (see <see cref="RegistryEndpoint.IsInsecure"/>), https otherwise.</summary>
    public Uri BaseUri { get; }

    public TimeSpan RequestTimeout { get; }

    /// <summary>
    /// Blobs larger than this go up in chunks. Default as the SDK's: never, unless chunking is forced (see <see cref="UploadDefaults"/>).
    /// </summary>
    public long ChunkThreshold { get; init; }

    /// <summary>The size of each PATCH in a chunked upload (default 5 MiB), raised to the registry's OCI-Chunk-Min-Length.</summary>
    public long ChunkSize
    {
        get => _chunkSize;
        init => _chunkSize = value is > 0 and <= int.MaxValue
            ? value
            : throw new ArgumentOutOfRangeException(nameof(ChunkSize), value, "A chunk is 1 byte to 2 GiB.");
    }

    public void Dispose() => _http.Dispose();

    /// <summary>Sends a request, answering one 401 with authentication and sending it once more.</summary>
    private async Task<HttpResponseMessage> SendAsync(RegistryRequest request, CancellationToken ct)
    {
        var header = _authenticator.HeaderFor(request.Scopes);
        var response = await SendOnceAsync(request, header, ct).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            var challenge = AuthenticationChallenge.From(response);
            var errors = await RegistryErrorBody.ReadAsync(response, ct).ConfigureAwait(false);
            response.Dispose();
            if (challenge is null)
            {
                throw RegistryFailures.AuthenticationRefused(Registry, request.Repository, request.Description, HttpStatusCode.Unauthorized,
                    errors.Summary, header is not null);
            }

            header = await _authenticator.AuthenticateAsync(challenge, request, ct).ConfigureAwait(false);
            response = await SendOnceAsync(request, header, ct).ConfigureAwait(false);
        }

        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            var errors = await RegistryErrorBody.ReadAsync(response, ct).ConfigureAwait(false);
            var status = response.StatusCode;
            response.Dispose();
            throw RegistryFailures.AuthenticationRefused(Registry, request.Repository, request.Description, status, errors.Summary,
                _authenticator.HasLogin);
        }

        return response;
    }

    private Task<HttpResponseMessage> SendOnceAsync(RegistryRequest request, AuthenticationHeaderValue? header, CancellationToken ct) =>
        _transport.SendAsync(progress =>
        {
            var message = new HttpRequestMessage(request.Method, request.Uri);
            // The login and tokens are the registry's: never sent to a Location on another origin.
            message.Headers.Authorization = CredentialOrigin.Allows(BaseUri, request.Uri) ? header : null;
            foreach (string type in request.Accept ?? []) message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(type));
            if (request.IfMatch is not null) message.Headers.TryAddWithoutValidation("If-Match", request.IfMatch);
            if (request.Content is not null)
            {
                message.Content = request.Content(progress);
                // A large body waits for the registry's 100 Continue: a 401 (an expired token) or a refusal then
                // costs no upload, and the body is sent once, after the new token.
                if (message.Content.Headers.ContentLength >= ExpectContinueBytes) message.Headers.ExpectContinue = true;
            }

            return message;
        }, request.Repository, request.Description, request.StreamResponse, ct);

    private async Task<DiamolException> UnexpectedAsync(HttpResponseMessage response, RegistryRequest request, CancellationToken ct) =>
        Unexpected(response, request, await RegistryErrorBody.ReadAsync(response, ct).ConfigureAwait(false));

    private DiamolException Unexpected(HttpResponseMessage response, RegistryRequest request, RegistryErrorBody errors) =>
        (int)response.StatusCode < 400
            ? RegistryFailures.ProtocolBreak(Registry, request.Repository, request.Description,
                $"the status {(int)response.StatusCode} {response.StatusCode} is not one the protocol gives for this request")
            : RegistryFailures.ServerFault(Registry, request.Repository, request.Description, response.StatusCode, errors.Summary);

    private Uri Api(string path) => new(BaseUri, "v2/" + path);

    private static string? HeaderValue(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;
}
