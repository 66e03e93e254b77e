namespace Diamol.Build.Pipeline;

/// <summary>
/// The last step of a multi-platform publish as the SDK's properties give it (DiamolWriteImageIndex's parameters): the
/// images the per-platform publishes made, and where their index goes (ContainerRegistry, else ContainerArchiveOutputPath).
/// </summary>
/// <param name="Repository">ContainerRepository, without the registry.</param>
/// <param name="RuntimeIdentifiers">ContainerRuntimeIdentifiers, for the message when the index has nowhere to go.</param>
/// <param name="OutputDirectory">Where image.json goes.</param>
/// <param name="IdleTimeout">DiamolIdleTimeout: seconds the index's push may go without any data.</param>
/// <param name="RegistryRetries">DiamolRegistryRetries: how many times a failing registry exchange is tried in all.</param>
internal sealed record ImageIndexRequest(
    IReadOnlyList<PlatformManifest> Images,
    string? ContainerRegistry,
    string Repository,
    IReadOnlyList<string> Tags,
    string OutputDirectory,
    string? ImageFormat = null,
    string? RuntimeIdentifiers = null,
    string? ArchivePath = null,
    string? ProjectDirectory = null,
    string? IdleTimeout = null,
    string? RegistryRetries = null)
{
    public bool Pushed => !string.IsNullOrWhiteSpace(ContainerRegistry);

    /// <summary>The repository with its registry, as the tags name it.</summary>
    public string FullRepository => Pushed ? $"{ContainerRegistry}/{Repository}" : Repository;

    public IReadOnlyList<string> FullTags => Tags.Select(t => $"{FullRepository}:{t}").ToArray();
}

/// <summary>The index <see cref="ImageIndexStage.PublishAsync"/> pushed or archived.</summary>
/// <param name="ArchivePath">The archive written (ContainerArchiveOutputPath resolved), or null when pushed.</param>
internal sealed record ImageIndexResult(string Digest, IReadOnlyList<string> FullTags, bool Pushed, string? ArchivePath);
