namespace Diamol.Build.Registry;

/// <summary>
/// Where a registry's Authorization header may go: to the registry's own origin (scheme, host and port) only, as
/// docker scopes credentials by endpoint. An upload Location, or any URL a registry names, on another origin (a
/// storage host, a CDN, or whoever answers in the registry's place) gets the request without it: the registry's
/// Basic login or token is for the registry. (Token realms are decided apart, by <see cref="TokenRealmPolicy"/>;
/// redirects lose the header in HttpClient itself.)
/// </summary>
internal static class CredentialOrigin
{
    public static bool Allows(Uri registry, Uri target) =>
        target.IsAbsoluteUri
        && string.Equals(registry.Scheme, target.Scheme, StringComparison.OrdinalIgnoreCase)
        && string.Equals(registry.IdnHost.TrimEnd('.'), target.IdnHost.TrimEnd('.'), StringComparison.OrdinalIgnoreCase)
        && registry.Port == target.Port;
}
