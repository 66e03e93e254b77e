using Diamol.Build.Common;
using Diamol.Build.Diagnostics;
using Diamol.Build.Oci;

namespace Diamol.Build.Pipeline;

/// <summary>Which builder makes the image: the engine's classic build of the Dockerfile, or the daemonless OCI writer.</summary>
internal enum Builder
{
    Docker,
    Oci,
}

/// <summary>What the builder choice depends on.</summary>
/// <param name="Requested">DiamolBuilder: docker, oci, or empty for automatic.</param>
/// <param name="CustomInstructions">
/// The keywords of the project's DiamolInstruction items; only RUN needs the engine (the OCI writer applies the others).
/// </param>
/// <param name="PushesToRegistry">ContainerRegistry is set.</param>
/// <param name="OciSettings">
/// Settings only the OCI writer honours that the project set (ContainerArchiveOutputPath, ContainerImageFormat, LocalRegistry=Podman).
/// </param>
/// <param name="MultiPlatform">ContainerRuntimeIdentifiers names several RIDs.</param>
/// <param name="Platform">The image's platform, from the RID.</param>
/// <param name="EngineSettings">
/// Settings only the engine's build honours that the project set (DiamolCacheFrom, DiamolBuildArg, DiamolPullPolicy=Never).
/// </param>
internal sealed record BuilderInputs(string? Requested, IReadOnlyList<string> CustomInstructions, bool PushesToRegistry,
    IReadOnlyList<string> OciSettings, bool MultiPlatform, ImagePlatform Platform, IReadOnlyList<string>? EngineSettings = null)
{
    /// <summary>What only the engine honours: its own settings and the project's Dockerfile instructions.</summary>
    public IReadOnlyList<string> EngineOnly =>
    [
        .. EngineSettings ?? [],
        .. CustomInstructions.Contains("RUN") ? new[] { "DiamolInstruction RUN items" } : [],
    ];

    /// <summary>What only the OCI writer honours: its settings and a multi-platform image.</summary>
    public IReadOnlyList<string> OciOnly => [.. OciSettings, .. MultiPlatform ? new[] { "several ContainerRuntimeIdentifiers" } : []];

    /// <summary>What the choice reads of a publish's settings: the properties each builder alone honours, as the project set them.</summary>
    public static BuilderInputs For(DockerfileRequest request, ImagePlatform platform, bool multiPlatform) =>
        new(request.Builder, request.Spec.Instructions.Select(i => Spec.CustomInstructionParser.KeywordOf(i.Text)).ToArray(),
            !string.IsNullOrWhiteSpace(request.Spec.Registry), OciSettingsOf(request), multiPlatform, platform, EngineSettingsOf(request));

    private static string[] OciSettingsOf(DockerfileRequest request) =>
    [
        .. !string.IsNullOrWhiteSpace(request.ArchiveOutputPath) ? new[] { "ContainerArchiveOutputPath" } : [],
        .. !string.IsNullOrWhiteSpace(request.ImageFormat) ? new[] { $"ContainerImageFormat={request.ImageFormat.Trim()}" } : [],
        .. string.Equals(request.LocalRegistry?.Trim(), "Podman", StringComparison.OrdinalIgnoreCase) ? new[] { "LocalRegistry=Podman" } : [],
    ];

    private static string[] EngineSettingsOf(DockerfileRequest request) =>
    [
        .. request.CacheFrom.Any(c => c.Trim().Length > 0) ? new[] { "DiamolCacheFrom" } : [],
        .. request.BuildArgs.Count > 0 ? new[] { "DiamolBuildArg" } : [],
        .. string.Equals(request.PullPolicy?.Trim(), "Never", StringComparison.OrdinalIgnoreCase) ? new[] { "DiamolPullPolicy=Never" } : [],
    ];
}

/// <summary>The builder and, for the log, why.</summary>
internal sealed record BuilderDecision(Builder Builder, string Reason);

/// <summary>
/// The automatic rule, chosen so that no working setup breaks: the SDK's daemonless destinations (a registry, an
/// archive, several platforms) never need an engine, so the OCI writer makes them, reproducibly; an image meant for
/// the local engine keeps the engine build (its streamed steps and its cache shared with `docker build`), unless the
/// image is for another platform than the engine's, which the classic builder cannot make. What only one builder
/// honours (the engine: DiamolInstruction RUN items, DiamolCacheFrom, DiamolBuildArg, DiamolPullPolicy=Never; the OCI
/// writer: an archive, ContainerImageFormat, LocalRegistry=Podman, several platforms) decides; asking for both, or
/// forcing the other builder, is refused with DIAM1015 rather than ignoring a setting.
/// </summary>
internal static class BuilderChoice
{
    /// <param name="enginePlatform">Asks the engine for its platform; null when no engine answers. Called only when needed.</param>
    public static BuilderDecision Decide(BuilderInputs inputs, Func<ImagePlatform?> enginePlatform)
    {
        string requested = inputs.Requested?.Trim().ToLowerInvariant() ?? "";
        var engineOnly = inputs.EngineOnly;
        var ociOnly = inputs.OciOnly;
        switch (requested)
        {
            case "docker":
                if (ociOnly.Count > 0)
                {
                    throw new DiamolException(DiagnosticCode.DIAM1015,
                        $"DiamolBuilder is docker, but the project sets {string.Join(", ", ociOnly)}, which only the OCI writer honours. " +
                        "Leave DiamolBuilder empty (or set it to oci), or remove them.");
                }

                RequireEnginePlatform(inputs, enginePlatform, "DiamolBuilder is docker");
                return new BuilderDecision(Builder.Docker, "DiamolBuilder is docker");
            case "oci":
                if (engineOnly.Count > 0)
                {
                    throw new DiamolException(DiagnosticCode.DIAM1015,
                        $"DiamolBuilder is oci, but the project sets {string.Join(", ", engineOnly)}, which only the engine's build honours. " +
                        "Set DiamolBuilder=docker (or leave it empty), or remove them.");
                }

                return new BuilderDecision(Builder.Oci, "DiamolBuilder is oci");
            case "":
                break;
            default:
                throw new DiamolException(DiagnosticCode.DIAM1015,
                    $"DiamolBuilder has the value '{inputs.Requested}', which is not valid: use docker (the engine builds the Dockerfile), " +
                    "oci (the daemonless writer) or leave it empty for the automatic choice.");
        }

        if (engineOnly.Count > 0 && ociOnly.Count > 0)
        {
            throw new DiamolException(DiagnosticCode.DIAM1015,
                $"The project sets {string.Join(", ", engineOnly)}, which only the engine's build honours, " +
                $"and {string.Join(", ", ociOnly)}, which only the OCI writer " +
                "honours: no builder can honour both. Remove one of them.");
        }

        if (engineOnly.Count > 0)
        {
            string what = $"the project sets {string.Join(", ", engineOnly)}";
            RequireEnginePlatform(inputs, enginePlatform, what);
            return new BuilderDecision(Builder.Docker, what + ", which the engine's build honours");
        }

        if (ociOnly.Count > 0)
            return new BuilderDecision(Builder.Oci, $"the project sets {string.Join(", ", ociOnly)}: made by the OCI writer, no engine needed");
        if (inputs.PushesToRegistry)
            return new BuilderDecision(Builder.Oci, "ContainerRegistry is set: the image goes straight to the registry, no engine needed");

        var engine = enginePlatform();
        if (engine is not null && !engine.Matches(inputs.Platform))
        {
            return new BuilderDecision(Builder.Oci,
                $"the image is for {inputs.Platform}, the engine runs {engine}: written by the OCI writer and loaded into the engine");
        }

        return new BuilderDecision(Builder.Docker, "the image is for the local engine");
    }

    private static void RequireEnginePlatform(BuilderInputs inputs, Func<ImagePlatform?> enginePlatform, string why)
    {
        if (enginePlatform() is { } engine && !engine.Matches(inputs.Platform))
        {
            throw new DiamolException(DiagnosticCode.DIAM3006,
                $"The image is for {inputs.Platform} (its runtime identifier), but the engine runs {engine}, and {why}: " +
                "the engine's classic builder " +
                "cannot make an image of another platform. " +
                "Remove what needs the engine and let the OCI writer make it (DiamolBuilder empty or oci), " +
                "or publish for the engine's platform.");
        }
    }
}
