using Diamol.Build.Spec;

namespace Diamol.Build.Oci;

/// <summary>
/// The image configuration the Dockerfile sets, kept beside the context so the OCI writer can apply exactly what the
/// engine would apply when it runs the same Dockerfile (ENV, LABEL, WORKDIR, EXPOSE, ENTRYPOINT, CMD, USER).
/// </summary>
public sealed record ImageSettings(
    IReadOnlyList<NameValue> Environment,
    IReadOnlyList<NameValue> Labels,
    IReadOnlyList<string> VolatileLabelKeys,
    string WorkingDirectory,
    string? User,
    IReadOnlyList<string> Ports,
    IReadOnlyList<string>? Entrypoint,
    IReadOnlyList<string>? Command,
    IReadOnlyList<string> CustomInstructions)
{
    public static ImageSettings From(ContainerSpec spec) => new(
        spec.Environment,
        spec.StableLabels.Concat(spec.VolatileLabels).ToArray(),
        spec.VolatileLabels.Select(l => l.Name).ToArray(),
        spec.WorkingDirectory,
        spec.User,
        spec.Ports.Select(p => p.ToString()).ToArray(),
        spec.Entrypoint,
        spec.Command,
        spec.CustomInstructions.Select(i => i.Keyword).ToArray());

    /// <summary>Labels whose value is the build time: the OCI writer stamps them with the reproducible time.</summary>
    public static readonly IReadOnlySet<string> TimeLabels = new HashSet<string>(StringComparer.Ordinal)
    {
        "org.opencontainers.image.created",
        "org.opencontainers.artifact.created",
    };
}
