using System.Net;
using System.Security.Cryptography;
using Diamol.Build.Diagnostics;
using Diamol.Build.Common;

namespace Diamol.Build.Registry;

/// <summary>The blobs half of the client: reads verified against their digests, existence checks, mounts and pushes.</summary>
internal sealed partial class RegistryClient
{
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
        var request = new RegistryRequest(HttpMethod.Head, Api($"{repository}/blobs/{digest}"), repository, $"HEAD blob {digest}",
            RegistryRequest.Pull(repository));
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
    public async Task<BlobPushOutcome> PushBlobAsync(string repository, BlobDescriptor blob, Func<Stream> open, string? mountFrom,
        CancellationToken ct)
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

    private async Task ReadBlobAsync(string repository, BlobDescriptor blob, Stream destination, CancellationToken ct)
    {
        RequireSha256(repository, blob.Digest);
        string description = $"GET blob {blob.Digest}";
        var request = new RegistryRequest(HttpMethod.Get, Api($"{repository}/blobs/{blob.Digest}"), repository, description,
            RegistryRequest.Pull(repository))
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
            if (total > blob.Size)
                throw RegistryFailures.DigestMismatch(Registry, repository, $"blob {blob.Digest}", $"{blob.Size} bytes", $"more than that");
            hash.AppendData(buffer, 0, read);
            await destination.WriteAsync(buffer.AsMemory(0, read), ct).ConfigureAwait(false);
        }

        string actual = ContentDigest.Of(hash);
        if (total != blob.Size)
            throw RegistryFailures.DigestMismatch(Registry, repository, $"blob {blob.Digest}", $"{blob.Size} bytes", $"{total} bytes");
        if (actual != blob.Digest) throw RegistryFailures.DigestMismatch(Registry, repository, $"blob {blob.Digest}", blob.Digest, actual);
    }

    private void RequireSha256(string repository, string digest)
    {
        if (!ContentDigest.IsSha256(digest))
        {
            throw RegistryFailures.ProtocolBreak(Registry, repository, "a blob request",
                $"the digest '{digest}' is not sha256 and 64 lowercase hex digits, the only form this client verifies");
        }
    }
}
