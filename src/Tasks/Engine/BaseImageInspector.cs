using Diamol.Build.Credentials;
using Diamol.Build.Diagnostics;

namespace Diamol.Build.Engine;

/// <summary>Reads what the SDK's rules need of the base image from an engine, pulling it first when the engine lacks it, as the build would.</summary>
internal static class BaseImageInspector
{
    /// <param name="login">Finds the registry login; asked only when a pull is needed (a credential helper may be slow or absent).</param>
    public static async Task<Spec.BaseImageFacts> ReadAsync(IContainerEngine engine, Spec.ImageReference reference, Func<RegistryLogin?> login, PullPolicy pull,
        IBuildLog log, CancellationToken cancellationToken)
    {
        string name = reference.ToString();
        var image = pull == PullPolicy.Always ? null : await engine.InspectImageAsync(name, cancellationToken).ConfigureAwait(false);
        if (image is null)
        {
            string? failure = pull == PullPolicy.Never
                ? "DiamolPullPolicy is Never"
                : await engine.PullAsync(reference, login(), log, cancellationToken).ConfigureAwait(false);
            image = failure is null ? await engine.InspectImageAsync(name, cancellationToken).ConfigureAwait(false) : null;
            if (image is null)
            {
                throw new DiamolException(DiagnosticCode.DIAM3018,
                    $"ContainerBaseImage has the value '{name}', which the engine at {engine.Endpoint.Uri} does not have and could not pull: {failure ?? "the pull gave no image"}. " +
                    "Check the name and tag, that the registry is reachable, that `docker pull` works with your credentials, and DiamolPullPolicy.");
            }
        }

        // A repo digest of the same repository as written pins FROM to exactly these bytes. The engine writes Docker
        // Hub names in full ("docker.io/library/ubuntu"); the project may write "ubuntu".
        string? digest = (image.RepoDigests ?? [])
            .Select(d => d.Split('@'))
            .Where(parts => parts.Length == 2 && Spec.ImageReference.TryParse(parts[0], out _)?.CanonicalName == reference.CanonicalName)
            .Select(parts => parts[1])
            .Order(StringComparer.Ordinal)
            .FirstOrDefault();
        return new Spec.BaseImageFacts(reference.Digest ?? digest, image.Env, image.Entrypoint, Platform: image.Platform);
    }
}
