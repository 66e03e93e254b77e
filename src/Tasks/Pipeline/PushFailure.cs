using Diamol.Build.Diagnostics;
using Diamol.Build.Engine;

namespace Diamol.Build.Pipeline;

/// <summary>
/// Why the engine build's push failed, typed: the failure's code, its message (which names the tags the registry
/// already has when the push failed after the first), and whether any tag reached the registry. The build record keeps
/// its text (<see cref="BuildRecord.PushError"/>, image.json's "pushError"); the publish ends with <see cref="ToError"/>.
/// </summary>
internal sealed record PushFailure(DiagnosticCode Code, string Message, bool SomeTagsPushed)
{
    /// <summary>As build.json and image.json keep it: "DIAMnnnn: message".</summary>
    public override string ToString() => $"{Code}: {Message}";

    /// <summary>The error a publish ends with after a failed push: its cause, what the build did change (the local tags), and what to do.</summary>
    public DiamolException ToError(BuildResult build) => new(Code,
        $"{Message.Trim()} The image {build.ImageId} was built and the local tags {string.Join(", ", build.References)} now point to it; " +
        $"{(SomeTagsPushed ? "only the tags named above reached the registry" : "the registry was not updated")}. " +
        $"{Context.OutputFolder.ImageJsonName} says \"pushed\": false with this error. Fix the cause and publish again: the build is cached, only the push runs.");
}
