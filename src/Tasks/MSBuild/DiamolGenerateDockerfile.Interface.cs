using Microsoft.Build.Framework;

namespace Diamol.Build.MSBuild;

// The task's parameters, as the targets pass them (the SDK's container tasks keep theirs in an .Interface.cs the same way).
public sealed partial class DiamolGenerateDockerfile
{
    [Required] public string ContextDirectory { get; set; } = "";

    /// <summary>DiamolInspectBaseImage: ask the engine about the base image (digest pin, APP_UID user, ports, entrypoint).</summary>
    public bool InspectBaseImage { get; set; }

    /// <summary>
    /// A Dockerfile-only publish with DiamolInspectBaseImage unset: read the base image from the engine or its registry
    /// when one answers, so the Dockerfile is the one a normal publish builds; warn (DIAM2011) when none does.
    /// </summary>
    public bool InspectBaseImageBestEffort { get; set; }
    /// <summary>The DiamolDockerHost property.</summary>
    public string? DockerHost { get; set; }
    /// <summary>DiamolPullPolicy: when to pull the base image.</summary>
    public string? PullPolicy { get; set; }

    /// <summary>DiamolBuildImage: an image is built from this folder after the Dockerfile, so the folder stays locked until the history is written.</summary>
    public bool BuildFollows { get; set; }

    /// <summary>DiamolIdleTimeout: seconds an engine or registry exchange (the base image's inspection, pull or read) may go without any data.</summary>
    public string? IdleTimeout { get; set; }

    /// <summary>DiamolRegistryRetries: how many times a failing read of the base image from its registry is tried in all.</summary>
    public string? RegistryRetries { get; set; }
    public bool ContainerGenerateLabels { get; set; } = true;
    public bool ContainerGenerateLabelsImageBaseDigest { get; set; } = true;
    [Required] public string ProjectName { get; set; } = "";
    [Required] public string PublishDirectory { get; set; } = "";
    public ITaskItem[] PublishedFiles { get; set; } = [];
    /// <summary>Static web assets with their publish TargetPath (the SDK publishes them outside ResolvedFileToPublish).</summary>
    public ITaskItem[] StaticWebAssets { get; set; } = [];
    /// <summary>Content and None items (DiamolItemType metadata names which): what counts as content, and DiamolLayer choices on them.</summary>
    public ITaskItem[] ContentItems { get; set; } = [];
    /// <summary>Resolved Reference items (ReferencePath): DiamolLayer on a Reference with a HintPath.</summary>
    public ITaskItem[] ReferenceItems { get; set; } = [];
    public ITaskItem[] PackageReferences { get; set; } = [];
    public ITaskItem[] ProjectReferences { get; set; } = [];
    /// <summary>The package and runtime pack files of the WebAssembly clients whose assets this publish holds (their ReferenceCopyLocalPaths).</summary>
    public ITaskItem[] WebAssemblyOrigins { get; set; } = [];
    /// <summary>NuGetPackageFolders: a file below one of them came from that package.</summary>
    public string? PackageFolders { get; set; }
    /// <summary>The project's PackageId, which its own static web assets name as their SourceId.</summary>
    public string? ProjectPackageId { get; set; }
    /// <summary>The published executable's name: the single-file bundle or native AOT binary, when there is one.</summary>
    public string? AppFileName { get; set; }
    public bool PublishSingleFile { get; set; }
    public bool PublishAot { get; set; }
    public bool SelfContained { get; set; }
    public bool PublishTrimmed { get; set; }
    /// <summary>CopyOutputSymbolsToPublishDirectory: false leaves symbols files in the publish folder out as an earlier publish's.</summary>
    public bool CopyOutputSymbols { get; set; } = true;
    /// <summary>DiamolWritableDirectory items: folders the image's user may write (Include the path, Mode metadata octal).</summary>
    public ITaskItem[] WritableDirectories { get; set; } = [];
    /// <summary>DiamolFileModes: Normalize (default) or Preserve.</summary>
    public string? FileModes { get; set; }
    /// <summary>DiamolBuildImage: whether an image is built at all (the builder is only chosen then).</summary>
    public bool BuildImage { get; set; } = true;
    /// <summary>DiamolBuilder: docker, oci, or empty for the automatic choice.</summary>
    public string? Builder { get; set; }
    /// <summary>ContainerRuntimeIdentifier (the SDK defaults it from RuntimeIdentifier or the SDK's own platform).</summary>
    public string? ContainerRuntimeIdentifier { get; set; }
    /// <summary>ContainerRuntimeIdentifiers: several RIDs ask for a multi-platform image index.</summary>
    public string? ContainerRuntimeIdentifiers { get; set; }
    /// <summary>ContainerArchiveOutputPath: the image goes to a tarball.</summary>
    public string? ArchiveOutputPath { get; set; }
    /// <summary>ContainerImageFormat and LocalRegistry: honoured by the OCI writer only.</summary>
    public string? ContainerImageFormat { get; set; }
    public string? LocalRegistry { get; set; }
    /// <summary>DiamolCacheFrom and DiamolBuildArg items: settings of the engine's build, which keep the engine builder.</summary>
    public ITaskItem[] CacheFrom { get; set; } = [];
    public ITaskItem[] BuildArgs { get; set; } = [];

    /// <summary>The builder chosen: docker or oci (empty when no image is built).</summary>
    [Output] public string ChosenBuilder { get; private set; } = "";

    public string ContainerBaseImage { get; set; } = "";
    public string? ContainerRegistry { get; set; }
    public string ContainerRepository { get; set; } = "";
    public ITaskItem[] ContainerImageTags { get; set; } = [];
    public string? ContainerWorkingDirectory { get; set; }
    public string? ContainerUser { get; set; }
    public ITaskItem[] ContainerEnvironmentVariables { get; set; } = [];
    public ITaskItem[] ContainerLabels { get; set; } = [];
    public ITaskItem[] ContainerPorts { get; set; } = [];
    public ITaskItem[] ContainerAppCommand { get; set; } = [];
    /// <summary>True when the SDK inferred ContainerAppCommand rather than the project setting it.</summary>
    public bool ContainerAppCommandInferred { get; set; }
    public ITaskItem[] ContainerAppCommandArgs { get; set; } = [];
    public ITaskItem[] ContainerDefaultArgs { get; set; } = [];
    public string? ContainerAppCommandInstruction { get; set; }
    public ITaskItem[] ContainerEntrypoint { get; set; } = [];
    public ITaskItem[] ContainerEntrypointArgs { get; set; } = [];
    /// <summary>DiamolInstruction items: Include is a name, Instruction the text, Placement where it goes.</summary>
    public ITaskItem[] Instructions { get; set; } = [];

    [Output] public string DockerfilePath { get; private set; } = "";
    [Output] public ITaskItem[] ImageNames { get; private set; } = [];
}
