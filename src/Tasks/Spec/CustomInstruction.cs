namespace Diamol.Build.Spec;

/// <summary>Where a user's own instruction goes in the generated Dockerfile.</summary>
internal enum InstructionPlacement
{
    /// <summary>Right after FROM: the most stable place, for steps such as installing an OS package.</summary>
    AfterFrom,
    /// <summary>After the configuration, before the first file layer.</summary>
    BeforeFiles,
    /// <summary>After every file layer except the app's own, so a code change does not re-run it.</summary>
    BeforeApp,
    /// <summary>After all file layers: a step that needs the app's files (it re-runs when they change).</summary>
    AfterFiles,
}

/// <summary>An instruction the project adds with a DiamolInstruction item, written as given (validated, not quoted).</summary>
internal sealed record CustomInstruction(string Name, string Keyword, string Text, InstructionPlacement Placement);
