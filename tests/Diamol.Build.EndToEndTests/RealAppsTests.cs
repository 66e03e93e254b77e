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

    [TestMethod]
    public void Blazor_WebAssembly_hosted_app()
    {
        var project = ConsumerProject.FromTemplates("RealBlazor", "Shop/Shop", t => t.New("blazor", "Shop", ["--interactivity", "WebAssembly"]));
        using var app = new RealApp(project, TestEnvironment.BaseAspNet);
        app.PublishAndCompareWithSdk();
        var status = ContainerProbe.Get(app.Ours, "/", "/_framework/blazor.web.js", "/counter");
        Assert.IsTrue(status.Values.All(s => s == HttpStatusCode.OK), "the app must serve its pages and the Blazor script: " + string.Join(", ", status));
        // The debugger files a package copies from its tools/ folder belong to that package, not to the app.
        var debugger = app.Current.LayerOfFile.Where(f => f.Key.StartsWith("BlazorDebugProxy/", StringComparison.Ordinal)).ToArray();
        Assert.IsTrue(debugger.Length > 0, "the template's publish should hold BlazorDebugProxy");
        Assert.IsTrue(debugger.All(f => f.Value == "packages"), "debugger files outside the packages layer: " + string.Join(", ", debugger.Where(f => f.Value != "packages")));

        app.EditAndMeasure("one line in the app", t => t.Edit("Shop/Shop/Program.cs", Line), "app");
        app.EditAndMeasure("one line in the WebAssembly client (a referenced project)",
            t => t.Edit("Shop/Shop.Client/Pages/Counter.razor", text => text.Replace("<h1>Counter</h1>", "<h1>Counter, edited</h1>")), "projects");
        app.EditAndMeasure("one CSS line", t => t.Edit("Shop/Shop/wwwroot/app.css", Css), "static");
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

        public RealApp(ConsumerProject project, string baseImage)
        {
            _project = project;
            _project.Umask = "077";
            _baseImage = baseImage;
            string id = Guid.NewGuid().ToString("N")[..8];
            Ours = $"diamol-real/{project.Name.ToLowerInvariant()}-ours-{id}:latest";
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

        public void EditAndMeasure(string edit, Action<TemplateFolder> change, string firstChangedLayer)
        {
            change(_project.Templates!);
            Publish(edit);
            var after = PublishSnapshot.Take(_project, Ours);
            var cost = LayerChange.Between(Current, after);
            Console.WriteLine($"{_project.Name}, {edit}: {cost}");
            Assert.IsTrue(cost.ChangedBytes > 0, $"{edit}: no published file changed");
            var expected = cost.ExpectedNewLayers(after);
            Assert.AreEqual(firstChangedLayer, expected.FirstOrDefault(), $"{edit}: the first changed layer: {cost}");
            var early = cost.NewLayers.Except(expected).ToArray();
            Assert.AreEqual(0, early.Length, $"{edit}: layers before the first changed one were re-created: {string.Join(", ", early)}; {cost}");
            Assert.IsTrue(cost.NewBytes <= cost.Bound, $"{edit}: new layers exceed the bound: {cost}");
            Current = after;
        }

        /// <summary>The output of our last publish (its warnings).</summary>
        public string LastOutput { get; private set; } = "";

        private void Publish(string what)
        {
            var result = _project.Publish($"ContainerBaseImage={_baseImage}", $"ContainerRepository={Ours.Split(':')[0]}");
            result.EnsureSuccess($"Diamol.Build publish ({what})");
            LastOutput = result.All;
        }

        public void Dispose() => ImageInspection.RemoveImages(Ours, _sdks);
    }
}
