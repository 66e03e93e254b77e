using Diamol.Build.Common;
using Diamol.Build.Diagnostics;

namespace Diamol.Build.Oci;

/// <summary>
/// What a base image must be for the image made on it to be what it claims: for the platform of the runtime
/// identifier (the app's binaries are built for it, the base's runtime must be too), and, for the OCI writer,
/// without ONBUILD triggers (the engine runs them on FROM; a writer that only copies files cannot).
/// </summary>
internal static class BaseImageRequirements
{
    /// <summary>
    /// Refuses (DIAM1022) a base whose config names another platform than <paramref name="target"/>; a base whose
    /// config names none gives a warning (DIAM2020), since the image is then labelled by the RID alone.
    /// </summary>
    /// <param name="baseImage">ContainerBaseImage as the project wrote it.</param>
    /// <param name="basePlatform">The platform the base's config names; null when it names no architecture.</param>
    /// <param name="where">Where that base was read, for the message: "the registry's" manifest, "the engine's" image.</param>
    /// <param name="fromIndex">The manifest was the index's entry for <paramref name="target"/> (so the index itself claims that platform).</param>
    public static Diagnostic? RequirePlatform(string baseImage, ImagePlatform? basePlatform, ImagePlatform target, string where,
        bool fromIndex = false)
    {
        if (basePlatform is null)
        {
            return new Diagnostic(DiagnosticCode.DIAM2020,
                $"ContainerBaseImage has the value '{baseImage}', whose config ({where}) names no platform (no architecture): " +
                "Diamol.Build cannot check that it is " +
                $"for {target}, the platform of the runtime identifier, which the image is labelled with. " +
                "Use a base image whose config names its platform " +
                "(every image built by docker, buildah or the SDK does), or check by hand that it is for that platform.");
        }

        if (target.Matches(basePlatform)) return null;
        string what = fromIndex
            ? $"an index whose entry for {target} is an image whose config says {basePlatform}"
            : $"a single-platform image for {basePlatform} ({where})";
        throw new DiamolException(DiagnosticCode.DIAM1022,
            $"ContainerBaseImage has the value '{baseImage}', {what}, but the image is for {target} (its runtime identifier): " +
            $"the app's {target} binaries " +
            $"over a {basePlatform} runtime run on neither platform. " +
            $"Use a multi-platform base image (an index with an entry for {target}), " +
            $"set ContainerBaseImage to an image for {target}, or publish for {basePlatform}.");
    }

    /// <summary>Refuses (DIAM1023) a base with ONBUILD triggers for the OCI writer, which cannot run them as the engine does.</summary>
    public static void RequireNoTriggers(string baseImage, IReadOnlyList<string> onBuild)
    {
        if (onBuild.Count == 0) return;
        throw new DiamolException(DiagnosticCode.DIAM1023,
            $"ContainerBaseImage has the value '{baseImage}', which has {onBuild.Count} ONBUILD trigger{(onBuild.Count == 1 ? "" : "s")} " +
            $"({string.Join("; ", onBuild)}). " +
            "The engine runs them at FROM and clears them; the OCI writer cannot run them, " +
            "and copying them into the image would leave them unrun. " +
            "Let the engine make the image (DiamolBuilder=docker, with ContainerRegistry the engine pushes it), " +
            "or use a base image without ONBUILD triggers.");
    }
}
