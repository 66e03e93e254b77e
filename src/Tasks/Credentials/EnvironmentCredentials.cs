namespace Diamol.Build.Credentials;

/// <summary>
/// Registry logins given in environment variables, read as the SDK's AuthHandshakeMessageHandler and
/// OrasCredentialProvider.GetDockerCredentialsFromEnvironment read them (Registry/OrasCredentialProvider.cs):
/// pushing takes DOTNET_CONTAINER_PUSH_REGISTRY_*, else DOTNET_CONTAINER_REGISTRY_*, else the legacy
/// SDK_CONTAINER_REGISTRY_*; pulling takes DOTNET_CONTAINER_PULL_REGISTRY_* only. A pair is used only when both
/// halves are set, and both come from the same pair. The variables name no registry: they apply to every
/// registry of that kind of access, which is why pulls from other registries do not take the push pair (base
/// images on a public registry would otherwise be pulled with the push login). A pull from the registry the image
/// is pushed to (a base image kept there) takes the push pair first, then the pull pair, as the SDK's
/// RegistryMode.PullFromOutput does.
/// </summary>
internal static class EnvironmentCredentials
{
    public const string UserVariable = "DOTNET_CONTAINER_REGISTRY_UNAME";
    public const string PasswordVariable = "DOTNET_CONTAINER_REGISTRY_PWORD";
    public const string PushUserVariable = "DOTNET_CONTAINER_PUSH_REGISTRY_UNAME";
    public const string PushPasswordVariable = "DOTNET_CONTAINER_PUSH_REGISTRY_PWORD";
    public const string PullUserVariable = "DOTNET_CONTAINER_PULL_REGISTRY_UNAME";
    public const string PullPasswordVariable = "DOTNET_CONTAINER_PULL_REGISTRY_PWORD";
    public const string LegacyUserVariable = "SDK_CONTAINER_REGISTRY_UNAME";
    public const string LegacyPasswordVariable = "SDK_CONTAINER_REGISTRY_PWORD";

    /// <summary>The user name that marks the password as an identity (refresh) token, as docker's helpers write it.</summary>
    public const string TokenUser = "<token>";

    public static RegistryLogin? Find(string registry, RegistryAccess access, Func<string, string?> variable) => access switch
    {
        RegistryAccess.Push => Pair(registry, variable, PushUserVariable, PushPasswordVariable)
            ?? Pair(registry, variable, UserVariable, PasswordVariable)
            ?? Pair(registry, variable, LegacyUserVariable, LegacyPasswordVariable),
        RegistryAccess.PullFromPushRegistry => Find(registry, RegistryAccess.Push, variable) ?? Find(registry, RegistryAccess.Pull, variable),
        _ => Pair(registry, variable, PullUserVariable, PullPasswordVariable),
    };

    /// <summary>The access of a pull from <paramref name="registry"/> when images are pushed to <paramref name="pushRegistry"/> (null: none).</summary>
    public static RegistryAccess PullAccess(string registry, string? pushRegistry) =>
        pushRegistry is not null && SameRegistry(registry, pushRegistry) ? RegistryAccess.PullFromPushRegistry : RegistryAccess.Pull;

    // Docker Hub has several names (docker.io, index.docker.io, registry-1.docker.io); any other registry, its own.
    private static bool SameRegistry(string a, string b) =>
        (Spec.ImageReference.IsDockerHub(a) && Spec.ImageReference.IsDockerHub(b)) || string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

    private static RegistryLogin? Pair(string registry, Func<string, string?> variable, string userVariable, string passwordVariable)
    {
        string? user = variable(userVariable);
        string? password = variable(passwordVariable);
        if (string.IsNullOrEmpty(user) || string.IsNullOrEmpty(password)) return null;
        return user == TokenUser ? new RegistryLogin(registry, null, null, password) : new RegistryLogin(registry, user, password, null);
    }
}
