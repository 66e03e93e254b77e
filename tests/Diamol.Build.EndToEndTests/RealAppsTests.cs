using System.Net;

namespace Diamol.Build.EndToEndTests;

/// <summary>
/// Apps as people really build them, generated from the SDK's own templates in the test (nothing large committed):
/// each is published under `umask 077` (as on hardened CI agents) and must start as the image's non-root user, must
/// match PublishContainer's configuration and files, and must re-ship only what an edit changed.
///
/// The bound for an edit, on the engine path: at most 1.5 x the published bytes that changed, plus the unchanged
/// files of the layers after the first changed one (the classic builder re-creates every layer after a changed
/// one), plus 100 kB. Every layer before the first changed one must keep its DiffID.
/// </summary>
[TestClass]
public sealed partial class RealAppsTests
{
    [TestMethod]
    public void Web_app_with_a_class_library_and_a_Razor_class_library()
    {
        var project = ConsumerProject.FromTemplates("RealWeb", "Web", t =>
        {
            t.New("webapp", "Web", []);
            t.New("classlib", "Domain", []);
            t.New("razorclasslib", "Ui", []);
            t.Write("Ui/wwwroot/ui.css", ".ui { color: teal; }\n");
            t.Reference("Web", "Domain");
            t.Reference("Web", "Ui");
            // The vendored libraries in a layer of their own, so a CSS edit does not re-ship them.
            t.Edit("Web/Web.csproj", text => text.Replace("</Project>",
                "  <ItemGroup>\n    <Content Update=\"wwwroot/lib/**\" DiamolLayer=\"vendor\" />\n  </ItemGroup>\n</Project>"));
            // Settings readable by their owner only: the publish copies the mode, the app's user is not the owner.
            t.Chmod("Web/appsettings.json", UnixFileMode.UserRead | UnixFileMode.UserWrite);
        });
        using var app = new RealApp(project, TestEnvironment.BaseAspNet);
        app.PublishAndCompareWithSdk();
        var status = ContainerProbe.Get(app.Ours, "/", "/css/site.css", "/_content/Ui/ui.css");
        Assert.IsTrue(status.Values.All(s => s == HttpStatusCode.OK), "the app must serve its page and static files: " + string.Join(", ", status));
        Assert.AreEqual("vendor", app.Current.LayerOfFile["wwwroot/lib/bootstrap/dist/css/bootstrap.min.css"]);
        Assert.AreEqual("vendor", app.Current.LayerOfFile["wwwroot/lib/bootstrap/dist/css/bootstrap.min.css.gz"], "compressed twins follow their original");
        Assert.AreEqual("projects", app.Current.LayerOfFile["wwwroot/_content/Ui/ui.css"]);

        app.EditAndMeasure("one line in the app", t => t.Edit("Web/Program.cs", Line), "app");
        app.EditAndMeasure("one line in a referenced project", t => t.Edit("Domain/Class1.cs", Type), "projects");
        app.EditAndMeasure("one CSS line", t => t.Edit("Web/wwwroot/css/site.css", Css), "static");
    }

    /// <summary>
    /// A Blazor Web App with WebAssembly interactivity (server + .Client), with both builders. The client's runtime-pack
    /// and package files (7 MB of trimmed framework, the runtime, ICU data) sit in the webassembly layer and survive a
    /// client edit; the vendored bootstrap sits in vendor before the site's files; the endpoints manifest alone, late.
    /// A client Razor edit then re-ships at most 1.5 x the changed files + 100 kB with either builder, a CSS edit too
    /// with the OCI builder; with the engine builder a CSS edit also re-creates the later layers (README, What an edit costs).
    /// </summary>
    [TestMethod]
    public void Blazor_WebAssembly_hosted_app()
    {
        var project = ConsumerProject.FromTemplates("RealBlazor", "Shop/Shop", t => t.New("blazor", "Shop", ["--interactivity", "WebAssembly"]));
        using var engine = new RealApp(project, TestEnvironment.BaseAspNet, "docker");
        engine.PublishAndCompareWithSdk();
        AssertServes(engine);
        // The debugger files a package copies from its tools/ folder belong to that package, not to the app.
        var debugger = engine.Current.LayerOfFile.Where(f => f.Key.StartsWith("BlazorDebugProxy/", StringComparison.Ordinal)).ToArray();
        Assert.IsTrue(debugger.Length > 0, "the template's publish should hold BlazorDebugProxy");
        Assert.IsTrue(debugger.All(f => f.Value == "packages"), "debugger files outside the packages layer: " + string.Join(", ", debugger.Where(f => f.Value != "packages")));
        AssertWebAssemblySplit(engine.Current);

        engine.EditAndMeasure("one line in the app", t => t.Edit("Shop/Shop/Program.cs", Line), "app");
        engine.EditAndMeasure("one line in the WebAssembly client (a referenced project)", t => t.Edit(Counter, text => Heading(text, "edited")), "projects",
            withoutCarried: true);
        var css = engine.EditAndMeasure("one CSS line", t => t.Edit("Shop/Shop/wwwroot/app.css", Css), "static");
        Console.WriteLine($"Engine builder, CSS edit: {css.NewBytes - css.ChangedBytes:N0} B beyond the changed files, the re-created later layers");

        // The OCI writer: the same plan, and its layers are independent, so only the layers whose files changed are new.
        using var oci = new RealApp(project, TestEnvironment.BaseAspNet, "oci");
        oci.PublishFirst();
        AssertServes(oci);
        CollectionAssert.AreEqual(ImageInspection.FileLayers(engine.Ours), ImageInspection.FileLayers(oci.Ours), "the two builders split the files differently");
        oci.EditAndMeasure("one line in the WebAssembly client (a referenced project)", t => t.Edit(Counter, text => Heading(text, "edited again")), "projects",
            withoutCarried: true);
        oci.EditAndMeasure("one CSS line", t => t.Edit("Shop/Shop/wwwroot/app.css", Css), "static", withoutCarried: true);
    }

    private const string Counter = "Shop/Shop.Client/Pages/Counter.razor";

    private static string Heading(string razor, string note) =>
        System.Text.RegularExpressions.Regex.Replace(razor, "<h1>Counter[^<]*</h1>", $"<h1>Counter, {note}</h1>");

    private static void AssertServes(RealApp app)
    {
        // A trimmed framework assembly from the webassembly layer, served by its fingerprinted name.
        string coreLib = app.Current.LayerOfFile.Keys.Single(f =>
            f.StartsWith("wwwroot/_framework/System.Private.CoreLib.", StringComparison.Ordinal) && f.EndsWith(".wasm", StringComparison.Ordinal));
        var status = ContainerProbe.Get(app.Ours, "/", "/_framework/blazor.web.js", "/counter", "/" + coreLib["wwwroot/".Length..]);
        Assert.IsTrue(status.Values.All(s => s == HttpStatusCode.OK), "the app must serve its pages, the Blazor script and the client's runtime: " + string.Join(", ", status));
    }

    private static void AssertWebAssemblySplit(PublishSnapshot snapshot)
    {
        string Layer(Func<string, bool> file)
        {
            var layers = snapshot.LayerOfFile.Where(f => file(f.Key)).Select(f => f.Value).Distinct().ToArray();
            Assert.AreEqual(1, layers.Length, "files in several layers: " + string.Join(", ", snapshot.LayerOfFile.Where(f => file(f.Key)).Select(f => $"{f.Key}={f.Value}")));
            return layers[0];
        }

        bool Framework(string f, string start) => f.StartsWith("wwwroot/_framework/" + start, StringComparison.Ordinal);
        Assert.AreEqual("webassembly", Layer(f => Framework(f, "System.Private.CoreLib.")), "the trimmed framework and its .br/.gz");
        Assert.AreEqual("webassembly", Layer(f => Framework(f, "Microsoft.AspNetCore.Components.WebAssembly.")), "a package's assembly");
        Assert.AreEqual("webassembly", Layer(f => Framework(f, "dotnet.native.") || Framework(f, "icudt")), "the runtime and ICU data");
        Assert.AreEqual("projects", Layer(f => Framework(f, "Shop.Client.")), "the client's own assembly");
        Assert.AreEqual("projects", Layer(f => f is "wwwroot/_framework/dotnet.js" or "Shop.Client.dll"), "the boot file and the client's server-side copy");
        Assert.AreEqual("vendor", Layer(f => f.StartsWith("wwwroot/lib/", StringComparison.Ordinal)), "the template's bootstrap");
        Assert.AreEqual("static", Layer(f => f.StartsWith("wwwroot/app.css", StringComparison.Ordinal)));
        Assert.AreEqual("endpoints", Layer(f => f == "Shop.staticwebassets.endpoints.json"));
        CollectionAssert.AreEqual(new[] { "packages", "host", "webassembly", "vendor", "static", "projects", "endpoints", "app" },
            snapshot.OurLayers.Select(l => l.Name).ToArray(), "the layers in change-rate order");
    }

    [TestMethod]
    public void Worker_service()
    {
        var project = ConsumerProject.FromTemplates("RealWorker", "Jobs", t => t.New("worker", "Jobs", []));
        using var app = new RealApp(project, TestEnvironment.BaseRuntime);
        app.PublishAndCompareWithSdk();
        StringAssert.Contains(ContainerProbe.LogUntil(app.Ours, "Worker running at"), "Worker running at");

        app.EditAndMeasure("one line in the app", t => t.Edit("Jobs/Worker.cs", text => text.Replace("await Task.Delay(1000, stoppingToken);",
            "await Task.Delay(999, stoppingToken);")), "app");
    }

    private static string Line(string program) =>
        program.Replace("app.Run();", "app.Logger.LogInformation(\"Started by the real-apps test\");\napp.Run();");

    private static string Type(string code) => code.Replace("public class Class1", "public class Added\n{\n}\n\npublic class Class1");

    private static string Css(string css) => css + "\n.edited-by-the-test { color: teal; }\n";

    /// <summary>One app under test: its image, the SDK's image of it, and the last snapshot.</summary>
    private sealed class RealApp : IDisposable
    {
        private readonly ConsumerProject _project;
        private readonly string _baseImage;
        private readonly string _sdks;
        private readonly string? _builder;

        /// <param name="builder">DiamolBuilder (docker, oci), or null for the default.</param>
        public RealApp(ConsumerProject project, string baseImage, string? builder = null)
        {
            _project = project;
            _project.Umask = "077";
            _baseImage = baseImage;
            _builder = builder;
            string id = Guid.NewGuid().ToString("N")[..8];
            Ours = $"diamol-real/{project.Name.ToLowerInvariant()}-ours{(builder is null ? "" : "-" + builder)}-{id}:latest";
            _sdks = $"diamol-real/{project.Name.ToLowerInvariant()}-sdk-{id}:latest";
        }

        public string Ours { get; }
        public PublishSnapshot Current { get; private set; } = null!;

        public void PublishAndCompareWithSdk()
        {
            Publish("first publish");
            _project.PublishContainerWithSdk($"ContainerBaseImage={_baseImage}", $"ContainerRepository={_sdks.Split(':')[0]}").EnsureSuccess("PublishContainer");
            ImageParity.AssertSameConfigAndFiles(Ours, _sdks);
            Current = PublishSnapshot.Take(_project, Ours);
        }

        /// <summary>A publish to start measuring from, without the SDK's image (another RealApp compared it).</summary>
        public void PublishFirst()
        {
            Publish("first publish");
            Current = PublishSnapshot.Take(_project, Ours);
        }

        /// <param name="withoutCarried">Whether the new layers must stay within 1.5 x the changed files + 100 kB, carrying no unchanged layer.</param>
        public LayerChange EditAndMeasure(string edit, Action<TemplateFolder> change, string firstChangedLayer, bool withoutCarried = false)
        {
            change(_project.Templates!);
            Publish(edit);
            var after = PublishSnapshot.Take(_project, Ours);
            var cost = LayerChange.Between(Current, after);
            Console.WriteLine($"{_project.Name} ({_builder ?? "default"} builder), {edit}: {cost}");
            Assert.IsTrue(cost.ChangedBytes > 0, $"{edit}: no published file changed");
            var expected = cost.ExpectedNewLayers(after);
            Assert.AreEqual(firstChangedLayer, expected.FirstOrDefault(), $"{edit}: the first changed layer: {cost}");
            var early = cost.NewLayers.Except(expected).ToArray();
            Assert.AreEqual(0, early.Length, $"{edit}: layers before the first changed one were re-created: {string.Join(", ", early)}; {cost}");
            Assert.IsTrue(cost.NewBytes <= cost.Bound, $"{edit}: new layers exceed the bound: {cost}");
            if (withoutCarried) Assert.IsTrue(cost.NewBytes <= cost.ChangedBound, $"{edit}: new layers exceed 1.5 x the changed files + 100 kB: {cost}");
            Current = after;
            return cost;
        }

        /// <summary>The output of our last publish (its warnings).</summary>
        public string LastOutput { get; private set; } = "";

        private void Publish(string what)
        {
            var result = _project.Publish([$"ContainerBaseImage={_baseImage}", $"ContainerRepository={Ours.Split(':')[0]}", .. _builder is null ? [] : new[] { $"DiamolBuilder={_builder}" }]);
            result.EnsureSuccess($"Diamol.Build publish ({what}{(_builder is null ? "" : ", " + _builder + " builder")})");
            LastOutput = result.All;
        }

        public void Dispose() => ImageInspection.RemoveImages(Ours, _sdks);
    }
}
