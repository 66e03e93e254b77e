using Diamol.Build.Layers;

namespace Diamol.Build.Dockerfile;

/// <summary>
/// One instruction of the generated Dockerfile: where it starts, what it is, and the file layer it copies if any.
/// The history writer uses this to tie each image history entry back to a Dockerfile line.
/// </summary>
/// <param name="Redacted">
/// Set only in a saved manifest: its <paramref name="Text"/> had secret values, which the file keeps as
/// <c>&lt;redacted&gt;</c>; loading reads the real text back from the Dockerfile's line <paramref name="Line"/>.
/// </param>
internal sealed record DockerfileInstruction(int Line, string Keyword, string Text, LayerKind? LayerKind = null, string? LayerName = null,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault)] bool Redacted = false);

/// <summary>
/// The generated Dockerfile: its text, its instructions in order, and the build arguments that carry
/// values which must not be part of the text (volatile labels), so that the text stays byte-identical between builds.
/// </summary>
internal sealed record DockerfileDocument(
    string Text,
    IReadOnlyList<DockerfileInstruction> Instructions,
    IReadOnlyDictionary<string, string> BuildArguments);
