using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Diamol.Build.Common;
using Diamol.Build.Diagnostics;

namespace Diamol.Build.Registry;

/// <summary>
/// The upload half of the client. Each try opens a session (POST) and sends the blob in the preferred style: whole
/// (one PUT) unless chunking is forced or the blob is over <see cref="ChunkThreshold"/>, else in PATCH chunks. A
/// registry that refuses that style gets the other one, in a new session; a passing failure (reset, time-out, 429,
/// 5xx) cancels the session and the whole upload is tried again under <see cref="Retries"/>, since a half-sent
/// session's state is unknown. Every follow-up, and the cancelling DELETE, goes to the session's latest Location.
/// </summary>
internal sealed partial class RegistryClient
{
    private enum UploadStyle { Whole, Chunked }

    // The Content-Range form this registry took: "start-end" until a first chunk in it is refused and "bytes start-end" is not.
    private bool _contentRangeWithUnit;

    /// <summary>The registry turned an upload style down; the other style may still work.</summary>
    private sealed record StyleRefusal(HttpStatusCode Status, DiamolException Failure);

    /// <summary>An upload session: its latest Location and the registry's smallest chunk (OCI-Chunk-Min-Length).</summary>
    private sealed class UploadSession(Uri location, long? minimumChunk)
    {
        public Uri Location { get; private set; } = location;

        public long? MinimumChunk { get; } = minimumChunk;

        public void Follow(HttpResponseMessage response) => Location = UploadLocation.From(response) ?? Location;
    }

    private async Task UploadMissingBlobAsync(string repository, BlobDescriptor blob, Func<Stream> open, CancellationToken ct)
    {
        RequireSha256(repository, blob.Digest);
        await Retrier.RunAsync($"the upload of blob {blob.Digest}", async () =>
        {
            await UploadOnceAsync(repository, blob, open, ct).ConfigureAwait(false);
            return true;
        }, ct).ConfigureAwait(false);
    }

    private async Task UploadOnceAsync(string repository, BlobDescriptor blob, Func<Stream> open, CancellationToken ct)
    {
        var style = blob.Size > ChunkThreshold ? UploadStyle.Chunked : UploadStyle.Whole;
        var refused = await UploadInStyleAsync(repository, blob, open, style, ct).ConfigureAwait(false);
        if (refused is null) return;

        var other = style == UploadStyle.Whole ? UploadStyle.Chunked : UploadStyle.Whole;
        Log?.Invoke($"The registry {Registry} refused a {Describe(style)} upload of {blob.Digest} ({(int)refused.Status} {refused.Status}); " +
            $"uploading it {Describe(other)} instead");
        StyleRefusal? again;
        try
        {
            again = await UploadInStyleAsync(repository, blob, open, other, ct).ConfigureAwait(false);
        }
        catch (DiamolException) when (refused.Failure.Code == DiagnosticCode.DIAM3013)
        {
            // The registry said our whole upload had the wrong digest and the chunks fared no better: the mismatch
            // is the finding to report (BlobRepair checks our copy), not whatever the chunks ran into.
            throw refused.Failure;
        }

        if (again is not null) throw again.Failure;
    }

    private static string Describe(UploadStyle style) => style == UploadStyle.Whole ? "whole (monolithic)" : "chunked";

    /// <summary>One session in one style: null when the blob is stored, a refusal when the registry will not take that style.</summary>
    private async Task<StyleRefusal?> UploadInStyleAsync(string repository, BlobDescriptor blob, Func<Stream> open, UploadStyle style,
        CancellationToken ct)
    {
        var session = await StartUploadAsync(repository, blob, ct).ConfigureAwait(false);
        bool done = false;
        try
        {
            var refused = style == UploadStyle.Whole
                ? await PutWholeBlobAsync(repository, blob, open, session, ct).ConfigureAwait(false)
                : await PutBlobInChunksAsync(repository, blob, open, session, ct).ConfigureAwait(false);
            done = refused is null;
            return refused;
        }
        finally
        {
            if (!done) await CancelUploadAsync(repository, session.Location).ConfigureAwait(false);
        }
    }

    private async Task<UploadSession> StartUploadAsync(string repository, BlobDescriptor blob, CancellationToken ct)
    {
        var start = new RegistryRequest(HttpMethod.Post, Api($"{repository}/blobs/uploads/"), repository, $"POST blob upload for {blob.Digest}",
            RegistryRequest.Push(repository));
        using var response = await AttemptAsync(start, ct).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.Accepted) throw await UnexpectedAsync(response, start, ct).ConfigureAwait(false);
        var location = UploadLocation.From(response)
            ?? throw RegistryFailures.ProtocolBreak(Registry, repository, start.Description, "the 202 Accepted has no Location header");
        return new UploadSession(location, UploadDefaults.MinimumChunkHint(response));
    }

    private async Task<StyleRefusal?> PutWholeBlobAsync(string repository, BlobDescriptor blob, Func<Stream> open, UploadSession session,
        CancellationToken ct)
    {
        BlobBodyStream? body = null;
        try
        {
            var request = new RegistryRequest(HttpMethod.Put, UploadLocation.WithQuery(session.Location, "digest", blob.Digest), repository,
                $"PUT blob {blob.Digest}", RegistryRequest.Push(repository))
            {
                Content = progress =>
                {
                    body?.Dispose();
                    body = new BlobBodyStream(OpenSized(repository, blob, open), blob.Size) { Progress = progress };
                    var content = new StreamContent(body);
                    content.Headers.ContentLength = blob.Size;
                    content.Headers.ContentType = new MediaTypeHeaderValue(OctetStream);
                    return content;
                },
            };
            using var response = await AttemptAsync(request, ct).ConfigureAwait(false);
            session.Follow(response);
            return await CompleteUploadAsync(response, request, blob,
                () => body!.BytesRead == blob.Size ? body.Digest() : $"{body.BytesRead} bytes", refusable: true, ct).ConfigureAwait(false);
        }
        finally
        {
            body?.Dispose();
        }
    }

    private async Task<StyleRefusal?> PutBlobInChunksAsync(string repository, BlobDescriptor blob, Func<Stream> open, UploadSession session,
        CancellationToken ct)
    {
        using var source = OpenSized(repository, blob, open);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long chunkSize = UploadDefaults.EffectiveChunkSize(ChunkSize, session.MinimumChunk);
        byte[] buffer = new byte[(int)Math.Max(1, Math.Min(chunkSize, blob.Size))];
        long offset = 0;
        while (true)
        {
            int read = await source.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, ct).ConfigureAwait(false);
            if (read == 0) break;
            hash.AppendData(buffer, 0, read);
            long first = offset;
            for (bool otherFormTried = false; ; otherFormTried = true)
            {
                bool withUnit = _contentRangeWithUnit;
                var patch = new RegistryRequest(HttpMethod.Patch, session.Location, repository,
                    $"PATCH blob {blob.Digest} bytes {first}-{first + read - 1}", RegistryRequest.Push(repository))
                {
                    Content = _ =>
                    {
                        var content = new ByteArrayContent(buffer, 0, read);
                        content.Headers.ContentType = new MediaTypeHeaderValue(OctetStream);
                        content.Headers.ContentLength = read;
                        // Written by hand: .NET's typed header writes "bytes start-end/*", which ACR rejects (as the SDK
                        // notes). The spec's "start-end" first; "bytes start-end" once a registry refuses that.
                        content.Headers.TryAddWithoutValidation("Content-Range", UploadDefaults.ContentRange(first, read, withUnit));
                        return content;
                    },
                };
                using var response = await AttemptAsync(patch, ct).ConfigureAwait(false);
                if (response.StatusCode != HttpStatusCode.Accepted)
                {
                    var errors = await RegistryErrorBody.ReadAsync(response, ct).ConfigureAwait(false);
                    var failure = Unexpected(response, patch, errors);
                    if (first == 0 && !otherFormTried && UploadDefaults.MayRefuseContentRangeForm(response.StatusCode))
                    {
                        // Nothing of the session was taken: the same first chunk again, with the range in the other form.
                        _contentRangeWithUnit = !withUnit;
                        Log?.Invoke($"The registry {Registry} refused the first chunk of {blob.Digest} " +
                            $"({(int)response.StatusCode} {response.StatusCode}) with Content-Range " +
                            $"'{UploadDefaults.ContentRange(first, read, withUnit)}'; " +
                            $"sending it again as '{UploadDefaults.ContentRange(first, read, !withUnit)}'");
                        continue;
                    }

                    if (otherFormTried) _contentRangeWithUnit = !withUnit;
                    if (UploadDefaults.RefusesStyle(response.StatusCode)) return new StyleRefusal(response.StatusCode, failure);
                    throw failure;
                }

                if (RangeEnd(response) is long end && end != first + read - 1)
                {
                    throw RegistryFailures.ProtocolBreak(Registry, repository, patch.Description, $"the registry says it holds bytes 0-{end}");
                }

                session.Follow(response);
                break;
            }

            offset += read;
        }

        string actual = ContentDigest.Of(hash);
        if (offset != blob.Size)
            throw RegistryFailures.DigestMismatch(Registry, repository, $"the local content of blob {blob.Digest}", $"{blob.Size} bytes",
                $"{offset} bytes");
        if (actual != blob.Digest)
            throw RegistryFailures.DigestMismatch(Registry, repository, $"the local content of blob {blob.Digest}", blob.Digest, actual);

        var close = new RegistryRequest(HttpMethod.Put, UploadLocation.WithQuery(session.Location, "digest", blob.Digest), repository,
            $"PUT blob {blob.Digest}", RegistryRequest.Push(repository))
        {
            Content = _ => new ByteArrayContent([]),
        };
        using var closed = await AttemptAsync(close, ct).ConfigureAwait(false);
        session.Follow(closed);
        return await CompleteUploadAsync(closed, close, blob, () => actual, refusable: false, ct).ConfigureAwait(false);
    }

    /// <param name="refusable">A whole PUT: an answer that turns the style down is a refusal (the chunks may do), not a failure.</param>
    private async Task<StyleRefusal?> CompleteUploadAsync(HttpResponseMessage response, RegistryRequest request, BlobDescriptor blob,
        Func<string> sent, bool refusable, CancellationToken ct)
    {
        if (response.StatusCode == HttpStatusCode.Created)
        {
            string? stored = HeaderValue(response, DigestHeader);
            if (stored is not null && stored != blob.Digest)
                throw RegistryFailures.DigestMismatch(Registry, request.Repository, $"blob {blob.Digest} as stored", blob.Digest, stored);
            return null;
        }

        var errors = await RegistryErrorBody.ReadAsync(response, ct).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.BadRequest && (errors.Has("DIGEST_INVALID") || errors.Has("SIZE_INVALID")))
        {
            string what = sent();
            // Our bytes were the blob's (they were hashed as they were sent): the registry received others.
            var mismatch = RegistryFailures.DigestMismatch(Registry, request.Repository, $"blob {blob.Digest} as uploaded", blob.Digest,
                what == blob.Digest
                    ? $"the registry's {errors.Summary ?? "DIGEST_INVALID"} for the bytes sent, which were {what} as they left this machine"
                    : what);
            // A registry that ignores a whole PUT's body finds an empty upload: the chunks may still get through.
            if (refusable && what == blob.Digest) return new StyleRefusal(response.StatusCode, mismatch);
            throw mismatch;
        }

        var failure = Unexpected(response, request, errors);
        if (refusable && UploadDefaults.RefusesStyle(response.StatusCode)) return new StyleRefusal(response.StatusCode, failure);
        throw failure;
    }

    private Stream OpenSized(string repository, BlobDescriptor blob, Func<Stream> open)
    {
        var stream = open();
        if (stream.CanSeek && stream.Length - stream.Position != blob.Size)
        {
            long length = stream.Length - stream.Position;
            stream.Dispose();
            throw RegistryFailures.DigestMismatch(Registry, repository, $"the local content of blob {blob.Digest}", $"{blob.Size} bytes",
                $"{length} bytes");
        }

        return stream;
    }

    // Best effort: an abandoned session only costs the registry until it expires it.
    private async Task CancelUploadAsync(string repository, Uri location)
    {
        try
        {
            var cancel = new RegistryRequest(HttpMethod.Delete, location, repository, "DELETE blob upload", RegistryRequest.Push(repository));
            using var response = await SendAsync(cancel, CancellationToken.None).ConfigureAwait(false);
        }
        catch (DiamolException)
        {
        }
    }

    // "Range: 0-<end>" on a PATCH's 202 says how much the registry holds.
    private static long? RangeEnd(HttpResponseMessage response)
    {
        string? range = response.Headers.TryGetValues("Range", out var values) ? values.FirstOrDefault() : null;
        int dash = range?.LastIndexOf('-') ?? -1;
        return dash >= 0 && long.TryParse(range![(dash + 1)..], out long end) ? end : null;
    }
}
