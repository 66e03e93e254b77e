namespace Diamol.Build.Spec;

/// <summary>
/// The container settings as the project gives them (strings, unvalidated): the SDK's container vocabulary
/// after its own ComputeContainerConfig target has filled in defaults.
/// </summary>
internal sealed record ContainerSpecInput
{
    public string BaseImage { get; init; } = "";
    public string? Registry { get; init; }
    public string Repository { get; init; } = "";
    public IReadOnlyList<string> Tags { get; init; } = [];
    public string? WorkingDirectory { get; init; }
    public string? User { get; init; }
    public IReadOnlyList<NameValue> Environment { get; init; } = [];
    public IReadOnlyList<NameValue> Labels { get; init; } = [];
    /// <summary>Ports as (number, protocol) strings; protocol may be empty (tcp).</summary>
    public IReadOnlyList<NameValue> Ports { get; init; } = [];
    public IReadOnlyList<string> AppCommand { get; init; } = [];
    /// <summary>
    /// True when the SDK inferred ContainerAppCommand (the project set none): it joins ContainerWorkingDirectory and
    /// the file name without a separator, which the factory repairs.
    /// </summary>
    public bool AppCommandInferred { get; init; }
    public IReadOnlyList<string> AppCommandArgs { get; init; } = [];
    public IReadOnlyList<string> DefaultArgs { get; init; } = [];
    /// <summary>Entrypoint (default), DefaultArgs or None, as the SDK's ContainerAppCommandInstruction.</summary>
    public string? AppCommandInstruction { get; init; }
    /// <summary>The deprecated ContainerEntrypoint items.</summary>
    public IReadOnlyList<string> Entrypoint { get; init; } = [];
    /// <summary>ContainerGenerateLabels: false drops every label item, as the SDK does.</summary>
    public bool GenerateLabels { get; init; } = true;
    /// <summary>ContainerGenerateLabelsImageBaseDigest: adds org.opencontainers.image.base.digest when the digest is known.</summary>
    public bool GenerateBaseDigestLabel { get; init; } = true;
    /// <summary>DiamolInstruction items: name, instruction text, placement (empty = AfterFrom).</summary>
    public IReadOnlyList<(string Name, string Text, string Placement)> Instructions { get; init; } = [];
    /// <summary>The deprecated ContainerEntrypointArgs items.</summary>
    public IReadOnlyList<string> EntrypointArgs { get; init; } = [];
}
