using System.Net;
using System.Net.Sockets;
using Diamol.Build.Diagnostics;

namespace Diamol.Build.Registry;

/// <summary>
/// Decides whether a Bearer challenge's realm may be sent credentials. Mirrors the SDK's
/// AuthHandshakeMessageHandler.ValidateRealmUri: https always; http only for an insecure registry; a loopback or
/// private-network realm only when the registry is insecure and is that same machine. A registry (or whoever
/// answers in its place) must not be able to send our login somewhere else on the network.
/// </summary>
internal static class TokenRealmPolicy
{
    private static readonly (IPAddress Network, int PrefixLength)[] PrivateV4Networks =
    [
        (IPAddress.Parse("0.0.0.0"), 8),
        (IPAddress.Parse("10.0.0.0"), 8),
        (IPAddress.Parse("172.16.0.0"), 12),
        (IPAddress.Parse("192.168.0.0"), 16),
        (IPAddress.Parse("169.254.0.0"), 16),
    ];

    public static Uri Validate(string realm, string registry, string repository, bool insecure, Func<string, string?> variable)
    {
        if (!Uri.TryCreate(realm, UriKind.Absolute, out var uri))
        {
            throw Refuse(registry, repository, $"its token realm '{realm}' is not an absolute URL");
        }

        if (uri.Scheme == Uri.UriSchemeHttp && !(insecure && RealmInsecure(uri, registry, variable)))
        {
            throw Refuse(registry, repository, insecure
                ? $"its token realm {uri.GetLeftPart(UriPartial.Path)} uses http on a host that is neither loopback nor listed as insecure, " +
                    "and a login sent there would cross the network in clear"
                : $"its token realm {uri.GetLeftPart(UriPartial.Path)} uses {uri.Scheme}, " +
                    "and only https is trusted for a registry not listed as insecure");
        }

        if (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
        {
            throw Refuse(registry, repository,
                $"its token realm {uri.GetLeftPart(UriPartial.Path)} uses {uri.Scheme}, and only https (or http for an insecure registry) is used");
        }

        string realmHost = uri.IdnHost.TrimEnd('.');
        bool local = RegistryEndpoint.IsLoopbackHost(realmHost)
            || (IPAddress.TryParse(realmHost.Trim('[', ']'), out var address) && IsPrivate(address));
        if (local && !(insecure && SameMachine(realmHost, registry)))
        {
            throw Refuse(registry, repository,
                $"its token realm {uri.GetLeftPart(UriPartial.Path)} points at a local or private address that is not the registry itself");
        }

        return uri;
    }

    /// <summary>
    /// An http realm of an insecure registry is used only when the realm too is loopback, or is explicitly insecure:
    /// on the registry's own listed host, or listed itself in the insecure-registries variable. A registry on
    /// loopback must not send a login in clear to a name on the network.
    /// </summary>
    private static bool RealmInsecure(Uri realm, string registry, Func<string, string?> variable)
    {
        string realmHost = realm.IdnHost.TrimEnd('.');
        if (RegistryEndpoint.IsLoopbackHost(realmHost)) return RegistryEndpoint.IsLoopback(registry);
        if (RegistryEndpoint.IsLoopback(registry))
            return RegistryEndpoint.IsInsecure(realm.Authority, variable) || RegistryEndpoint.IsInsecure(realmHost, variable);
        return string.Equals(realmHost, RegistryEndpoint.HostWithoutPort(registry), StringComparison.OrdinalIgnoreCase)
            || RegistryEndpoint.IsInsecure(realm.Authority, variable) || RegistryEndpoint.IsInsecure(realmHost, variable);
    }

    private static bool SameMachine(string realmHost, string registry)
    {
        string registryHost = RegistryEndpoint.HostWithoutPort(registry);
        if (string.Equals(realmHost, registryHost, StringComparison.OrdinalIgnoreCase)) return true;
        return RegistryEndpoint.IsLoopbackHost(realmHost) && RegistryEndpoint.IsLoopbackHost(registryHost);
    }

    private static bool IsPrivate(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (IPAddress.IsLoopback(address)) return true;
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            return address.Equals(IPAddress.IPv6Any) || address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6UniqueLocal;
        }

        byte[] bytes = address.GetAddressBytes();
        foreach (var (network, prefixLength) in PrivateV4Networks)
        {
            uint mask = uint.MaxValue << (32 - prefixLength);
            uint value = (uint)(bytes[0] << 24 | bytes[1] << 16 | bytes[2] << 8 | bytes[3]);
            byte[] networkBytes = network.GetAddressBytes();
            uint networkValue = (uint)(networkBytes[0] << 24 | networkBytes[1] << 16 | networkBytes[2] << 8 | networkBytes[3]);
            if ((value & mask) == networkValue) return true;
        }

        return false;
    }

    private static DiamolException Refuse(string registry, string repository, string reason) =>
        new(DiagnosticCode.DIAM3011,
            $"The registry {registry} asked for a login for {repository}, but {reason}, so no credentials were sent. " +
            "Check that the registry name is right and that nothing (a proxy, a misconfigured registry) answers in its place; " +
            $"a registry meant to be reached over http can be listed in {RegistryEndpoint.InsecureRegistriesVariable}.");
}
