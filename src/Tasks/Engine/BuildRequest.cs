using Diamol.Build.Credentials;

namespace Diamol.Build.Engine;

/// <summary>
/// What the engine asked to build needs: the context folder, the references to tag ("repository:tag") and build
/// arguments; with <paramref name="Part"/>, only that part of the folder is sent (a delta build).
/// </summary>
internal sealed record BuildRequest(
    string ContextDirectory,
    IReadOnlyList<string> References,
    IReadOnlyDictionary<string, string> BuildArguments,
    IReadOnlyList<string> CacheFrom,
    bool PullBase,
    RegistryLogin? BaseImageLogin = null,
    Context.ContextSelection? Part = null);
