using Diamol.Build.Layers;

namespace Diamol.Build.Dockerfile;

/// <summary>
/// One instruction of the generated Dockerfile: where it starts, what it is, and the file layer it copies if any.
/// The history writer uses this to tie each image history entry back to a Dockerfile line.
/// </summary>
public sealed record DockerfileInstruction(int Line, string Keyword, string Text, LayerKind? LayerKind = null, string? LayerName = null);

/// <summary>
/// The generated Dockerfile: its text, its instructions in order, and the build arguments that carry
/// values which must not be part of the text (volatile labels), so that the text stays byte-identical between builds.
/// </summary>
public sealed record DockerfileDocument(
    string Text,
    IReadOnlyList<DockerfileInstruction> Instructions,
    IReadOnlyDictionary<string, string> BuildArguments);
