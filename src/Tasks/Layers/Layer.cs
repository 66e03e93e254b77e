namespace Diamol.Build.Layers;

/// <summary>
/// A file as it goes into a layer: where it is read from, where it lands, how big it is, and the mode it has in the
/// image (<see cref="ImageFileModes"/>), decided once here so every builder writes the same.
/// </summary>
internal sealed record LayerFile(string SourcePath, string RelativePath, long Size, UnixFileMode Mode = ImageFileModes.RegularFile);

/// <summary>
/// A folder a layer creates empty (a DiamolWritableDirectory), relative to the layer's destination, with the owner
/// and mode it has in the image.
/// </summary>
internal sealed record LayerDirectory(string RelativePath, UnixFileMode Mode, int Uid, int Gid);

/// <summary>
/// One planned file layer: a COPY of <see cref="ContextFolder"/> into the working directory.
/// </summary>
internal sealed record Layer(LayerKind Kind, string Name, IReadOnlyList<LayerFile> Files)
{
    /// <summary>Empty folders the layer creates, owned by the image's user (a <see cref="LayerKind.Writable"/> layer).</summary>
    public IReadOnlyList<LayerDirectory> Directories { get; init; } = [];

    /// <summary>The absolute folder the COPY writes into ('/'-terminated); null: the working directory.</summary>
    public string? Destination { get; init; }

    /// <summary>Where the layer's files land ('/'-terminated): its own destination, else the working directory.</summary>
    public string DestinationUnder(string workingDirectory) => Destination ?? workingDirectory.TrimEnd('/') + "/";

    /// <summary>The folder of the build context that holds this layer's files, relative to the context root.</summary>
    public string ContextFolder => $"layers/{Name}";

    public long Size => Files.Sum(f => f.Size);
}
