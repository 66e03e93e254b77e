namespace Diamol.Build.Layers;

/// <summary>
/// A file as it goes into a layer: where it is read from, where it lands, how big it is, and the mode it has in the
/// image (<see cref="ImageFileModes"/>), decided once here so every builder writes the same.
/// </summary>
public sealed record LayerFile(string SourcePath, string RelativePath, long Size, UnixFileMode Mode = ImageFileModes.RegularFile);

/// <summary>
/// One planned file layer: a COPY of <see cref="ContextFolder"/> into the working directory.
/// </summary>
public sealed record Layer(LayerKind Kind, string Name, IReadOnlyList<LayerFile> Files)
{
    /// <summary>The folder of the build context that holds this layer's files, relative to the context root.</summary>
    public string ContextFolder => $"layers/{Name}";

    public long Size => Files.Sum(f => f.Size);
}
