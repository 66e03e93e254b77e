using Diamol.Build.Spec;

namespace Diamol.Build.Provenance;

/// <summary>
/// The package URL (purl, type <c>oci</c>) of the base image: <c>pkg:oci/runtime@sha256%3A...?repository_url=
/// mcr.microsoft.com/dotnet/runtime&amp;tag=10.0</c>. The purl's name is the repository's last segment, the version the
/// digest, and repository_url where it lives, so two images of one name on two registries stay apart.
/// </summary>
internal static class BaseImagePackageUrl
{
    public static string Of(string reference, string? digest)
    {
        var image = ImageReference.TryParse(reference, out _);
        if (image is null) return "pkg:oci/" + Uri.EscapeDataString(reference);
        string name = image.RepositoryPath[(image.RepositoryPath.LastIndexOf('/') + 1)..];
        string? version = digest ?? image.Digest;
        var qualifiers = new List<string> { "repository_url=" + image.CanonicalName };
        if (image.Tag is not null) qualifiers.Add("tag=" + Uri.EscapeDataString(image.Tag));
        return "pkg:oci/" + name + (version is null ? "" : "@" + Uri.EscapeDataString(version)) + "?" + string.Join("&", qualifiers);
    }
}
