namespace Diamol.Build.Credentials;

/// <summary>A registry login: user and password, or an identity token. Never logged.</summary>
internal sealed record RegistryLogin(string ServerAddress, string? Username, string? Password, string? IdentityToken)
{
    // Keep secrets out of any accidental string formatting.
    public override string ToString() => $"login for {ServerAddress}";
}
