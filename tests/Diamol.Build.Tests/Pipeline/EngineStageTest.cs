using Diamol.Build.Context;
using Diamol.Build.Diagnostics;
using Diamol.Build.Engine;
using Diamol.Build.Layers;
using Diamol.Build.Pipeline;
using Diamol.Build.Spec;
using Diamol.Build.Tests.Spec;

namespace Diamol.Build.Tests.Pipeline;

/// <summary>
/// What the engine build's tests start from: a temp folder for the publish output and the staged context, a fake
/// engine that has the base image, and a log.
/// </summary>
public abstract class EngineStageTest : TempFolderTest
{
    protected const string BaseImage = "localhost:5000/dotnet/runtime:10.0";
    protected string _context = "";
    internal FakeContainerEngine _engine = null!;
    internal ListBuildLog _log = null!;

    [TestInitialize]
    public void Create()
    {
        _context = Path.Combine(Root, "container");
        _engine = new FakeContainerEngine();
        _engine.Add("sha256:" + new string('b', 64), BaseImage);
        _log = new ListBuildLog();
    }

    /// <summary>Writes the files into the publish folder and stages the context from them, as a publish does.</summary>
    private protected StagedContext Stage(ContainerSpecInput? input, params (string RelativePath, string Content, bool IsHost)[] files)
    {
        string publish = Path.Combine(Root, "publish");
        Directory.CreateDirectory(publish);
        foreach (var file in files) File.WriteAllText(Path.Combine(publish, file.RelativePath), file.Content);
        // As DiamolGenerateDockerfile makes them with no DiamolFileModes and no AppFileName.
        var layerOptions = new LayerOptions(ImageFileModes.ParsePolicy(null), new PublishMode(), "WebPing");
        return DockerfileStage.Run(input ?? ContainerSpecFactoryTests.Valid, null,
            files.Select(f => new PublishedFile(Path.Combine(publish, f.RelativePath), f.RelativePath, IsHost: f.IsHost)).ToArray(),
            layerOptions, Folder, "WebPing", "1.0.0", new List<Diagnostic>()).Staged;
    }

    /// <summary>The output folder the context is staged in.</summary>
    private protected OutputFolder Folder => new(_context);

    /// <summary>What a stage works from: <paramref name="staged"/> while it describes the folder, else the folder itself.</summary>
    private protected OutputFolderState State(StagedContext? staged = null) => OutputFolderState.Of(Folder, staged);

    private protected Task<BuildRecord> Run(BuildOptions? options = null, CancellationToken cancellationToken = default) =>
        BuildStage.RunAsync(State(), _engine, options ?? new BuildOptions(new Dictionary<string, string>(), [], PullPolicy.Missing), _log, cancellationToken);
}
