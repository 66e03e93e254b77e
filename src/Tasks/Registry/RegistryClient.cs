using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Diamol.Build.Common;
using Diamol.Build.Diagnostics;
using Diamol.Build.Credentials;
using Diamol.Build.Oci;

namespace Diamol.Build.Registry;

/// <summary>
/// A daemonless client of one registry's distribution API (OCI distribution spec, Docker registry v2): resolves
/// images to a platform's manifest, downloads and uploads blobs (verified against their sha256 digests), mounts
/// blobs across repositories and pushes manifests. Authentication happens on demand, when a request gets a 401.
/// </summary>
public sealed partial class RegistryClient : IRegistryClient, IDisposable
{
    private const string OctetStream = "application/octet-stream";
    private const string DigestHeader = "Docker-Content-Digest";
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
            ? new HttpClient(new SocketsHttpHandler { ConnectTimeout = RequestTimeout, PooledConnectionLifetime = TimeSpan.FromMinutes(5) }, disposeHandler: true)
            : new HttpClient(handler, disposeHandler: false);
        // Time-outs are per request and restart with progress (IdleTimeout): a whole-request limit would cut big layers.
        _http.Timeout = Timeout.InfiniteTimeSpan;
        _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("Diamol.Build", typeof(RegistryClient).Assembly.GetName().Version?.ToString(3) ?? "0"));
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
    public static RegistryClient Create(string registry, RegistryAccess access, TimeSpan? requestTimeout = null, RetryPolicy? retries = null, Action<string>? log = null,
        CredentialLookup? credentials = null, HttpMessageHandler? handler = null)
    {
        var lookup = credentials ?? CredentialLookup.Real();
        return new(registry, () => lookup.Find(registry, access), handler, requestTimeout) { Retries = retries ?? RetryPolicy.Default, Log = log };
    }

    public string Registry { get; }

    /// <summary>http for insecure registries (see <see cref="RegistryEndpoint.IsInsecure"/>), https otherwise.</summary>
    public Uri BaseUri { get; }

    public TimeSpan RequestTimeout { get; }

    /// <summary>Blobs larger than this go up in chunks. Default as the SDK's: never, unless chunking is forced (see <see cref="UploadDefaults"/>).</summary>
    public long ChunkThreshold { get; init; }

    /// <summary>The size of each PATCH in a chunked upload (default 5 MiB), raised to the registry's OCI-Chunk-Min-Length.</summary>
    public long ChunkSize
    {
        get => _chunkSize;
        init => _chunkSize = value is > 0 and <= int.MaxValue ? value : throw new ArgumentOutOfRangeException(nameof(ChunkSize), value, "A chunk is 1 byte to 2 GiB.");
    }

    /// <summary>
    /// The manifest of <paramref name="platform"/> for a tag or digest. A Docker manifest list or OCI index is
    /// followed to its entry for the platform; a single manifest is taken as it is.
    /// </summary>
    public async Task<ResolvedImage> ResolveAsync(string repository, string reference, ImagePlatform platform, CancellationToken ct)
    {
        var top = await FetchManifestAsync(repository, reference, ManifestMediaTypes.All, ct).ConfigureAwait(false)
            ?? throw RegistryFailures.NotFound(Registry, repository, $"manifest for '{reference}'",
                "Check the image name and its tag or digest, and that it was pushed to this registry.");

        string? indexDigest = null;
        var image = top;
        if (ManifestMediaTypes.IsIndex(top.MediaType))
        {
            var entries = ManifestDocument.ReadIndex(top.Bytes)
                ?? throw RegistryFailures.ProtocolBreak(Registry, repository, $"GET manifest {reference}", "the index is not a valid manifest list");
            var entry = ManifestDocument.Select(entries, platform)
                ?? throw RegistryFailures.NotFound(Registry, repository, $"image for {platform} in '{reference}'",
                    $"Its index has {Platforms(entries)}. Publish for a runtime identifier of one of those platforms, or use a base image that has {platform}.");
            indexDigest = top.Digest;
            image = await FetchManifestAsync(repository, entry.Digest, entry.MediaType.Length > 0 ? [entry.MediaType] : ManifestMediaTypes.All, ct).ConfigureAwait(false)
                ?? throw RegistryFailures.NotFound(Registry, repository, $"manifest {entry.Digest} (the {platform} entry of '{reference}')",
                    "The index names a manifest the registry does not have: push the image again, or report it to the registry's operators.");
        }

        if (!ManifestMediaTypes.IsImageManifest(image.MediaType))
        {
            throw RegistryFailures.ProtocolBreak(Registry, repository, $"GET manifest {reference}",
                $"the manifest has the media type '{image.MediaType}', and only Docker schema 2 and OCI image manifests and indexes are supported");
        }

        var (config, layers) = ManifestDocument.ReadImage(image.Bytes)
            ?? throw RegistryFailures.ProtocolBreak(Registry, repository, $"GET manifest {reference}", "the manifest has no valid config and layers");
        return new ResolvedImage(Registry, repository, image.Digest, image.MediaType, image.Bytes, config, layers, indexDigest);
    }

    /// <summary>A small blob (a config) in memory, verified against its digest and size.</summary>
    public async Task<byte[]> GetBlobAsync(string repository, BlobDescriptor blob, CancellationToken ct)
    {
        // A manifest that claims a config of gigabytes must not make us hold one: configs are kilobytes.
        if (blob.Size > MaxConfigBytes)
        {
            throw RegistryFailures.ProtocolBreak(Registry, repository, $"GET blob {blob.Digest}",
                $"the manifest gives its config a size of {blob.Size} bytes, over the {MaxConfigBytes}-byte limit for a config read into memory");
        }

        return await Retrier.RunAsync($"GET blob {blob.Digest}", async () =>
        {
            using var content = new MemoryStream();
            await ReadBlobAsync(repository, blob, content, ct).ConfigureAwait(false);
            return content.ToArray();
        }, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Streams a blob to <paramref name="destinationPath"/>, verified as it arrives. It is written to a temporary file
    /// beside the destination and renamed into place only when verified; on any failure the temporary file is removed.
    /// </summary>
    public async Task DownloadBlobAsync(string repository, BlobDescriptor blob, string destinationPath, CancellationToken ct)
    {
        string fullPath = Path.GetFullPath(destinationPath);
        Directory.CreateDirectory(Path.GetDirectoryName(fullPath)!);
        string temporary = $"{fullPath}.{Guid.NewGuid():N}.partial";
        try
        {
            // Each try starts the file afresh: a download cut half-way is fetched again from its first byte.
            await Retrier.RunAsync($"GET blob {blob.Digest}", async () =>
            {
                await using var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 81920, useAsync: true);
                await ReadBlobAsync(repository, blob, file, ct).ConfigureAwait(false);
                return true;
            }, ct).ConfigureAwait(false);

            File.Move(temporary, fullPath, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    /// <summary>True when the repository has the blob (HEAD).</summary>
    public async Task<bool> BlobExistsAsync(string repository, string digest, CancellationToken ct)
    {
        RequireSha256(repository, digest);
        var request = new RegistryRequest(HttpMethod.Head, Api($"{repository}/blobs/{digest}"), repository, $"HEAD blob {digest}", RegistryRequest.Pull(repository));
        using var response = await SendRetriedAsync(request, ct).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound) return false;
        if (response.StatusCode != HttpStatusCode.OK) throw await UnexpectedAsync(response, request, ct).ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// Asks the registry to link a blob from <paramref name="fromRepository"/> (POST ?mount=&amp;from=). False when it
    /// does not: a registry that starts an upload instead has that upload cancelled.
    /// </summary>
    public async Task<bool> TryMountBlobAsync(string repository, string digest, string fromRepository, CancellationToken ct)
    {
        RequireSha256(repository, digest);
        var uri = Api($"{repository}/blobs/uploads/?mount={Uri.EscapeDataString(digest)}&from={Uri.EscapeDataString(fromRepository)}");
        var request = new RegistryRequest(HttpMethod.Post, uri, repository, $"POST blob mount {digest} from {fromRepository}",
            [.. RegistryRequest.Push(repository), .. RegistryRequest.Pull(fromRepository)]);
        using var response = await SendRetriedAsync(request, ct).ConfigureAwait(false);
        switch (response.StatusCode)
        {
            case HttpStatusCode.Created:
                return true;
            case HttpStatusCode.Accepted:
                if (UploadLocation.From(response) is { } started) await CancelUploadAsync(repository, started).ConfigureAwait(false);
                return false;
            case HttpStatusCode.NotFound:
                return false;
            default:
                throw await UnexpectedAsync(response, request, ct).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Puts a blob in the repository the cheapest way, in the SDK's order (Registry.PushAsync): nothing if it is
    /// there (HEAD), else a mount from <paramref name="mountFrom"/> when given, else an upload: one PUT when
    /// <see cref="BlobDescriptor.Size"/> is at most <see cref="ChunkThreshold"/>, else PATCH chunks of
    /// <see cref="ChunkSize"/> and a closing PUT ?digest=.
    /// </summary>
    /// <param name="open">Opens the content; called again if the request must be repeated after authenticating.</param>
    public async Task<BlobPushOutcome> PushBlobAsync(string repository, BlobDescriptor blob, Func<Stream> open, string? mountFrom, CancellationToken ct)
    {
        if (await BlobExistsAsync(repository, blob.Digest, ct).ConfigureAwait(false)) return BlobPushOutcome.AlreadyPresent;
        if (mountFrom is not null && mountFrom != repository
            && await TryMountBlobAsync(repository, blob.Digest, mountFrom, ct).ConfigureAwait(false))
        {
            return BlobPushOutcome.Mounted;
        }

        await UploadMissingBlobAsync(repository, blob, open, ct).ConfigureAwait(false);
        return BlobPushOutcome.Uploaded;
    }

    /// <summary>
    /// Uploads a blob the caller knows the repository lacks (it asked with <see cref="BlobExistsAsync"/>, or tried a
    /// mount): no second HEAD.
    /// </summary>
    /// <param name="open">Opens the content; called again for each try.</param>
    public Task UploadBlobAsync(string repository, BlobDescriptor blob, Func<Stream> open, CancellationToken ct) =>
        UploadMissingBlobAsync(repository, blob, open, ct);

    /// <summary>Pushes a manifest under a tag or digest; returns its digest (Docker-Content-Digest, else computed).</summary>
    public async Task<string> PutManifestAsync(string repository, string reference, byte[] manifest, string mediaType, CancellationToken ct)
    {
        var request = new RegistryRequest(HttpMethod.Put, Api($"{repository}/manifests/{reference}"), repository, $"PUT manifest {reference}", RegistryRequest.Push(repository))
        {
            Content = _ =>
            {
                var content = new ByteArrayContent(manifest);
                content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
                return content;
            },
        };
        using var response = await SendRetriedAsync(request, ct).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.Created) throw await UnexpectedAsync(response, request, ct).ConfigureAwait(false);
        return HeaderValue(response, DigestHeader) ?? ContentDigest.Of(manifest);
    }

    public void Dispose() => _http.Dispose();

    private sealed record FetchedManifest(byte[] Bytes, string MediaType, string Digest);

    private async Task<FetchedManifest?> FetchManifestAsync(string repository, string reference, IReadOnlyList<string> accept, CancellationToken ct)
    {
        string description = $"GET manifest {reference}";
        var request = new RegistryRequest(HttpMethod.Get, Api($"{repository}/manifests/{reference}"), repository, description, RegistryRequest.Pull(repository))
        {
            Accept = accept,
        };
        using var response = await SendRetriedAsync(request, ct).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound) return null;
        if (response.StatusCode != HttpStatusCode.OK) throw await UnexpectedAsync(response, request, ct).ConfigureAwait(false);
        if (response.Content.Headers.ContentLength > MaxManifestBytes)
        {
            throw RegistryFailures.ProtocolBreak(Registry, repository, description, $"the manifest is {response.Content.Headers.ContentLength} bytes, over the {MaxManifestBytes}-byte limit");
        }

        byte[] bytes = await response.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);
        string digest = ContentDigest.Of(bytes);
        string? claimed = ContentDigest.IsDigestReference(reference) ? reference : HeaderValue(response, DigestHeader);
        if (claimed is not null && ContentDigest.IsSha256(claimed) && claimed != digest)
        {
            throw RegistryFailures.DigestMismatch(Registry, repository, $"the manifest '{reference}'", claimed, digest);
        }

        string mediaType = ManifestDocument.MediaTypeOf(bytes, response.Content.Headers.ContentType?.MediaType)
            ?? throw RegistryFailures.ProtocolBreak(Registry, repository, description, "the manifest has no media type and is not valid JSON");
        return new FetchedManifest(bytes, mediaType, digest);
    }

    private async Task ReadBlobAsync(string repository, BlobDescriptor blob, Stream destination, CancellationToken ct)
    {
        RequireSha256(repository, blob.Digest);
        string description = $"GET blob {blob.Digest}";
        var request = new RegistryRequest(HttpMethod.Get, Api($"{repository}/blobs/{blob.Digest}"), repository, description, RegistryRequest.Pull(repository))
        {
            StreamResponse = true,
        };
        using var response = await AttemptAsync(request, ct).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            throw RegistryFailures.NotFound(Registry, repository, $"blob {blob.Digest}",
                "The image's manifest names a blob the registry does not have: push the image again, or report it to the registry's operators.");
        }

        if (response.StatusCode != HttpStatusCode.OK) throw await UnexpectedAsync(response, request, ct).ConfigureAwait(false);

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var timeout = new IdleTimeout(RequestTimeout, ct);
        await using var body = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        byte[] buffer = new byte[81920];
        long total = 0;
        while (true)
        {
            int read;
            try
            {
                read = await _transport.ReadAsync(body, buffer, timeout, repository, description, ct).ConfigureAwait(false);
            }
            catch (DiamolException e) when (e.Code == DiagnosticCode.DIAM3010)
            {
                throw Transient(e);
            }

            if (read == 0) break;
            total += read;
            // More than the descriptor's size is never right: stop before writing it.
            if (total > blob.Size) throw RegistryFailures.DigestMismatch(Registry, repository, $"blob {blob.Digest}", $"{blob.Size} bytes", $"more than that");
            hash.AppendData(buffer, 0, read);
            await destination.WriteAsync(buffer.AsMemory(0, read), ct).ConfigureAwait(false);
        }

        string actual = ContentDigest.Of(hash);
        if (total != blob.Size) throw RegistryFailures.DigestMismatch(Registry, repository, $"blob {blob.Digest}", $"{blob.Size} bytes", $"{total} bytes");
        if (actual != blob.Digest) throw RegistryFailures.DigestMismatch(Registry, repository, $"blob {blob.Digest}", blob.Digest, actual);
    }

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
                throw RegistryFailures.AuthenticationRefused(Registry, request.Repository, request.Description, HttpStatusCode.Unauthorized, errors.Summary, header is not null);
            }

            header = await _authenticator.AuthenticateAsync(challenge, request, ct).ConfigureAwait(false);
            response = await SendOnceAsync(request, header, ct).ConfigureAwait(false);
        }

        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            var errors = await RegistryErrorBody.ReadAsync(response, ct).ConfigureAwait(false);
            var status = response.StatusCode;
            response.Dispose();
            throw RegistryFailures.AuthenticationRefused(Registry, request.Repository, request.Description, status, errors.Summary, _authenticator.HasLogin);
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
            ? RegistryFailures.ProtocolBreak(Registry, request.Repository, request.Description, $"the status {(int)response.StatusCode} {response.StatusCode} is not one the protocol gives for this request")
            : RegistryFailures.ServerFault(Registry, request.Repository, request.Description, response.StatusCode, errors.Summary);

    private void RequireSha256(string repository, string digest)
    {
        if (!ContentDigest.IsSha256(digest))
        {
            throw RegistryFailures.ProtocolBreak(Registry, repository, "a blob request",
                $"the digest '{digest}' is not sha256 and 64 lowercase hex digits, the only form this client verifies");
        }
    }

    private Uri Api(string path) => new(BaseUri, "v2/" + path);

    private static string? HeaderValue(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    private static string Platforms(IReadOnlyList<ImageIndexEntry> entries)
    {
        var platforms = entries.Select(e => e.Platform).OfType<ImagePlatform>()
            .Where(p => p.Os != "unknown").Select(p => p.ToString()).Distinct().ToList();
        return platforms.Count == 0 ? "no platform entries" : "images for " + string.Join(", ", platforms);
    }
}
