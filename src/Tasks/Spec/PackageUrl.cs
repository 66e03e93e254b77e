namespace Diamol.Build.Spec;

/// <summary>
/// Package URLs (purl, github.com/package-url/purl-spec) of the two kinds an image holds: NuGet packages and OCI images.
/// </summary>
internal static class PackageUrl
{
    /// <summary>pkg:nuget/Id@Version: NuGet ids keep their case in the purl spec; a version's build metadata '+' is escaped.</summary>
    public static string NuGet(string id, string version) => $"pkg:nuget/{Escape(id)}@{Escape(version)}";

    /// <summary>
    /// pkg:oci/name@sha256%3Ahex?repository_url=host/path&amp;tag=t: the name is the repository's last segment, lowercase;
    /// the version is the digest (a tag does not pin an image, so without a digest the purl has no version and the tag
    /// goes in its qualifier); repository_url is the canonical repository with its registry (docker.io/library/... for
    /// Docker Hub), so two images of one name on two registries stay apart. The one form the SBOM and the provenance use.
    /// </summary>
    public static string Oci(string reference, string? digest)
    {
        var image = ImageReference.TryParse(reference, out _);
        if (image is null) return "pkg:oci/" + Escape(reference);
        string name = image.RepositoryPath[(image.RepositoryPath.LastIndexOf('/') + 1)..].ToLowerInvariant();
        string? version = digest ?? image.Digest;
        string purl = $"pkg:oci/{Escape(name)}{(version is null ? "" : "@" + Escape(version))}?repository_url={Escape(image.CanonicalName.ToLowerInvariant(), keepSlash: true)}";
        return image.Tag is null ? purl : purl + "&tag=" + Escape(image.Tag);
    }

    // Percent-encodes what is not unreserved (RFC 3986), as the purl spec asks; ':' in a digest becomes %3A.
    private static string Escape(string value, bool keepSlash = false)
    {
        var text = new System.Text.StringBuilder(value.Length);
        foreach (byte b in System.Text.Encoding.UTF8.GetBytes(value))
        {
            char c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' or '~' || (keepSlash && c == '/')) text.Append(c);
            else text.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
        }

        return text.ToString();
    }
}
