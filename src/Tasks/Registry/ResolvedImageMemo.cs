using System.Collections.Concurrent;
using Diamol.Build.Common;

namespace Diamol.Build.Registry;

/// <summary>
/// The base images a build has read from their registries: each platform's manifest and its config, by the reference
/// it was read by and by the digest that pins it. The Dockerfile stage reads the base (its facts go into the
/// Dockerfile, FROM is pinned to its digest) and the OCI writer then builds on it: with this memo, which lives for
/// the build (an MSBuild task object), the writer takes the same image instead of asking the registry again, so the
/// two stages cannot see two images when a tag moves in between, and a publish asks for its base once.
/// </summary>
internal sealed class ResolvedImageMemo
{
    private readonly ConcurrentDictionary<(string Registry, string Repository, string Reference, string Platform), (ResolvedImage Image, byte[] Config)> _images = new();

    public bool TryGet(string registry, string repository, string reference, ImagePlatform platform, out ResolvedImage image, out byte[] config)
    {
        bool found = _images.TryGetValue(Key(registry, repository, reference, platform), out var read);
        (image, config) = found ? read : (null!, []);
        return found;
    }

    /// <summary>Keeps what <paramref name="reference"/> resolved to, also under its pinning digest (the index's, else the manifest's).</summary>
    public void Add(string registry, string repository, string reference, ImagePlatform platform, ResolvedImage image, byte[] config)
    {
        _images[Key(registry, repository, reference, platform)] = (image, config);
        _images[Key(registry, repository, image.IndexDigest ?? image.ManifestDigest, platform)] = (image, config);
    }

    // Registry names are host names (case-insensitive); repositories, tags and digests are not.
    private static (string, string, string, string) Key(string registry, string repository, string reference, ImagePlatform platform) =>
        (registry.ToLowerInvariant(), repository, reference, platform.ToString());
}
