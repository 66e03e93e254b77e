using System.Text;
using System.Text.Json.Nodes;
using Diamol.Build.Common;
using Diamol.Build.Credentials;
using Diamol.Build.Oci;
using Diamol.Build.Registry;

namespace Diamol.Build.Tests.Registry;

/// <summary>
/// One registry in memory, behind the pipeline's <see cref="IRegistryClient"/>: repositories of blobs and manifests,
/// every call recorded in <see cref="Calls"/> ("HEAD repo digest", "GET blob repo digest", "MOUNT repo digest from",
/// "UPLOAD repo digest", "GET manifest repo reference", "PUT manifest repo reference"), and <see cref="Fault"/> to
/// make a call fail as the real client would (with its DIAM exception). Uploads are read to the end and checked
/// against their digest, as a registry does.
/// </summary>
internal sealed class InMemoryDistribution(string registry) : IRegistryClient
{
    private readonly Dictionary<string, Dictionary<string, byte[]>> _blobs = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Repository, string Reference), (byte[] Bytes, string MediaType)> _manifests = [];

    public string Registry { get; } = registry;

    public List<string> Calls { get; } = [];

    /// <summary>Given each call's description before it runs: an exception to throw instead, or null.</summary>
    public Func<string, Exception?>? Fault { get; set; }

    public BlobDescriptor AddBlob(string repository, byte[] bytes, string mediaType = "application/vnd.oci.image.layer.v1.tar+gzip")
    {
        var descriptor = new BlobDescriptor(mediaType, ContentDigest.Of(bytes), bytes.Length);
        Repository(repository)[descriptor.Digest] = bytes;
        return descriptor;
    }

    /// <summary>Stores a manifest under its digest and, when given, a tag.</summary>
    public string AddManifest(string repository, byte[] bytes, string mediaType, string? tag = null)
    {
        string digest = ContentDigest.Of(bytes);
        _manifests[(repository, digest)] = (bytes, mediaType);
        if (tag is not null) _manifests[(repository, tag)] = (bytes, mediaType);
        return digest;
    }

    public byte[]? Blob(string repository, string digest) =>
        _blobs.TryGetValue(repository, out var blobs) && blobs.TryGetValue(digest, out var bytes) ? bytes : null;

    public (byte[] Bytes, string MediaType)? Manifest(string repository, string reference) =>
        _manifests.TryGetValue((repository, reference), out var manifest) ? manifest : null;

    public int Count(string callPrefix) => Calls.Count(c => c.StartsWith(callPrefix, StringComparison.Ordinal));

    public Task<ResolvedImage> ResolveAsync(string repository, string reference, ImagePlatform platform, CancellationToken ct)
    {
        var top = Fetch(repository, reference);
        string? indexDigest = null;
        var image = top;
        if (MediaTypes.IsIndex(top.MediaType))
        {
            var entry = ManifestDocument.Select(ManifestDocument.ReadIndex(top.Bytes)!, platform)
                ?? throw RegistryFailures.NotFound(Registry, repository, $"image for {platform} in '{reference}'", "(the fake's index has no such entry)");
            indexDigest = ContentDigest.Of(top.Bytes);
            image = Fetch(repository, entry.Digest);
        }

        var (config, layers) = ManifestDocument.ReadImage(image.Bytes)!.Value;
        return Task.FromResult(new ResolvedImage(Registry, repository, ContentDigest.Of(image.Bytes), image.MediaType, image.Bytes, config, layers, indexDigest));
    }

    public Task<byte[]> GetBlobAsync(string repository, BlobDescriptor blob, CancellationToken ct) => Task.FromResult(Read(repository, blob));

    public async Task DownloadBlobAsync(string repository, BlobDescriptor blob, string destinationPath, CancellationToken ct)
    {
        byte[] bytes = Read(repository, blob);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(destinationPath))!);
        await File.WriteAllBytesAsync(destinationPath, bytes, ct);
    }

    public Task<bool> BlobExistsAsync(string repository, string digest, CancellationToken ct)
    {
        Record($"HEAD {repository} {digest}");
        return Task.FromResult(Blob(repository, digest) is not null);
    }

    public Task<bool> TryMountBlobAsync(string repository, string digest, string fromRepository, CancellationToken ct)
    {
        Record($"MOUNT {repository} {digest} {fromRepository}");
        if (Blob(fromRepository, digest) is not { } bytes) return Task.FromResult(false);
        Repository(repository)[digest] = bytes;
        return Task.FromResult(true);
    }

    public async Task<BlobPushOutcome> PushBlobAsync(string repository, BlobDescriptor blob, Func<Stream> open, string? mountFrom, CancellationToken ct)
    {
        if (await BlobExistsAsync(repository, blob.Digest, ct)) return BlobPushOutcome.AlreadyPresent;
        if (mountFrom is not null && await TryMountBlobAsync(repository, blob.Digest, mountFrom, ct)) return BlobPushOutcome.Mounted;
        await UploadBlobAsync(repository, blob, open, ct);
        return BlobPushOutcome.Uploaded;
    }

    public async Task UploadBlobAsync(string repository, BlobDescriptor blob, Func<Stream> open, CancellationToken ct)
    {
        Record($"UPLOAD {repository} {blob.Digest}");
        using var content = new MemoryStream();
        await using (var source = open()) await source.CopyToAsync(content, ct);
        byte[] bytes = content.ToArray();
        if (ContentDigest.Of(bytes) != blob.Digest || bytes.Length != blob.Size)
        {
            throw RegistryFailures.DigestMismatch(Registry, repository, $"the upload of {blob.Digest}", blob.Digest, ContentDigest.Of(bytes));
        }

        Repository(repository)[blob.Digest] = bytes;
    }

    public Task<string> PutManifestAsync(string repository, string reference, byte[] manifest, string mediaType, CancellationToken ct)
    {
        Record($"PUT manifest {repository} {reference}");
        return Task.FromResult(Store(repository, reference, manifest, mediaType));
    }

    private string Store(string repository, string reference, byte[] manifest, string mediaType)
    {
        _manifests[(repository, reference)] = (manifest, mediaType);
        _manifests[(repository, ContentDigest.Of(manifest))] = (manifest, mediaType);
        return ContentDigest.Of(manifest);
    }

    /// <summary>
    /// Whether the fake has the referrers API: it then answers a push of a manifest with a subject with OCI-Subject,
    /// and GET referrers with the manifests naming that subject; without it GET referrers is a 404, as Distribution 2.8's.
    /// </summary>
    public bool ReferrersApi { get; set; }

    /// <summary>Whether a conditional push (If-Match: the ETag, which is the digest here) is honoured (412 when the tag moved on).</summary>
    public bool HonoursIfMatch { get; set; } = true;

    /// <summary>Run before each manifest push (given repository and reference): a test's concurrent writer.</summary>
    public Action<string, string>? BeforeManifestPush { get; set; }

    public Task<ManifestPut> PushManifestAsync(string repository, string reference, byte[] manifest, string mediaType, string? ifMatch, CancellationToken ct)
    {
        BeforeManifestPush?.Invoke(repository, reference);
        if (ifMatch is not null && HonoursIfMatch && Manifest(repository, reference) is { } current && $"\"{ContentDigest.Of(current.Bytes)}\"" != ifMatch)
        {
            Record($"PUT manifest {repository} {reference} 412");
            return Task.FromResult(new ManifestPut(ContentDigest.Of(manifest), null, true));
        }

        Record($"PUT manifest {repository} {reference}");
        string digest = Store(repository, reference, manifest, mediaType);
        string? subject = ReferrersApi ? SubjectOf(manifest) : null;
        return Task.FromResult(new ManifestPut(digest, subject, false));
    }

    public Task<FetchedManifest?> FindManifestAsync(string repository, string reference, IReadOnlyList<string> accept, CancellationToken ct)
    {
        Record($"GET manifest {repository} {reference}");
        return Task.FromResult(Manifest(repository, reference) is { } found
            ? new FetchedManifest(found.Bytes, found.MediaType, ContentDigest.Of(found.Bytes), $"\"{ContentDigest.Of(found.Bytes)}\"")
            : null);
    }

    public Task<FetchedManifest?> GetReferrersAsync(string repository, string digest, CancellationToken ct)
    {
        Record($"GET referrers {repository} {digest}");
        if (!ReferrersApi) return Task.FromResult<FetchedManifest?>(null);
        var entries = _manifests.Where(m => m.Key.Repository == repository && m.Key.Reference == ContentDigest.Of(m.Value.Bytes) && SubjectOf(m.Value.Bytes) == digest)
            .Select(m => new JsonObject { ["mediaType"] = m.Value.MediaType, ["digest"] = m.Key.Reference, ["size"] = m.Value.Bytes.Length })
            .ToArray();
        var index = new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = MediaTypes.OciIndex,
            ["manifests"] = new JsonArray(entries),
        };
        byte[] bytes = Encoding.UTF8.GetBytes(index.ToJsonString());
        return Task.FromResult<FetchedManifest?>(new FetchedManifest(bytes, MediaTypes.OciIndex, ContentDigest.Of(bytes)));
    }

    private static string? SubjectOf(byte[] manifest) =>
        JsonNode.Parse(manifest) is JsonObject json && json["subject"] is JsonObject subject
            ? subject["digest"]?.GetValue<string>()
            : null;

    private (byte[] Bytes, string MediaType) Fetch(string repository, string reference)
    {
        Record($"GET manifest {repository} {reference}");
        return Manifest(repository, reference)
            ?? throw RegistryFailures.NotFound(Registry, repository, $"manifest for '{reference}'", "(the fake has none)");
    }

    private byte[] Read(string repository, BlobDescriptor blob)
    {
        Record($"GET blob {repository} {blob.Digest}");
        return Blob(repository, blob.Digest) ?? throw RegistryFailures.NotFound(Registry, repository, $"blob {blob.Digest}", "(the fake has none)");
    }

    private void Record(string call)
    {
        lock (Calls) Calls.Add(call);
        if (Fault?.Invoke(call) is { } failure) throw failure;
    }

    private Dictionary<string, byte[]> Repository(string repository)
    {
        if (!_blobs.TryGetValue(repository, out var blobs)) _blobs[repository] = blobs = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        return blobs;
    }
}

/// <summary>The fake registries of a test: one <see cref="InMemoryDistribution"/> per registry name; every client asked for is recorded.</summary>
internal sealed class FakeRegistries : IRegistryClients
{
    private readonly Dictionary<string, InMemoryDistribution> _registries = new(StringComparer.OrdinalIgnoreCase);

    public List<(string Registry, RegistryAccess Access)> Asked { get; } = [];

    /// <summary>The build's memo of base images read, as a RegistrySession of a build has one; null reads every time.</summary>
    public ResolvedImageMemo? Resolved { get; init; }

    public InMemoryDistribution this[string registry]
    {
        get
        {
            if (!_registries.TryGetValue(registry, out var found)) _registries[registry] = found = new InMemoryDistribution(registry);
            return found;
        }
    }

    public IRegistryClient For(string registry, RegistryAccess access)
    {
        Asked.Add((registry, access));
        return this[registry];
    }
}
