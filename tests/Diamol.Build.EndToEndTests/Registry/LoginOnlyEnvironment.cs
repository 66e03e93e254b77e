namespace Diamol.Build.EndToEndTests.Registry;

/// <summary>
/// The environment of a publish whose only login is the SDK's push pair (DOTNET_CONTAINER_REGISTRY_UNAME/PWORD): a
/// docker configuration with no login in it and none of the other pairs, so nothing else can authenticate.
/// </summary>
internal static class LoginOnlyEnvironment
{
    /// <param name="insecure">Registries both tools may reach over plain HTTP (DOTNET_CONTAINER_INSECURE_REGISTRIES).</param>
    public static Dictionary<string, string?> For(string user, string password, params string[] insecure)
    {
        string config = Path.Combine(TestEnvironment.WorkRoot, "docker-config-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(config);
        File.WriteAllText(Path.Combine(config, "config.json"), "{}");
        var environment = WithoutVariables(config);
        environment["DOTNET_CONTAINER_REGISTRY_UNAME"] = user;
        environment["DOTNET_CONTAINER_REGISTRY_PWORD"] = password;
        if (insecure.Length > 0) environment["DOTNET_CONTAINER_INSECURE_REGISTRIES"] = string.Join(';', insecure);
        return environment;
    }

    /// <summary>The docker configuration folder <paramref name="config"/>, and none of the SDK's login variables.</summary>
    public static Dictionary<string, string?> WithoutVariables(string config) => new()
    {
        ["DOCKER_CONFIG"] = config,
        ["DOTNET_CONTAINER_REGISTRY_UNAME"] = null,
        ["DOTNET_CONTAINER_REGISTRY_PWORD"] = null,
        ["DOTNET_CONTAINER_PUSH_REGISTRY_UNAME"] = null,
        ["DOTNET_CONTAINER_PUSH_REGISTRY_PWORD"] = null,
        ["DOTNET_CONTAINER_PULL_REGISTRY_UNAME"] = null,
        ["DOTNET_CONTAINER_PULL_REGISTRY_PWORD"] = null,
        ["SDK_CONTAINER_REGISTRY_UNAME"] = null,
        ["SDK_CONTAINER_REGISTRY_PWORD"] = null,
    };
}
