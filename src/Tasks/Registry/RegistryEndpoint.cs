using System.Net;
using Diamol.Build.Diagnostics;

namespace Diamol.Build.Registry;

/// <summary>
/// Where a registry named in an image reference is reached: its host, and http or https.
/// </summary>
internal static class RegistryEndpoint
{
    /// <summary>The SDK's list of registries to reach over plain http, separated by ';'.</summary>
    public const string InsecureRegistriesVariable = "DOTNET_CONTAINER_INSECURE_REGISTRIES";

    /// <summary>
    /// The host (and port) that serves the registry's API. Mirrors the SDK's Registry constructor
    /// (Registry/Registry.cs): "docker.io" is not a real registry and means registry-1.docker.io.
    /// </summary>
    public static string HostOf(string registry) => Spec.ImageReference.IsDockerHub(registry) ? Spec.ImageReference.DockerHubApiHost : registry;

    public static Uri BaseUri(string registry, Func<string, string?> variable)
    {
        if (!Spec.ImageReference.IsValidRegistry(registry))
        {
            throw new DiamolException(DiagnosticCode.DIAM1001,
                $"'{registry}' is not a registry name (a host with an optional port, such as localhost:5000 or ghcr.io). Fix the image reference.");
        }

        string scheme = IsInsecure(registry, variable) ? "http" : "https";
        return new Uri($"{scheme}://{HostOf(registry)}/");
    }

    /// <summary>
    /// True when the registry is spoken to over plain http. Mirrors the SDK's RegistrySettings.IsInsecureRegistry
    /// (Registry/RegistrySettings.cs): "localhost" with or without a port, and the names in
    /// DOTNET_CONTAINER_INSECURE_REGISTRIES (exact, case-insensitive). Also loopback addresses (127.0.0.0/8, ::1),
    /// which the Docker daemon always treats as insecure. The SDK also asks the local daemon for its
    /// insecure-registries list; a daemonless client cannot, so that list belongs in the variable.
    /// </summary>
    public static bool IsInsecure(string registry, Func<string, string?> variable)
    {
        if (IsLoopback(registry)) return true;
        string? listed = variable(InsecureRegistriesVariable);
        if (listed is null) return false;
        return listed.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Any(name => string.Equals(name, registry, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>True for localhost (and *.localhost, which RFC 6761 reserves for loopback) and loopback IP literals.</summary>
    public static bool IsLoopback(string registry)
    {
        string host = HostWithoutPort(registry);
        return IsLoopbackHost(host);
    }

    internal static bool IsLoopbackHost(string host)
    {
        host = host.TrimEnd('.');
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase)) return true;
        return IPAddress.TryParse(host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address);
    }

    internal static string HostWithoutPort(string registry) =>
        Uri.TryCreate("http://" + registry, UriKind.Absolute, out var uri) ? uri.Host : registry;
}
