namespace Diamol.Build.Sbom;

/// <summary>
/// Package URLs (purl, github.com/package-url/purl-spec) of the two kinds an image holds: NuGet packages and OCI images.
/// </summary>
internal static class PackageUrl
{
    /// <summary>pkg:nuget/Id@Version: NuGet ids keep their case in the purl spec; a version's build metadata '+' is escaped.</summary>
    public static string NuGet(string id, string version) => $"pkg:nuget/{Escape(id)}@{Escape(version)}";

    /// <summary>
    /// pkg:oci/name@sha256%3Ahex?repository_url=host/path: the name is the repository's last segment, lowercase; the
    /// digest is the version; the full repository (with its registry) goes in repository_url. A reference without a
    /// known digest gets its tag as the version, which the spec allows but which does not pin it.
    /// </summary>
    public static string Oci(string reference, string? digest)
    {
        string repository = reference;
        string? tag = null;
        int at = repository.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0) repository = repository[..at];
        int colon = repository.LastIndexOf(':');
        if (colon > repository.LastIndexOf('/')) (repository, tag) = (repository[..colon], repository[(colon + 1)..]);
        string name = repository[(repository.LastIndexOf('/') + 1)..].ToLowerInvariant();
        string version = digest ?? (at >= 0 ? reference[(at + 1)..] : null) ?? tag ?? "latest";
        string purl = $"pkg:oci/{Escape(name)}@{Escape(version)}?repository_url={Escape(repository.ToLowerInvariant(), keepSlash: true)}";
        return digest is not null && tag is not null ? purl + "&tag=" + Escape(tag) : purl;
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
