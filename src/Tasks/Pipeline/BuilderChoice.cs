using Diamol.Build.Diagnostics;
using Diamol.Build.Oci;

namespace Diamol.Build.Pipeline;

/// <summary>Which builder makes the image: the engine's classic build of the Dockerfile, or the daemonless OCI writer.</summary>
public enum Builder
{
    Docker,
    Oci,
}

/// <summary>What the builder choice depends on.</summary>
/// <param name="Requested">DiamolBuilder: docker, oci, or empty for automatic.</param>
/// <param name="CustomInstructions">The keywords of the project's DiamolInstruction items (RUN needs an engine).</param>
/// <param name="PushesToRegistry">ContainerRegistry is set.</param>
/// <param name="WritesArchive">ContainerArchiveOutputPath is set.</param>
/// <param name="MultiPlatform">ContainerRuntimeIdentifiers names several RIDs.</param>
/// <param name="Platform">The image's platform, from the RID.</param>
/// <param name="EngineSettings">Settings only the engine's build honours that the project set (DiamolCacheFrom, DiamolBuildArg, DiamolPullPolicy=Never).</param>
public sealed record BuilderInputs(string? Requested, IReadOnlyList<string> CustomInstructions, bool PushesToRegistry, bool WritesArchive, bool MultiPlatform, ImagePlatform Platform,
    IReadOnlyList<string>? EngineSettings = null);

/// <summary>The builder and, for the log, why.</summary>
public sealed record BuilderDecision(Builder Builder, string Reason);

/// <summary>
/// The automatic rule, chosen so that no working setup breaks: the SDK's daemonless destinations (a registry, an
/// archive, several platforms) never need an engine, so the OCI writer makes them, reproducibly; an image meant for
/// the local engine keeps the engine build (its streamed steps and its cache shared with `docker build`), unless the
/// image is for another platform than the engine's, which the classic builder cannot make. Dockerfile instructions of
/// the project's own (DiamolInstruction) need the engine, which runs them.
/// </summary>
public static class BuilderChoice
{
    /// <param name="enginePlatform">Asks the engine for its platform; null when no engine answers. Called only when needed.</param>
    public static BuilderDecision Decide(BuilderInputs inputs, Func<ImagePlatform?> enginePlatform)
    {
        string requested = inputs.Requested?.Trim().ToLowerInvariant() ?? "";
        bool needsEngine = inputs.CustomInstructions.Count > 0;
        string ownInstructions = string.Join(", ", inputs.CustomInstructions.Distinct());
        switch (requested)
        {
            case "docker":
                if (inputs.WritesArchive || inputs.MultiPlatform)
                {
                    throw new DiamolException(DiagnosticCode.DIAM1015,
                        $"DiamolBuilder is docker, but {(inputs.WritesArchive ? "ContainerArchiveOutputPath is set" : "ContainerRuntimeIdentifiers names several platforms")}: " +
                        "that image is made by the OCI writer. Leave DiamolBuilder empty (or set it to oci).");
                }

                RequireEnginePlatform(inputs, enginePlatform, "DiamolBuilder is docker");
                return new BuilderDecision(Builder.Docker, "DiamolBuilder is docker");
            case "oci":
                if (inputs.EngineSettings is { Count: > 0 } settings)
                {
                    throw new DiamolException(DiagnosticCode.DIAM1015,
                        $"DiamolBuilder is oci, but the project sets {string.Join(", ", settings)}, which only the engine's build honours. " +
                        "Remove them, or set DiamolBuilder=docker (or leave it empty).");
                }

                if (needsEngine)
                {
                    throw new DiamolException(DiagnosticCode.DIAM1015,
                        $"DiamolBuilder is oci, but the project has DiamolInstruction items ({ownInstructions}), which only an engine runs. " +
                        "Set DiamolBuilder=docker (or leave it empty), or remove the DiamolInstruction items.");
                }

                return new BuilderDecision(Builder.Oci, "DiamolBuilder is oci");
            case "":
                break;
            default:
                throw new DiamolException(DiagnosticCode.DIAM1015,
                    $"DiamolBuilder has the value '{inputs.Requested}', which is not valid: use docker (the engine builds the Dockerfile), oci (the daemonless writer) or leave it empty for the automatic choice.");
        }

        if (needsEngine)
        {
            RequireEnginePlatform(inputs, enginePlatform, $"the project's DiamolInstruction items ({ownInstructions}) need an engine");
            return new BuilderDecision(Builder.Docker, $"the project's DiamolInstruction items ({ownInstructions}) are run by the engine");
        }

        if (inputs.EngineSettings is { Count: > 0 } engineSettings && !inputs.MultiPlatform && !inputs.WritesArchive)
        {
            RequireEnginePlatform(inputs, enginePlatform, $"the project sets {string.Join(", ", engineSettings)}");
            return new BuilderDecision(Builder.Docker, $"the project sets {string.Join(", ", engineSettings)}, which the engine's build honours");
        }

        if (inputs.MultiPlatform) return new BuilderDecision(Builder.Oci, "ContainerRuntimeIdentifiers names several platforms");
        if (inputs.PushesToRegistry) return new BuilderDecision(Builder.Oci, "ContainerRegistry is set: the image goes straight to the registry, no engine needed");
        if (inputs.WritesArchive) return new BuilderDecision(Builder.Oci, "ContainerArchiveOutputPath is set: the image goes to an archive, no engine needed");

        var engine = enginePlatform();
        if (engine is not null && !engine.Matches(inputs.Platform))
        {
            return new BuilderDecision(Builder.Oci, $"the image is for {inputs.Platform}, the engine runs {engine}: written by the OCI writer and loaded into the engine");
        }

        return new BuilderDecision(Builder.Docker, "the image is for the local engine");
    }

    private static void RequireEnginePlatform(BuilderInputs inputs, Func<ImagePlatform?> enginePlatform, string why)
    {
        if (enginePlatform() is { } engine && !engine.Matches(inputs.Platform))
        {
            throw new DiamolException(DiagnosticCode.DIAM3006,
                $"The image is for {inputs.Platform} (its runtime identifier), but the engine runs {engine}, and {why}: the engine's classic builder " +
                "cannot make an image of another platform. Remove what needs the engine and let the OCI writer make it (DiamolBuilder empty or oci), " +
                "or publish for the engine's platform.");
        }
    }
}
