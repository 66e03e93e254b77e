using Diamol.Build.Diagnostics;

namespace Diamol.Build.Spec;

/// <summary>
/// Checks DiamolInstruction items before they are written: one line, an instruction the legacy builder knows
/// and that does not fight what Diamol.Build writes itself (FROM, COPY, USER, ENTRYPOINT, CMD), no BuildKit-only syntax.
/// </summary>
internal static class CustomInstructionParser
{
    private static readonly HashSet<string> Allowed = new(StringComparer.Ordinal)
    {
        "RUN", "ENV", "LABEL", "WORKDIR", "EXPOSE", "VOLUME", "SHELL", "STOPSIGNAL", "HEALTHCHECK", "ARG",
    };

    private static readonly Dictionary<string, string> Instead = new(StringComparer.Ordinal)
    {
        ["FROM"] = "set ContainerBaseImage",
        ["COPY"] = "publish the file (Content with CopyToPublishDirectory) and, for a layer of its own, give it DiamolLayer metadata",
        ["ADD"] = "publish the file (Content with CopyToPublishDirectory) and, for a layer of its own, give it DiamolLayer metadata",
        ["USER"] = "set ContainerUser",
        ["ENTRYPOINT"] = "set ContainerAppCommand (or ContainerEntrypoint)",
        ["CMD"] = "set ContainerDefaultArgs or ContainerAppCommandInstruction",
        ["ONBUILD"] = "write the steps directly",
        ["MAINTAINER"] = "use a ContainerLabel such as org.opencontainers.image.authors",
    };

    /// <summary>What separates an instruction's keyword from its arguments.</summary>
    private static readonly char[] Blanks = [' ', '\t', '\v', '\f'];

    /// <summary>
    /// The instruction's keyword, upper-cased, read as <see cref="Parse"/> reads it: everyone who asks which instruction
    /// an item is (the builder choice among them) must get the parser's answer, so `RUN&lt;tab&gt;...` is RUN everywhere.
    /// </summary>
    public static string KeywordOf(string text)
    {
        string trimmed = text.Trim();
        int space = trimmed.IndexOfAny(Blanks);
        return (space < 0 ? trimmed : trimmed[..space]).ToUpperInvariant();
    }

    public static CustomInstruction Parse(string name, string text, string placement)
    {
        string trimmed = text.Trim();
        if (trimmed.IndexOfAny(['\n', '\r', '\0']) >= 0)
        {
            throw Invalid(name, text, "it spans more than one line; write one instruction per DiamolInstruction item (join shell commands with &&)");
        }

        if (trimmed.EndsWith('\\'))
        {
            throw Invalid(name, text, "it ends with '\\', which would join the next instruction to it; remove the trailing backslash");
        }

        int space = trimmed.IndexOfAny(Blanks);
        string keyword = KeywordOf(trimmed);
        string arguments = space < 0 ? "" : trimmed[(space + 1)..].TrimStart();
        if (Instead.TryGetValue(keyword, out string? instead))
        {
            throw Invalid(name, text, $"Diamol.Build writes {keyword} itself; {instead} instead");
        }

        if (!Allowed.Contains(keyword) || arguments.Length == 0)
        {
            throw Invalid(name, text, $"it must start with one of {string.Join(", ", Allowed.Order(StringComparer.Ordinal))} followed by its arguments");
        }

        if (arguments.StartsWith("--mount", StringComparison.Ordinal) || arguments.StartsWith("--network", StringComparison.Ordinal)
            || arguments.StartsWith("--security", StringComparison.Ordinal) || arguments.Contains("<<", StringComparison.Ordinal))
        {
            throw Invalid(name, text, "RUN --mount/--network/--security and heredocs need BuildKit; the Engine API builds with the classic builder");
        }

        // What the engine's parser would refuse is refused here, on both builders, before any engine sees it. An
        // instruction with a variable is checked when it is applied, with the variables of the image.
        if (keyword != "RUN" && !arguments.Contains('$', StringComparison.Ordinal))
        {
            try
            {
                DockerfileSyntax.ConfigInstructionInterpreter.Check(keyword, arguments);
            }
            catch (FormatException e)
            {
                throw Invalid(name, text, $"the engine would refuse it ({e.Message})");
            }
        }

        if (!Enum.TryParse(string.IsNullOrWhiteSpace(placement) ? nameof(InstructionPlacement.AfterFrom) : placement.Trim(), ignoreCase: true, out InstructionPlacement where)
            || !Enum.IsDefined(where))
        {
            throw new DiamolException(DiagnosticCode.DIAM1011,
                $"DiamolInstruction '{name}' has Placement '{placement}', which is not one of {string.Join(", ", Enum.GetNames<InstructionPlacement>())}.");
        }

        return new CustomInstruction(name, keyword, keyword + " " + arguments, where);
    }

    private static DiamolException Invalid(string name, string text, string rule) =>
        new(DiagnosticCode.DIAM1011,
            $"DiamolInstruction '{name}' has the Instruction '{text.Replace("\n", "\\n").Replace("\r", "\\r")}', which cannot be used: {rule}.");
}
