namespace Diamol.Build.Spec;

/// <summary>A name with a value, in the order the project declared it.</summary>
internal sealed record NameValue(string Name, string Value);

/// <summary>A port the image exposes.</summary>
internal sealed record ContainerPort(int Number, string Protocol)
{
    public override string ToString() => $"{Number}/{Protocol}";
}

/// <summary>
/// Everything the image's configuration says, validated: what the Dockerfile writer turns into instructions.
/// Produced once by <see cref="ContainerSpecFactory"/>.
/// </summary>
internal sealed record ContainerSpec
{
    public required ImageReference BaseImage { get; init; }
    /// <summary>The base image exactly as the user (or the SDK's inference) wrote it.</summary>
    public required string BaseImageText { get; init; }
    /// <summary>The base image's manifest digest when the engine knows it: FROM is pinned to it.</summary>
    public string? BaseImageDigest { get; init; }
    /// <summary>Repository including the registry when one is set, e.g. <c>localhost:5000/webping</c>.</summary>
    public required string Repository { get; init; }
    public string? Registry { get; init; }
    public required IReadOnlyList<string> Tags { get; init; }
    public required string WorkingDirectory { get; init; }
    public string? User { get; init; }
    public IReadOnlyList<NameValue> Environment { get; init; } = [];
    /// <summary>Labels that stay the same from build to build (written early).</summary>
    public IReadOnlyList<NameValue> StableLabels { get; init; } = [];
    /// <summary>Labels that change with every build, such as a timestamp (written last).</summary>
    public IReadOnlyList<NameValue> VolatileLabels { get; init; } = [];
    public IReadOnlyList<ContainerPort> Ports { get; init; } = [];
    /// <summary>ENTRYPOINT in exec form; empty writes <c>ENTRYPOINT []</c> (none, and no inherited CMD);
    /// null leaves the base image's, which only happens when the base image was not inspected.</summary>
    public IReadOnlyList<string>? Entrypoint { get; init; }
    /// <summary>CMD in exec form; null writes none.</summary>
    public IReadOnlyList<string>? Command { get; init; }

    /// <summary>The reference FROM uses: pinned by digest when the engine knows one.</summary>
    public string FromReference => BaseImageDigest is null || BaseImage.Digest is not null ? BaseImageText : $"{BaseImageText}@{BaseImageDigest}";

    /// <summary>The project's own instructions (DiamolInstruction items), in declaration order.</summary>
    public IReadOnlyList<CustomInstruction> CustomInstructions { get; init; } = [];
}
