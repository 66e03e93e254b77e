using Diamol.Build.Diagnostics;
using Diamol.Build.Engine;
using Diamol.Build.Layers;
using Diamol.Build.Pipeline;
using Diamol.Build.Tests.Spec;

namespace Diamol.Build.Tests.Pipeline;

/// <summary>
/// The Dockerfile stage as a publish runs it (DockerfileStage.Generate): the decisions the task used to take itself,
/// the builder and the base-image policy, made from the request, with the engine and registries behind fakes.
/// </summary>
[TestClass]
public sealed class DockerfileGenerateTests
{
    private string _root = "";
    private int _engineAsks;
    private readonly ListBuildLog _log = new();

    [TestInitialize]
    public void Create() => _root = Directory.CreateTempSubdirectory("diamol-generate-").FullName;

    [TestCleanup]
    public void Delete() => Directory.Delete(_root, recursive: true);

    private string Context => Path.Combine(_root, "container");

    private DockerfileRequest Request()
    {
        string publish = Path.Combine(_root, "publish");
        Directory.CreateDirectory(publish);
        File.WriteAllText(Path.Combine(publish, "WebPing.dll"), "app");
        return new DockerfileRequest
        {
            Spec = ContainerSpecFactoryTests.Valid,
            PublishDirectory = publish,
            ReadPublishItems = () => new PublishInputs { Files = [new PublishedItem("WebPing.dll", Path.Combine(publish, "WebPing.dll"))] },
            ContextDirectory = Context,
            ProjectName = "WebPing",
            ToolVersion = "1.0.0",
        };
    }

    private DockerfileServices Services(IEngineSource engine) => new(
        () =>
        {
            _engineAsks++;
            return engine;
        },
        (_, _) => throw new DiamolException(DiagnosticCode.DIAM3001, "no registry answers here."),
        // Nobody is logged in anywhere: the engine is asked with no login.
        () => new Diamol.Build.Credentials.CredentialLookup(_ => null, _ => null, _root),
        _log,
        default);

    private sealed class NoEngine : IEngineSource
    {
        public Task<IContainerEngine> ConnectAsync(CancellationToken cancellationToken) =>
            throw new DiamolException(DiagnosticCode.DIAM3001, "no engine answers here.");
    }

    [TestMethod]
    public void An_archive_is_made_by_the_OCI_writer_without_asking_the_engine_and_the_choice_is_logged()
    {
        var warnings = new List<Diagnostic>();
        var result = DockerfileStage.Generate(Request() with { ArchiveOutputPath = "image.tar.gz" }, Services(new NoEngine()), warnings, new StageTimings("test"));

        Assert.AreEqual(Builder.Oci, result.Builder!.Builder);
        Assert.AreEqual(0, _engineAsks);
        CollectionAssert.Contains(_log.Lines, "WebPing: OCI builder (the project sets ContainerArchiveOutputPath: made by the OCI writer, no engine needed)");
        Assert.IsTrue(File.Exists(Path.Combine(Context, "Dockerfile")));
        Assert.AreEqual(0, warnings.Count);
    }

    [TestMethod]
    public void A_Dockerfile_only_publish_that_reaches_neither_engine_nor_registry_is_written_without_the_base_image_with_DIAM2011()
    {
        var request = Request() with { BuildImage = false, InspectBaseImageBestEffort = true };
        var result = DockerfileStage.Generate(request, Services(new NoEngine()), new List<Diagnostic>(), new StageTimings("test"));

        Assert.IsNull(result.Builder);
        var warning = _log.Warnings.Single();
        Assert.AreEqual(DiagnosticCode.DIAM2011, warning.Code);
        StringAssert.Contains(warning.Message, "no engine answers here. / no registry answers here.");
        Assert.IsTrue(File.Exists(Path.Combine(Context, "Dockerfile")));
    }

    [TestMethod]
    public void Settings_no_builder_can_honour_together_are_refused_before_anything_is_written()
    {
        var request = Request() with { BuildArgs = ["VERSION"], RuntimeIdentifiers = "linux-x64;linux-arm64" };
        var e = Assert.ThrowsExactly<DiamolException>(() => DockerfileStage.Generate(request, Services(new NoEngine()), new List<Diagnostic>(), new StageTimings("test")));

        Assert.AreEqual(DiagnosticCode.DIAM1015, e.Code);
        StringAssert.Contains(e.Message, "DiamolBuildArg");
        StringAssert.Contains(e.Message, "several ContainerRuntimeIdentifiers");
        Assert.IsFalse(Directory.Exists(Context));
    }
}
