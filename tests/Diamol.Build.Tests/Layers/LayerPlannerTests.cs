using Diamol.Build.Diagnostics;
using Diamol.Build.Layers;

namespace Diamol.Build.Tests.Layers;

[TestClass]
public sealed class LayerPlannerTests : TempFolderTest
{
    private PublishedFile File(string relative, int size, string? package = null, string? version = null, bool project = false, bool isStatic = false, string? custom = null, bool host = false)
    {
        string path = Path.Combine(Root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        System.IO.File.WriteAllBytes(path, new byte[size]);
        return new PublishedFile(path, relative, package, version, project, isStatic, custom, host);
    }

    [TestMethod]
    public void Files_go_to_layers_ordered_from_stable_to_volatile()
    {
        var files = new[]
        {
            File("App.dll", 10),
            File("wwwroot/site.css", 3, isStatic: true),
            File("Lib.dll", 5, project: true),
            File("Preview.dll", 7, "Preview", "2.0.0-beta.1"),
            File("Newtonsoft.Json.dll", 20, "Newtonsoft.Json", "13.0.3"),
            File("data/big.bin", 8, custom: "data"),
            File("App.deps.json", 2, host: true),
        };

        var plan = LayerPlanner.Plan(files);

        CollectionAssert.AreEqual(new[] { "packages", "prerelease", "host", "data", "static", "projects", "app" }, plan.Layers.Select(l => l.Name).ToArray());
        Assert.AreEqual(20, plan.Layers[0].Size);
        Assert.AreEqual("wwwroot/site.css", plan.Layers[4].Files.Single().RelativePath);
    }

    [TestMethod]
    public void A_WebAssembly_clients_runtime_vendored_files_and_the_endpoints_manifest_have_layers_of_their_own_in_change_rate_order()
    {
        var files = new[]
        {
            File("App.dll", 10),
            File("wwwroot/app.css", 3, isStatic: true),
            File("wwwroot/_framework/Client.abc.wasm", 5, project: true),
            // A trimmed framework assembly the client took from its runtime pack: webassembly, not packages.
            File("wwwroot/_framework/System.Private.CoreLib.def.wasm", 40, "Microsoft.NETCore.App.Runtime.Mono.browser-wasm", "10.0.12") with { FromWebAssemblyPackage = true },
            File("wwwroot/_framework/Microsoft.JSInterop.ghi.wasm", 6, project: true) with { FromWebAssemblyPackage = true },
            File("wwwroot/lib/bootstrap.css", 30, isStatic: true) with { IsVendor = true },
            File("wwwroot/lib/client.js", 4, project: true) with { IsVendor = true },
            File("App.staticwebassets.endpoints.json", 9) with { IsEndpointsManifest = true },
            File("data/model.bin", 8, custom: "model"),
            File("extra/lib.css", 2, isStatic: true, custom: "vendor"),
            File("Newtonsoft.Json.dll", 20, "Newtonsoft.Json", "13.0.3"),
            File("App.deps.json", 2, host: true),
        };

        var plan = LayerPlanner.Plan(files);

        CollectionAssert.AreEqual(new[] { "packages", "host", "webassembly", "model", "vendor", "static", "projects", "endpoints", "app" },
            plan.Layers.Select(l => l.Name).ToArray());
        var byName = plan.Layers.ToDictionary(l => l.Name);
        Assert.AreEqual(LayerKind.Webassembly, byName["webassembly"].Kind);
        Assert.AreEqual(46, byName["webassembly"].Size);
        CollectionAssert.AreEqual(new[] { "extra/lib.css", "wwwroot/lib/bootstrap.css", "wwwroot/lib/client.js" },
            byName["vendor"].Files.Select(f => f.RelativePath).ToArray(), "DiamolLayer=\"vendor\" names the built-in vendor layer");
        Assert.AreEqual(LayerKind.Vendor, byName["vendor"].Kind);
        Assert.AreEqual(LayerKind.Endpoints, byName["endpoints"].Kind);
    }

    [TestMethod]
    public void Every_layer_kind_has_a_place_in_the_written_order()
    {
        var positions = Enum.GetValues<LayerKind>().Select(LayerOrder.Of).ToArray();
        Assert.AreEqual(positions.Length, positions.Distinct().Count());
        Assert.AreEqual(positions.Max(), LayerOrder.Of(LayerKind.App), "the app's layer is the last");
    }

    [TestMethod]
    public void The_plan_does_not_depend_on_enumeration_order()
    {
        var files = Enumerable.Range(0, 30).Select(i => File($"f{i:00}.dll", i, i % 3 == 0 ? "P" + i : null, "1.0.0")).ToArray();
        var forward = LayerPlanner.Plan(files);
        var shuffled = LayerPlanner.Plan(files.OrderBy(f => f.RelativePath.GetHashCode()).Reverse());
        Assert.AreEqual(string.Join("\n", Describe(forward)), string.Join("\n", Describe(shuffled)));
    }

    [TestMethod]
    public void A_file_listed_twice_lands_once_in_the_more_specific_layer()
    {
        var asPackage = File("x.dll", 4, "X", "1.0.0");
        var plan = LayerPlanner.Plan([asPackage with { PackageId = null }, asPackage]);
        Assert.AreEqual(1, plan.AllFiles.Count());
        Assert.AreEqual(LayerKind.Packages, plan.Layers.Single().Kind);
    }

    [TestMethod]
    public void Empty_layers_are_left_out_and_a_backslash_is_this_systems_separator_only_on_Windows()
    {
        var plan = LayerPlanner.Plan([File("sub/a.dll", 1) with { RelativePath = "sub\\a.dll" }]);
        Assert.AreEqual("app", plan.Layers.Single().Name);
        // On Linux "sub\a.dll" is one file of that name in the publish folder, as PublishContainer keeps it.
        Assert.AreEqual(OperatingSystem.IsWindows() ? "sub/a.dll" : "sub\\a.dll", plan.Layers.Single().Files.Single().RelativePath);
    }

    [TestMethod]
    public void A_name_that_is_not_UTF8_is_refused_with_the_reason_not_as_missing()
    {
        var e = Assert.ThrowsExactly<DiamolException>(() => LayerPlanner.Plan([File("ok.dll", 1) with { SourcePath = "/nonexistent/caf\uFFFD.txt", RelativePath = "caf\uFFFD.txt" }]));
        Assert.AreEqual(DiagnosticCode.DIAM2024, e.Code);
        StringAssert.Contains(e.Message, "not valid UTF-8");
    }

    [TestMethod]
    public void A_colon_in_a_file_name_is_an_ordinary_character()
    {
        var plan = LayerPlanner.Plan([File("ok.dll", 1) with { RelativePath = "data/10:30 report.txt" }]);
        Assert.AreEqual("data/10:30 report.txt", plan.Layers.Single().Files.Single().RelativePath);
    }

    [TestMethod]
    [DataRow("../escape.dll")]
    [DataRow("a/./b.dll")]
    [DataRow("C:/windows/evil.dll")]
    public void Paths_that_leave_the_publish_folder_are_refused(string relative)
    {
        var e = Assert.ThrowsExactly<DiamolException>(() => LayerPlanner.Plan([File("ok.dll", 1) with { RelativePath = relative }]));
        Assert.AreEqual(DiagnosticCode.DIAM2001, e.Code);
    }

    [TestMethod]
    public void Bad_custom_layer_names_and_missing_files_are_refused()
    {
        Assert.AreEqual(DiagnosticCode.DIAM2001,
            Assert.ThrowsExactly<DiamolException>(() => LayerPlanner.Plan([File("a.dll", 1, custom: "Bad Name")])).Code);
        StringAssert.Contains(Assert.ThrowsExactly<DiamolException>(() => LayerPlanner.Plan([File("b.dll", 1, custom: "app")])).Message, "built-in");
        StringAssert.Contains(Assert.ThrowsExactly<DiamolException>(() => LayerPlanner.Plan([File("c.dll", 1, custom: "webassembly")])).Message, "endpoints");
        Assert.AreEqual(DiagnosticCode.DIAM2001,
            Assert.ThrowsExactly<DiamolException>(() => LayerPlanner.Plan([File("d.dll", 1, custom: "endpoints")])).Code);
        var missing = new PublishedFile(Path.Combine(Root, "gone.dll"), "gone.dll");
        StringAssert.Contains(Assert.ThrowsExactly<DiamolException>(() => LayerPlanner.Plan([missing])).Message, "gone.dll");
    }

    [TestMethod]
    public void Many_files_are_stat_ed_in_parallel_with_the_same_sizes_and_modes_and_the_first_missing_one_named()
    {
        var files = Enumerable.Range(0, 3 * Diamol.Build.Common.ParallelFileWork.ParallelFrom).Select(i => File($"f{i:d4}.dll", i % 17)).ToArray();
        if (!OperatingSystem.IsWindows())
        {
            System.IO.File.SetUnixFileMode(files[7].SourcePath, (UnixFileMode)0b111_101_101);
            // A link's own mode is 0777; the image takes its target's.
            System.IO.File.CreateSymbolicLink(Path.Combine(Root, "link.dll"), files[8].SourcePath);
            files = [.. files, new PublishedFile(Path.Combine(Root, "link.dll"), "link.dll")];
        }

        var plan = LayerPlanner.Plan(files);

        var planned = plan.Layers.Single().Files.ToDictionary(f => f.RelativePath);
        foreach (var file in files) Assert.AreEqual(new FileInfo(file.SourcePath).Length, planned[file.RelativePath].Size, file.RelativePath);
        if (!OperatingSystem.IsWindows())
        {
            Assert.AreEqual(ImageFileModes.Executable, planned["f0007.dll"].Mode);
            Assert.AreEqual(ImageFileModes.RegularFile, planned["f0008.dll"].Mode);
            Assert.AreEqual(ImageFileModes.RegularFile, planned["link.dll"].Mode);
        }

        System.IO.File.Delete(files[300].SourcePath);
        System.IO.File.Delete(files[100].SourcePath);
        StringAssert.Contains(Assert.ThrowsExactly<DiamolException>(() => LayerPlanner.Plan(files)).Message, "'f0100.dll'");
    }

    private static IEnumerable<string> Describe(LayerPlan plan) =>
        plan.Layers.SelectMany(l => l.Files.Select(f => $"{l.Name}:{f.RelativePath}:{f.Size}"));
}
