using System.Text.RegularExpressions;

namespace Diamol.Build.Spec;

/// <summary>
/// An image reference as the distribution project's reference grammar defines it:
/// <c>[registry[:port]/]path[:tag][@digest]</c>.
/// </summary>
internal sealed partial record ImageReference(string? Registry, string Repository, string? Tag, string? Digest)
{
    public const int MaxNameLength = 255;
    public const int MaxTagLength = 128;

    [GeneratedRegex(@"^(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*(?::[0-9]+)?$|^\[[a-fA-F0-9:]+\](?::[0-9]+)?$")]
    private static partial Regex DomainPattern();

    [GeneratedRegex(@"^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$")]
    private static partial Regex PathPattern();

    [GeneratedRegex(@"^[\w][\w.-]{0,127}$", RegexOptions.CultureInvariant)]
    private static partial Regex TagPattern();

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$")]
    private static partial Regex DigestPattern();

    /// <summary>The full name: registry and repository.</summary>
    public string Name => Registry is null ? Repository : $"{Registry}/{Repository}";

    /// <summary>How references name Docker Hub, and what a name without a registry means.</summary>
    public const string DockerHub = "docker.io";

    /// <summary>The host that serves Docker Hub's registry API ("docker.io" itself serves none).</summary>
    public const string DockerHubApiHost = "registry-1.docker.io";

    /// <summary>Docker Hub's other names: its v1 index and its API host.</summary>
    public static bool IsDockerHub(string registry) => registry is DockerHub or "index.docker.io" or DockerHubApiHost;

    /// <summary>The registry, Docker Hub when the name has none.</summary>
    public string RegistryOrDockerHub => Registry ?? DockerHub;

    /// <summary>The repository as the registry's API names it: Docker Hub's official images live under library/.</summary>
    public string RepositoryPath => IsDockerHub(RegistryOrDockerHub) && !Repository.Contains('/') ? "library/" + Repository : Repository;

    /// <summary>
    /// The one spelling of the name that docker writes in repo digests ("docker.io/library/ubuntu"), so that "ubuntu",
    /// "library/ubuntu" and "docker.io/ubuntu" compare equal.
    /// </summary>
    public string CanonicalName => $"{(IsDockerHub(RegistryOrDockerHub) ? DockerHub : RegistryOrDockerHub)}/{RepositoryPath}";

    public override string ToString() =>
        Name + (Tag is null ? "" : ":" + Tag) + (Digest is null ? "" : "@" + Digest);

    public static bool IsValidTag(string tag) => TagPattern().IsMatch(tag) && IsAscii(tag);

    public static bool IsValidRegistry(string registry) => DomainPattern().IsMatch(registry);

    public static bool IsValidRepository(string repository) =>
        repository.Length <= MaxNameLength && PathPattern().IsMatch(repository);

    /// <summary>Parses a reference; returns null and a reason when it does not follow the grammar.</summary>
    public static ImageReference? TryParse(string text, out string? error)
    {
        error = null;
        if (string.IsNullOrEmpty(text))
        {
            error = "it is empty";
            return null;
        }

        string rest = text;
        string? digest = null;
        int at = rest.IndexOf('@');
        if (at >= 0)
        {
            digest = rest[(at + 1)..];
            rest = rest[..at];
            if (!DigestPattern().IsMatch(digest))
            {
                error = $"the digest '{digest}' is not 'algorithm:hex' (for example sha256: and 64 hex digits)";
                return null;
            }
        }

        string? tag = null;
        int lastSlash = rest.LastIndexOf('/');
        int colon = rest.LastIndexOf(':');
        if (colon > lastSlash)
        {
            tag = rest[(colon + 1)..];
            rest = rest[..colon];
            if (!IsValidTag(tag))
            {
                error = $"the tag '{tag}' must start with a letter, digit or '_' and hold at most {MaxTagLength} letters, digits, '_', '.' and '-'";
                return null;
            }
        }

        string? registry = null;
        int firstSlash = rest.IndexOf('/');
        if (firstSlash > 0)
        {
            string first = rest[..firstSlash];
            // The grammar's rule: the first component is a registry when it looks like a host.
            if (first.Contains('.') || first.Contains(':') || first == "localhost" || first.Any(char.IsUpper))
            {
                registry = first;
                rest = rest[(firstSlash + 1)..];
                if (!DomainPattern().IsMatch(registry))
                {
                    error = $"the registry '{registry}' is not a host name with an optional port";
                    return null;
                }
            }
        }

        if (!IsValidRepository(rest))
        {
            error = $"the repository '{rest}' must be lowercase letters, digits and separators ('.', '_', '__', '-') in path components joined by '/'";
            return null;
        }

        if ((registry is null ? 0 : registry.Length + 1) + rest.Length > MaxNameLength)
        {
            error = $"the name is longer than {MaxNameLength} characters";
            return null;
        }

        return new ImageReference(registry, rest, tag, digest);
    }

    private static bool IsAscii(string s) => s.All(c => c < 128);
}
