using Diamol.Build.Diagnostics;
using Diamol.Build.Layers;
using Diamol.Build.Pipeline;
using Diamol.Build.Spec;
using Microsoft.Build.Framework;

namespace Diamol.Build.MSBuild;

/// <summary>Writes the Dockerfile and stages the build context from the project's container settings and publish output.</summary>
public sealed class DiamolGenerateDockerfile : DiamolTask, ICancelableTask
{
    [Required] public string ContextDirectory { get; set; } = "";
    protected override string? HistoryFolder => ContextDirectory;

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

    protected override void Run()
    {
        // Every refusal of the folder comes before the lock, which is the first thing written into it.
        Context.OutputFolderRules.RefuseInsidePublishFolder(ContextDirectory, PublishDirectory);
        Context.OutputFolderRules.RefuseProjectFolder(ContextDirectory, ProjectFile is null ? null : Path.GetDirectoryName(Path.GetFullPath(ProjectFile)));
        Context.OutputFolderFiles.RefuseForeignFiles(ContextDirectory);
        Context.OutputFolderRules.RefuseArchiveInsidePublishFolder(ArchiveOutputPath, Path.GetDirectoryName(Path.GetFullPath(ProjectFile ?? ContextDirectory))!, PublishDirectory);
        HoldOutputFolder(ContextDirectory);
        try
        {
            Generate();
        }
        finally
        {
            // With no image to build, nothing more happens in the folder; otherwise the history task lets go.
            if (!BuildFollows)
            {
                SetAsideHistoryWithoutImage();
                ReleaseOutputFolder(ContextDirectory);
            }
        }
    }

    private void Generate()
    {
        // image.json is what CI deploys: from the moment a new image is being made until it is, none may describe the old one.
        if (InspectBaseImage && Directory.Exists(ContextDirectory)) File.Delete(Path.Combine(ContextDirectory, Pipeline.HistoryStage.ImageFileName));

        var input = new ContainerSpecInput
        {
            BaseImage = ContainerBaseImage,
            Registry = ContainerRegistry,
            Repository = ContainerRepository,
            Tags = ContainerImageTags.Select(t => t.ItemSpec).ToArray(),
            WorkingDirectory = ContainerWorkingDirectory,
            User = ContainerUser,
            Environment = Pairs(ContainerEnvironmentVariables, "Value"),
            Labels = Pairs(ContainerLabels, "Value"),
            Ports = Pairs(ContainerPorts, "Type"),
            AppCommand = Values(ContainerAppCommand),
            AppCommandInferred = ContainerAppCommandInferred,
            AppCommandArgs = Values(ContainerAppCommandArgs),
            DefaultArgs = Values(ContainerDefaultArgs),
            AppCommandInstruction = ContainerAppCommandInstruction,
            Entrypoint = Values(ContainerEntrypoint),
            EntrypointArgs = Values(ContainerEntrypointArgs),
            GenerateLabels = ContainerGenerateLabels,
            GenerateBaseDigestLabel = ContainerGenerateLabelsImageBaseDigest,
            Instructions = Instructions.Select(i => (i.ItemSpec, i.GetMetadata("Instruction"), i.GetMetadata("Placement"))).ToArray(),
        };

        // Asked only when a decision needs the engine: a Dockerfile-only or OCI publish must not depend on it.
        var engines = new Lazy<Engine.IEngineSource>(() => EngineFor(Engine.EngineLocator.Candidates(DockerHost, Environment.GetEnvironmentVariable)));
        var platform = Common.ImagePlatform.FromRuntimeIdentifier(string.IsNullOrWhiteSpace(ContainerRuntimeIdentifier) ? "linux-x64" : ContainerRuntimeIdentifier);
        string[] rids = (ContainerRuntimeIdentifiers ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (string rid in rids) Common.ImagePlatform.FromRuntimeIdentifier(rid, "ContainerRuntimeIdentifiers");
        BuilderDecision? decision = null;
        var timings = new StageTimings(nameof(DiamolGenerateDockerfile));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        if (BuildImage)
        {
            decision = BuilderChoice.Decide(
                new BuilderInputs(Builder, Instructions.Select(i => Spec.CustomInstructionParser.KeywordOf(i.GetMetadata("Instruction"))).ToArray(),
                    !string.IsNullOrWhiteSpace(ContainerRegistry), OciSettings(), rids.Length > 1, platform, EngineSettings()),
                () => EnginePlatform(engines.Value));
            ChosenBuilder = decision.Builder.ToString().ToLowerInvariant();
            Log.LogMessage(MessageImportance.Normal, "{0}: {1} builder ({2})", ProjectName, decision.Builder == Pipeline.Builder.Oci ? "OCI" : "Docker engine", decision.Reason);
        }

        timings.Add("choose-builder", clock.Elapsed);
        clock.Restart();
        var baseImage = !InspectBaseImage ? null
            : decision?.Builder == Pipeline.Builder.Oci
                ? ReadBaseImageFromRegistry(platform, building: true)
                : ReadBaseImageFromEngine(engines.Value, platform, building: decision is not null);
        if (!InspectBaseImage && InspectBaseImageBestEffort) baseImage = TryReadBaseImage(engines, platform);
        timings.Add("base-image", clock.Elapsed);
        var mode = new PublishMode(PublishSingleFile, SelfContained, PublishTrimmed, PublishAot);
        // Reading the items (their FullPath metadata is computed on each read) is part of this stage, as the folder is.
        var (reader, files) = timings.Measure("read-publish-items", () =>
        {
            var reader = new PublishedFileReader(new PublishItems
            {
                Files = PublishedFiles,
                StaticWebAssets = StaticWebAssets,
                Content = ContentItems,
                References = ReferenceItems,
                PackageReferences = PackageReferences,
                ProjectReferences = ProjectReferences,
                WebAssemblyOrigins = WebAssemblyOrigins,
                PackageFolders = (PackageFolders ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                ProjectPackageId = ProjectPackageId ?? ProjectName,
                Mode = mode,
                CopySymbols = CopyOutputSymbols,
            });
            return (reader, reader.Read(PublishDirectory));
        });
        var warnings = new List<Diagnostic>();
        warnings.AddRange(reader.UnusedLayerWarnings());
        if (reader.Leftovers.Count > 0)
        {
            Log.LogMessage(MessageImportance.Normal,
                "Left out of the image: {0} in the publish folder that this publish did not write (leftovers of an earlier publish under wwwroot/, or symbols with CopyOutputSymbolsToPublishDirectory=false; `dotnet clean` removes them): {1}",
                Diagnostics.Counted.Of(reader.Leftovers.Count, "file"), string.Join(", ", reader.Leftovers.Take(5)) + (reader.Leftovers.Count > 5 ? ", ..." : ""));
        }

        var result = DockerfileStage.Run(input, baseImage, files, new LayerOptions(ImageFileModes.ParsePolicy(FileModes), mode, AppFileName ?? ProjectName,
                WritableDirectories.Select(i => new WritableDirectory(i.ItemSpec, i.GetMetadata("Mode"))).ToArray()),
            ContextDirectory, ProjectName, ToolVersion, warnings, timings, SourceDateEpoch());
        Report(warnings);
        ShareStaging(result.Staged);
        timings.Save(ContextDirectory, startsPublish: true);

        var staging = result.Staging;
        // Without an image the Dockerfile is the publish's output (and the terminal logger's output line); with one, the
        // history stage prints the line that names the image.
        Log.LogMessage(BuildImage ? MessageImportance.Normal : MessageImportance.High, "{0} -> {1}{2}", ProjectName, staging.DockerfilePath, staging.DockerfileChanged ? "" : " (unchanged)");
        foreach (var layer in result.Manifest.Layers)
        {
            Log.LogMessage(MessageImportance.Normal, "  layer {0}: {1}, {2} bytes", layer.Name, Diagnostics.Counted.Of(layer.Files.Count, "file"), layer.Size);
        }

        // What staging did: after an edit, the few files that changed; a number far above that says the publish
        // rewrote files it did not need to (their times changed).
        Log.LogMessage(MessageImportance.Normal, "  staged: {0} files linked or copied, {1} removed, the rest already in place", staging.FilesAdded, staging.FilesRemoved);

        DockerfilePath = staging.DockerfilePath;
        ImageNames = result.Manifest.FullTags.Select(n => (ITaskItem)new Microsoft.Build.Utilities.TaskItem(n)).ToArray();
    }

    public void Cancel() => Cancellation.Cancel();

    // A Dockerfile-only publish that read the base image removed image.json (a new image was in the making); the
    // history of the last image must not stay behind as if it described the current one.
    private void SetAsideHistoryWithoutImage()
    {
        var removed = Pipeline.HistoryStage.SetAsideUnbacked(ContextDirectory, ContextDirectory);
        if (removed.Count > 0)
        {
            Log.LogMessage(MessageImportance.Normal, "No image was made, so the history of the last one is no longer in {0}: removed {1}.",
                ContextDirectory, string.Join(", ", removed.Select(Path.GetFileName)));
        }
    }

    private static DateTimeOffset? SourceDateEpoch() =>
        string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("SOURCE_DATE_EPOCH")) ? null : Oci.ReproducibleTime.From(Environment.GetEnvironmentVariable("SOURCE_DATE_EPOCH"));

    private string[] OciSettings() =>
    [
        .. !string.IsNullOrWhiteSpace(ArchiveOutputPath) ? new[] { "ContainerArchiveOutputPath" } : [],
        .. !string.IsNullOrWhiteSpace(ContainerImageFormat) ? new[] { $"ContainerImageFormat={ContainerImageFormat.Trim()}" } : [],
        .. string.Equals(LocalRegistry?.Trim(), "Podman", StringComparison.OrdinalIgnoreCase) ? new[] { "LocalRegistry=Podman" } : [],
    ];

    private string[] EngineSettings() =>
    [
        .. CacheFrom.Any(c => c.ItemSpec.Trim().Length > 0) ? new[] { "DiamolCacheFrom" } : [],
        .. BuildArgs.Length > 0 ? new[] { "DiamolBuildArg" } : [],
        .. string.Equals(PullPolicy?.Trim(), "Never", StringComparison.OrdinalIgnoreCase) ? new[] { "DiamolPullPolicy=Never" } : [],
    ];

    private string? PushRegistry => string.IsNullOrWhiteSpace(ContainerRegistry) ? null : ContainerRegistry.Trim();

    /// <param name="building">The OCI writer makes the image on it: a base it cannot make a true image of is refused now, before anything is staged (its warnings come from the writer).</param>
    private Spec.BaseImageFacts? ReadBaseImageFromRegistry(Common.ImagePlatform platform, bool building = false)
    {
        var reference = Spec.ImageReference.TryParse(ContainerBaseImage, out _);
        if (reference is null) return null; // validation reports it with the property's name
        using var registries = RegistriesFor(BuildOptions.ParseIdleTimeout(IdleTimeout), Registry.RetryPolicy.Parse(RegistryRetries));
        var manifest = Oci.RegistryBaseImage.ReadAsync(registries, reference, platform, PushRegistry, Cancellation.Token).GetAwaiter().GetResult();
        if (building) manifest.RequireUsableFor(ContainerBaseImage, platform);
        return manifest.Facts();
    }

    /// <param name="building">The engine builds on it: its copy of the base must be for the image's platform (the classic builder has no --platform).</param>
    private Spec.BaseImageFacts? ReadBaseImageFromEngine(Engine.IEngineSource engines, Common.ImagePlatform platform, bool building = false)
    {
        var facts = DockerfileStage.ReadBaseImageAsync(ContainerBaseImage, engines, BuildOptions.ParsePullPolicy(PullPolicy), BuildOptions.ParseIdleTimeout(IdleTimeout),
            CredentialLookup(), PushRegistry, new TaskBuildLog(Log, ProjectFile), Cancellation.Token).GetAwaiter().GetResult();
        if (facts is null) return null;
        if (building && Oci.BaseImageRequirements.RequirePlatform(ContainerBaseImage, facts.Platform, platform, "the engine's image") is { } warning)
        {
            Log.LogWarning(null, warning.Code.ToString(), null, ProjectFile, 0, 0, 0, 0, "{0}", warning.Message);
        }

        // The label holds the digest of the platform's manifest, as PublishContainer's; the engine knows only the index's.
        if (ContainerGenerateLabels && ContainerGenerateLabelsImageBaseDigest && facts.Digest is { } pinned
            && Spec.ImageReference.TryParse(ContainerBaseImage, out _) is { } reference)
        {
            // Best effort (the label is left out when the registry cannot answer): two tries and a 30 s idle limit by
            // default, not a publish held for minutes; the build's credential lookup all the same.
            using var registries = RegistriesFor(BuildOptions.ParseIdleTimeout(IdleTimeout) ?? TimeSpan.FromSeconds(30), Registry.RetryPolicy.Default with { MaxTries = 2 });
            var (digest, why) = Engine.BaseManifestDigest.ResolveAsync(registries, reference, pinned, platform, ContextDirectory, PushRegistry, Cancellation.Token)
                .GetAwaiter().GetResult();
            if (digest is null)
            {
                Log.LogMessage(MessageImportance.Normal,
                    "{0}: the label org.opencontainers.image.base.digest holds {1}, the digest the engine knows the base by, because its registry did not say which " +
                    "manifest of it is for {2} ({3}); PublishContainer writes that manifest's digest.", ProjectName, pinned, platform, why);
            }

            facts = facts with { ManifestDigest = digest };
        }

        return facts;
    }

    // The engine first (it pulls what it lacks, as a build would), then the base image's registry; neither answering
    // leaves the Dockerfile without the base image's facts, said in a warning rather than failing a Dockerfile-only publish.
    private Spec.BaseImageFacts? TryReadBaseImage(Lazy<Engine.IEngineSource> engines, Common.ImagePlatform platform)
    {
        var reasons = new List<string>();
        try
        {
            return ReadBaseImageFromEngine(engines.Value, platform);
        }
        catch (DiamolException e) when (e.Code is not DiagnosticCode.DIAM1001)
        {
            reasons.Add(e.Message);
        }

        try
        {
            return ReadBaseImageFromRegistry(platform);
        }
        catch (DiamolException e)
        {
            reasons.Add(e.Message);
        }

        Log.LogWarning(null, DiagnosticCode.DIAM2011.ToString(), null, ProjectFile, 0, 0, 0, 0, "{0}",
            $"The Dockerfile was written without the base image's facts (the digest pin, the APP_UID user, the ASP.NET ports), because neither an engine nor " +
            $"the registry of '{ContainerBaseImage}' answered: {string.Join(" / ", reasons)} A `docker build` of it gives a different image from a normal publish. " +
            "Start the engine (or make the registry reachable) and publish again, or set DiamolInspectBaseImage=false to write it without them on purpose.");
        return null;
    }

    // The engine's platform, or null when none answers (the automatic choice then keeps the engine path, whose
    // build reports the missing engine as before).
    private Common.ImagePlatform? EnginePlatform(Engine.IEngineSource engines)
    {
        try
        {
            return engines.ConnectAsync(Cancellation.Token).GetAwaiter().GetResult().Platform;
        }
        catch (DiamolException e) when (e.Code == DiagnosticCode.DIAM3001)
        {
            return null;
        }
    }

    private static string[] Values(ITaskItem[] items) => items.Select(i => i.ItemSpec).ToArray();

    private static NameValue[] Pairs(ITaskItem[] items, string metadata) =>
        items.Select(i => new NameValue(i.ItemSpec, i.GetMetadata(metadata))).ToArray();
}
