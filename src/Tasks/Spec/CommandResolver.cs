using Diamol.Build.Diagnostics;

namespace Diamol.Build.Spec;

/// <summary>
/// ENTRYPOINT and CMD by the SDK's rules for ContainerAppCommand, ContainerAppCommandArgs, ContainerDefaultArgs,
/// ContainerAppCommandInstruction and the deprecated ContainerEntrypoint/ContainerEntrypointArgs, so an image
/// starts the same way as one made by PublishContainer. The base image's CMD never survives (the SDK replaces it).
/// </summary>
internal static class CommandResolver
{
    private static readonly string[][] DotnetOnlyEntrypoints = [["dotnet"], ["/usr/bin/dotnet"]];

    /// <returns>The entrypoint (empty: none; null: the base image's, unknown because it was not inspected) and the command (null: none).</returns>
    public static (IReadOnlyList<string>? Entrypoint, IReadOnlyList<string>? Command) Resolve(
        ContainerSpecInput input, BaseImageFacts? baseImage, ICollection<Diagnostic> warnings)
    {
        var entrypoint = input.Entrypoint;
        var entrypointArgs = input.EntrypointArgs;
        var defaultArgs = input.DefaultArgs;
        var appCommand = input.AppCommand;
        var appCommandArgs = input.AppCommandArgs;
        bool legacy = entrypoint.Count > 0 || entrypointArgs.Count > 0;

        // The SDK treats a base entrypoint of just `dotnet` as none: the app command supplies it.
        IReadOnlyList<string>? baseEntrypoint = baseImage is null ? null
            : baseImage.Entrypoint is null || DotnetOnlyEntrypoints.Any(d => d.SequenceEqual(baseImage.Entrypoint)) ? []
            : baseImage.Entrypoint;

        string instruction = input.AppCommandInstruction?.Trim() ?? "";
        if (instruction.Length == 0)
        {
            if (legacy && defaultArgs.Count == 0 && appCommandArgs.Count == 0 && entrypoint.Count == 0)
            {
                // Only ContainerEntrypointArgs: the older SDKs' meaning, the app command with those arguments as CMD.
                return (appCommand.ToArray(), NullIfEmpty(entrypointArgs));
            }

            instruction = legacy ? "DefaultArgs" : "Entrypoint";
            if (!legacy && baseEntrypoint is { Count: > 0 })
            {
                warnings.Add(new Diagnostic(DiagnosticCode.DIAM1012,
                    $"The base image's ENTRYPOINT {string.Join(" ", baseEntrypoint)} is replaced by the app command. " +
                    "Set ContainerAppCommandInstruction to DefaultArgs to keep it and pass the app command as its arguments, " +
                    "or to Entrypoint to silence this."));
            }
        }

        if (entrypointArgs.Count > 0 && entrypoint.Count == 0)
        {
            throw Invalid("ContainerEntrypointArgs", string.Join(";", entrypointArgs), "it needs ContainerEntrypoint",
                "Set ContainerEntrypoint, or use ContainerAppCommandArgs.");
        }

        if (appCommandArgs.Count > 0 && appCommand.Count == 0)
        {
            throw Invalid("ContainerAppCommandArgs", string.Join(";", appCommandArgs), "it needs ContainerAppCommand",
                "Set ContainerAppCommand, or remove the arguments.");
        }

        var entrypointOrBase = entrypoint.Count > 0 ? entrypoint.Concat(entrypointArgs).ToArray() : baseEntrypoint;
        switch (instruction.ToLowerInvariant())
        {
            case "none":
                if (appCommand.Count > 0 || appCommandArgs.Count > 0)
                {
                    throw Invalid("ContainerAppCommandInstruction", instruction,
                        "with None there is no app command, yet ContainerAppCommand or ContainerAppCommandArgs is set",
                        "Remove those items, or use Entrypoint or DefaultArgs.");
                }

                return (entrypointOrBase, NullIfEmpty(defaultArgs));
            case "defaultargs":
                return (entrypointOrBase, NullIfEmpty(appCommand.Concat(appCommandArgs).Concat(defaultArgs).ToArray()));
            case "entrypoint":
                if (legacy)
                {
                    throw Invalid("ContainerAppCommandInstruction", instruction,
                        "Entrypoint cannot be combined with the deprecated ContainerEntrypoint/ContainerEntrypointArgs",
                        "Move ContainerEntrypoint to ContainerAppCommand, or use DefaultArgs.");
                }

                return (appCommand.Concat(appCommandArgs).ToArray(), NullIfEmpty(defaultArgs));
            default:
                throw Invalid("ContainerAppCommandInstruction", instruction, "it must be 'Entrypoint', 'DefaultArgs' or 'None'",
                    "Remove the property to use the default, 'Entrypoint'.");
        }
    }

    private static IReadOnlyList<string>? NullIfEmpty(IReadOnlyList<string> values) => values.Count == 0 ? null : values;

    private static DiamolException Invalid(string property, string value, string rule, string fix) =>
        ContainerSpecFactory.Invalid(DiagnosticCode.DIAM1010, property, value, rule, fix);
}
