using Diamol.Build.Diagnostics;
using Diamol.Build.Layers;
using Diamol.Build.Pipeline;
using Diamol.Build.Spec;
using Microsoft.Build.Framework;

namespace Diamol.Build.MSBuild;

/// <summary>
/// Writes the Dockerfile and stages the build context from the project's container settings and publish output: maps
/// the parameters (DiamolGenerateDockerfile.Interface.cs) to <see cref="DockerfileStage.Generate"/>, which chooses the
/// builder and reads the base image, and logs what it did.
/// </summary>
public sealed partial class DiamolGenerateDockerfile : DiamolTask, ICancelableTask
{
    protected override string? HistoryFolder => ContextDirectory;

    protected override void Run()
    {
        // Every refusal of the folder comes before the lock, which is the first thing written into it.
        Context.OutputFolderRules.RefuseInsidePublishFolder(ContextDirectory, PublishDirectory);
        Context.OutputFolderRules.RefuseProjectFolder(ContextDirectory, ProjectFolder);
        Context.OutputFolderFiles.RefuseForeignFiles(new Context.OutputFolder(ContextDirectory));
        Context.OutputFolderRules.RefuseArchiveInsidePublishFolder(ArchiveOutputPath, ProjectFolder ?? Path.GetDirectoryName(Path.GetFullPath(ContextDirectory))!, PublishDirectory);
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

        var mode = new PublishMode(PublishSingleFile, SelfContained, PublishTrimmed, PublishAot);
        var request = new DockerfileRequest
        {
            Spec = input,
            InspectBaseImage = InspectBaseImage,
            InspectBaseImageBestEffort = InspectBaseImageBestEffort,
            BuildImage = BuildImage,
            Builder = Builder,
            RuntimeIdentifier = ContainerRuntimeIdentifier,
            RuntimeIdentifiers = ContainerRuntimeIdentifiers,
            ArchiveOutputPath = ArchiveOutputPath,
            ImageFormat = ContainerImageFormat,
            LocalRegistry = LocalRegistry,
            CacheFrom = Values(CacheFrom),
            BuildArgs = Values(BuildArgs),
            PullPolicy = PullPolicy,
            IdleTimeout = IdleTimeout,
            RegistryRetries = RegistryRetries,
            PublishDirectory = PublishDirectory,
            ReadPublishItems = () => new PublishItems
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
            }.ToInputs(),
            Mode = mode,
            FileModes = FileModes,
            AppFileName = AppFileName,
            WritableDirectories = WritableDirectories.Select(i => new WritableDirectory(i.ItemSpec, i.GetMetadata("Mode"))).ToArray(),
            ContextDirectory = ContextDirectory,
            ProjectName = ProjectName,
            ToolVersion = ToolVersion,
            SourceDateEpoch = Environment.GetEnvironmentVariable(Oci.ReproducibleTime.Variable),
        };
        var services = new DockerfileServices(
            () => EngineFor(Engine.EngineLocator.Candidates(DockerHost, Environment.GetEnvironmentVariable)),
            RegistriesFor,
            CredentialLookup,
            new TaskBuildLog(Log, ProjectFile),
            Cancellation.Token);

        var warnings = new List<Diagnostic>();
        var timings = new StageTimings(nameof(DiamolGenerateDockerfile));
        var result = DockerfileStage.Generate(request, services, warnings, timings);
        Report(warnings);
        ShareStaging(result.Staged);
        timings.Save(request.Output, startsPublish: true);
        ChosenBuilder = result.Builder?.Builder.ToString().ToLowerInvariant() ?? "";

        var staging = result.Staging;
        // Without an image the Dockerfile is the publish's output (and the terminal logger's output line); with one, the
        // history stage prints the line that names the image.
        Log.LogMessage(BuildImage ? MessageImportance.Normal : MessageImportance.High, "{0} -> {1}{2}", ProjectName, staging.DockerfilePath, staging.DockerfileChanged ? "" : " (unchanged)");
        foreach (var layer in result.Manifest.Layers)
        {
            Log.LogMessage(MessageImportance.Normal, "  layer {0}: {1}, {2} bytes", layer.Name, Counted.Of(layer.Files.Count, "file"), layer.Size);
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
        var removed = Pipeline.HistoryStage.SetAsideUnbacked(new Context.OutputFolder(ContextDirectory));
        if (removed.Count > 0)
        {
            Log.LogMessage(MessageImportance.Normal, "No image was made, so the history of the last one is no longer in {0}: removed {1}.",
                ContextDirectory, string.Join(", ", removed.Select(Path.GetFileName)));
        }
    }

    private static string[] Values(ITaskItem[] items) => items.Select(i => i.ItemSpec).ToArray();

    private static NameValue[] Pairs(ITaskItem[] items, string metadata) =>
        items.Select(i => new NameValue(i.ItemSpec, i.GetMetadata(metadata))).ToArray();
}
