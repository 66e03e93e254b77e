using System.Collections.Concurrent;

namespace Diamol.Build.Credentials;

/// <summary>
/// The one place a registry login is looked up, for every client of a publish: the OCI writer's pulls and pushes,
/// the base image's reads, the index's push and the engine's pulls and pushes. It gives the SDK's environment
/// variables for the kind of access (<see cref="EnvironmentCredentials"/>), else the login docker itself would use
/// (<see cref="RegistryCredentials"/>: config.json, credHelpers, credsStore). Docker's answer is kept per registry,
/// so a credential helper (a process, perhaps a slow one that asks a cloud for a token) runs at most once per
/// registry for as long as the lookup lives; the MSBuild tasks share one per docker configuration folder for the
/// whole build (a build-lifetime task object), so that is once per publish however many clients, tasks and base
/// layers ask. A failure (a helper that is missing or hangs) is kept too: it is the answer for this publish.
/// </summary>
internal sealed class CredentialLookup
{
    private readonly Func<string, string?> _variable;
    private readonly Func<string, RegistryLogin?> _docker;
    private readonly ConcurrentDictionary<string, Lazy<RegistryLogin?>> _dockerLogins = new(StringComparer.OrdinalIgnoreCase);

    /// <param name="variable">Reads an environment variable.</param>
    /// <param name="docker">Docker's login for a registry (tests pass a fake; it may run a helper).</param>
    /// <param name="configDirectory">The docker configuration folder the answers come from (what the lookup is shared by).</param>
    public CredentialLookup(Func<string, string?> variable, Func<string, RegistryLogin?> docker, string configDirectory)
    {
        _variable = variable;
        _docker = docker;
        ConfigDirectory = configDirectory;
    }

    /// <summary>A lookup over this process's environment and its docker configuration (DOCKER_CONFIG, else ~/.docker).</summary>
    public static CredentialLookup For(LocatorEnvironment env) =>
        new(env.Variable, registry => RegistryCredentials.Find(registry, env), DockerConfiguration.DirectoryOf(env));

    /// <summary>A fresh lookup of the real environment: one that is shared by nothing (a client made on its own).</summary>
    public static CredentialLookup Real() => For(LocatorEnvironment.Real);

    /// <summary>The docker configuration folder whose logins this lookup gives.</summary>
    public string ConfigDirectory { get; }

    /// <summary>The login for <paramref name="access"/> to <paramref name="registry"/> (as written in image references), or null for none.</summary>
    public RegistryLogin? Find(string registry, RegistryAccess access) =>
        EnvironmentCredentials.Find(registry, access, _variable)
        ?? _dockerLogins.GetOrAdd(registry, r => new Lazy<RegistryLogin?>(() => _docker(r), LazyThreadSafetyMode.ExecutionAndPublication)).Value;
}
