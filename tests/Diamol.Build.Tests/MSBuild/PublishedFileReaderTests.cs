using Diamol.Build.Diagnostics;
using Diamol.Build.Layers;
using Diamol.Build.MSBuild;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace Diamol.Build.Tests.MSBuild;

/// <summary>Classification by origin, with items shaped as the .NET 10 SDK gives them (read off real publishes).</summary>
[TestClass]
public sealed class PublishedFileReaderTests : TempFolderTest
{
    private string Publish => Path.Combine(Root, "web", "bin", "publish");
    private string NuGet => Path.Combine(Root, "nuget");

    private string Write(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, path);
        return path;
    }

    private ITaskItem Item(string source, params (string Name, string Value)[] metadata)
    {
        var item = new TaskItem(Write(source));
        foreach (var (name, value) in metadata) item.SetMetadata(name, value);
        return item;
    }

    /// <summary>Reads, then plans: the layer each published path lands in.</summary>
    private Dictionary<string, string> Layers(PublishItems items, out List<Diagnostic> warnings)
    {
        Directory.CreateDirectory(Publish);
        var reader = new PublishedFileClassifier((items with { PackageFolders = [NuGet + "/"], ProjectPackageId = "web" }).ToInputs());
        var plan = LayerPlanner.Plan(reader.Classify(Publish));
        warnings = reader.UnusedLayerWarnings().ToList();
        return plan.Layers.SelectMany(l => l.Files.Select(f => (f.RelativePath, l.Name))).ToDictionary(p => p.RelativePath, p => p.Name);
    }

    [TestMethod]
    public void Every_file_below_a_package_folder_goes_to_the_packages_layer_and_follows_DiamolLayer_on_its_PackageReference()
    {
        // BlazorDebugProxy: copied by the package's build targets from tools/, with no NuGetPackageId, a backslash RelativePath.
        var proxy = Item($"{NuGet}/microsoft.aspnetcore.components.webassembly.server/10.0.12/build/../tools/BlazorDebugProxy/BrowserDebugHost.dll",
            ("RelativePath", "BlazorDebugProxy\\BrowserDebugHost.dll"));
        var lib = Item($"{NuGet}/microsoft.aspnetcore.components.webassembly.server/10.0.12/lib/net10.0/Server.dll",
            ("RelativePath", "Server.dll"), ("NuGetPackageId", "Microsoft.AspNetCore.Components.WebAssembly.Server"), ("NuGetPackageVersion", "10.0.12"));
        var preview = Item($"{NuGet}/some.preview/2.0.0-beta.1/content/data.txt", ("RelativePath", "data.txt"));
        var app = Item($"{Root}/web/obj/web.dll", ("RelativePath", "web.dll"));

        var plain = Layers(new PublishItems { Files = [proxy, lib, preview, app] }, out _);
        Assert.AreEqual("packages", plain["BlazorDebugProxy/BrowserDebugHost.dll"]);
        Assert.AreEqual("packages", plain["Server.dll"]);
        Assert.AreEqual("prerelease", plain["data.txt"]);
        Assert.AreEqual("app", plain["web.dll"]);

        var reference = new TaskItem("Microsoft.AspNetCore.Components.WebAssembly.Server");
        reference.SetMetadata("DiamolLayer", "blazor-server");
        var moved = Layers(new PublishItems { Files = [proxy, lib, preview, app], PackageReferences = [reference] }, out var warnings);
        Assert.AreEqual("blazor-server", moved["BlazorDebugProxy/BrowserDebugHost.dll"]);
        Assert.AreEqual("blazor-server", moved["Server.dll"]);
        Assert.AreEqual(0, warnings.Count);
    }

    [TestMethod]
    public void Static_web_assets_are_classified_by_origin_and_compressed_twins_follow_their_original()
    {
        string css = $"{Root}/web/wwwroot/css/site.css";
        string vendor = $"{Root}/web/wwwroot/lib/vendor.js";
        string rcl = $"{Root}/rcl/wwwroot/rcl.css";
        string blazorWeb = $"{NuGet}/microsoft.aspnetcore.app.internal.assets/10.0.12/_framework/blazor.web.js";
        string native = $"{Root}/client/bin/wwwroot/_framework/dotnet.native.abc.wasm";
        ITaskItem Asset(string source, string target, string sourceType, string sourceId, string role = "Primary", string related = "", string original = "") =>
            Item(source, ("TargetPath", target), ("SourceType", sourceType), ("SourceId", sourceId), ("AssetRole", role), ("RelatedAsset", related), ("OriginalItemSpec", original));
        var assets = new[]
        {
            Asset(css, "wwwroot/css/site.css", "Discovered", "web"),
            Asset($"{Root}/web/obj/compressed/x-{{0}}-1.gz", "wwwroot/css/site.css.gz", "Discovered", "web", "Alternative", css),
            Asset(vendor, "wwwroot/lib/vendor.js", "Discovered", "web"),
            Asset($"{Root}/web/obj/compressed/publish/y-{{0}}-2.br", "wwwroot/lib/vendor.js.br", "Discovered", "web", "Alternative", vendor),
            Asset(rcl, "wwwroot/_content/rcl/rcl.css", "Project", "rcl"),
            Asset($"{Root}/rcl/obj/compressed/z.gz", "wwwroot/_content/rcl/rcl.css.gz", "Project", "rcl", "Alternative", rcl),
            Asset(blazorWeb, "wwwroot/_framework/blazor.web.js", "Discovered", "web"),
            Asset(native, "wwwroot/_framework/dotnet.native.abc.wasm", "Project", "client",
                original: Write($"{NuGet}/microsoft.netcore.app.runtime.mono.browser-wasm/10.0.12/runtimes/browser-wasm/native/dotnet.native.wasm")),
            Asset($"{NuGet}/some.rcl/1.0.0/staticwebassets/x.js", "wwwroot/_content/Some.Rcl/x.js", "Package", "Some.Rcl"),
        };
        // What _DiamolCaptureLayeredContent keeps of <Content Update="wwwroot/lib/**" DiamolLayer="vendor" />.
        var captured = new TaskItem(vendor);
        captured.SetMetadata("DiamolLayer", "vendor");
        var unused = new TaskItem($"{Root}/web/wwwroot/lib/missing.js");
        unused.SetMetadata("DiamolLayer", "vendor");
        Write(Path.Combine(Publish, "web.staticwebassets.endpoints.json"));
        Write(Path.Combine(Publish, "web.config"));
        // A fingerprinted file an earlier publish left behind: no page references it.
        Write(Path.Combine(Publish, "wwwroot", "_framework", "client.oldprint.wasm"));

        var layers = Layers(new PublishItems { StaticWebAssets = assets, Content = [captured, unused] }, out var warnings);
        Assert.IsFalse(layers.ContainsKey("wwwroot/_framework/client.oldprint.wasm"), "a leftover of an earlier publish is not part of the image");
        Assert.AreEqual("host", layers["web.config"], "files no item names are still published");

        Assert.AreEqual("static", layers["wwwroot/css/site.css"]);
        Assert.AreEqual("static", layers["wwwroot/css/site.css.gz"]);
        Assert.AreEqual("vendor", layers["wwwroot/lib/vendor.js"]);
        Assert.AreEqual("vendor", layers["wwwroot/lib/vendor.js.br"]);
        Assert.AreEqual("projects", layers["wwwroot/_content/rcl/rcl.css"]);
        Assert.AreEqual("projects", layers["wwwroot/_content/rcl/rcl.css.gz"]);
        Assert.AreEqual("packages", layers["wwwroot/_framework/blazor.web.js"]);
        Assert.AreEqual("packages", layers["wwwroot/_framework/dotnet.native.abc.wasm"]);
        Assert.AreEqual("packages", layers["wwwroot/_content/Some.Rcl/x.js"]);
        Assert.AreEqual("endpoints", layers["web.staticwebassets.endpoints.json"], "with a referenced project's assets, the endpoints manifest has a late layer of its own");

        var warning = warnings.Single();
        Assert.AreEqual(DiagnosticCode.DIAM2005, warning.Code);
        StringAssert.Contains(warning.Message, "DiamolLayer 'vendor'");
        StringAssert.Contains(warning.Message, "missing.js");
    }

    /// <summary>
    /// A hosted Blazor WebAssembly client as the .NET 10 SDK publishes it: its assemblies converted to webcil in its
    /// obj/ folder, with no package metadata left; its native runtime files copied out of the runtime pack; its
    /// ReferenceCopyLocalPaths (the origins) saying which assemblies came from the runtime pack or a package.
    /// </summary>
    [TestMethod]
    public void A_WebAssembly_clients_runtime_and_package_files_go_to_the_webassembly_layer_by_origin_its_own_files_with_the_projects()
    {
        string webcil = $"{Root}/client/obj/Release/net10.0/webcil/publish";
        string clientOut = $"{Root}/client/bin/Release/net10.0/wwwroot/_framework";
        string pack = $"{NuGet}/microsoft.netcore.app.runtime.mono.browser-wasm/10.0.12/runtimes/browser-wasm";
        ITaskItem Asset(string source, string target, string trait, string traitValue, string sourceType = "Project", string sourceId = "Client",
            string role = "Primary", string related = "", string original = "", string relativePath = "") =>
            Item(source, ("TargetPath", target), ("SourceType", sourceType), ("SourceId", sourceId), ("AssetRole", role), ("RelatedAsset", related),
                ("OriginalItemSpec", original), ("AssetTraitName", trait), ("AssetTraitValue", traitValue), ("RelativePath", relativePath));
        ITaskItem Origin(string path, string destination, string package) =>
            Item(path, ("DestinationSubPath", destination), ("NuGetPackageId", package), ("NuGetPackageVersion", "10.0.12"));

        string coreLib = $"{webcil}/System.Private.CoreLib.wasm";
        string components = $"{webcil}/Microsoft.AspNetCore.Components.wasm";
        string own = $"{webcil}/Client.wasm";
        string shared = $"{webcil}/Shared.wasm";
        string satellite = $"{webcil}/de/Microsoft.Extensions.Validation.resources.wasm";
        string nativeWasm = $"{clientOut}/dotnet.native.rw4kynp763.wasm";
        string icu = $"{clientOut}/icudt_CJK.tjcz0u77k5.dat";
        string workloadIcu = $"{clientOut}/icudt_EFIGS.tptq2av103.dat";
        string workloadPack = $"{Root}/dotnet/packs/Microsoft.NETCore.App.Runtime.Mono.browser-wasm/10.0.12/runtimes/browser-wasm/native/icudt_EFIGS.dat";
        var assets = new[]
        {
            Asset(coreLib, "wwwroot/_framework/System.Private.CoreLib.m0et09rbnz.wasm", "WasmResource", "runtime", original: coreLib),
            Asset($"{Root}/client/obj/compressed/publish/n-{{0}}-m0et09rbnz.br", "wwwroot/_framework/System.Private.CoreLib.m0et09rbnz.wasm.br",
                "Content-Encoding", "br", role: "Alternative", related: coreLib),
            Asset(components, "wwwroot/_framework/Microsoft.AspNetCore.Components.abc.wasm", "WasmResource", "runtime", original: components),
            Asset(own, "wwwroot/_framework/Client.ku0apjlzcp.wasm", "WasmResource", "runtime", original: own),
            Asset($"{Root}/client/obj/compressed/publish/p-{{0}}-ku0apjlzcp.gz", "wwwroot/_framework/Client.ku0apjlzcp.wasm.gz",
                "Content-Encoding", "gzip", role: "Alternative", related: own),
            Asset(shared, "wwwroot/_framework/Shared.xyz.wasm", "WasmResource", "runtime", original: shared),
            Asset(satellite, "wwwroot/_framework/de/Microsoft.Extensions.Validation.resources.q1.wasm", "Culture", "de", original: satellite),
            Asset(nativeWasm, "wwwroot/_framework/dotnet.native.rw4kynp763.wasm", "WasmResource", "native", original: Write($"{pack}/native/dotnet.native.wasm")),
            Asset(icu, "wwwroot/_framework/icudt_CJK.tjcz0u77k5.dat", "WasmResource", "native", original: Write($"{pack}/native/icudt_CJK.dat")),
            // A runtime pack that a workload installed, outside every NuGet package folder: the origins name it.
            Asset(workloadIcu, "wwwroot/_framework/icudt_EFIGS.tptq2av103.dat", "WasmResource", "native", original: Write(workloadPack)),
            Asset($"{Root}/client/obj/Release/net10.0/publish.dotnet.js", "wwwroot/_framework/dotnet.js", "WasmResource", "manifest"),
            Asset($"{Root}/client/wwwroot/lib/chart.js", "wwwroot/lib/chart.js", "", "", relativePath: "lib/chart#[.{fingerprint}]?.js"),
            Asset($"{Root}/client/wwwroot/client.css", "wwwroot/client.css", "", "", relativePath: "client#[.{fingerprint}]?.css"),
            Asset($"{Root}/web/wwwroot/lib/bootstrap/bootstrap.min.css", "wwwroot/lib/bootstrap/bootstrap.min.css", "", "", "Discovered", "web",
                relativePath: "lib/bootstrap/bootstrap.min#[.{fingerprint}]?.css"),
            Asset($"{Root}/web/wwwroot/app.css", "wwwroot/app.css", "", "", "Discovered", "web", relativePath: "app#[.{fingerprint}]?.css"),
        };
        var origins = new[]
        {
            Origin($"{pack}/lib/net10.0/System.Private.CoreLib.dll", "System.Private.CoreLib.dll", "Microsoft.NETCore.App.Runtime.Mono.browser-wasm"),
            Origin($"{NuGet}/microsoft.aspnetcore.components/10.0.12/lib/net10.0/Microsoft.AspNetCore.Components.dll", "Microsoft.AspNetCore.Components.dll", "Microsoft.AspNetCore.Components"),
            Origin($"{NuGet}/microsoft.extensions.validation/10.0.12/lib/net10.0/de/Microsoft.Extensions.Validation.resources.dll",
                "de/Microsoft.Extensions.Validation.resources.dll", "Microsoft.Extensions.Validation"),
            Origin(workloadPack, "icudt_EFIGS.dat", "Microsoft.NETCore.App.Runtime.Mono.browser-wasm"),
            // The client's own project reference is copied locally too, with no package: it stays with the projects.
            Item($"{Root}/shared/bin/Shared.dll", ("DestinationSubPath", "Shared.dll"), ("ReferenceSourceTarget", "ProjectReference")),
        };
        Write(Path.Combine(Publish, "web.staticwebassets.endpoints.json"));

        var layers = Layers(new PublishItems { StaticWebAssets = assets, WebAssemblyOrigins = origins }, out _);

        foreach (string runtime in new[] { "System.Private.CoreLib.m0et09rbnz.wasm", "System.Private.CoreLib.m0et09rbnz.wasm.br", "Microsoft.AspNetCore.Components.abc.wasm",
                     "de/Microsoft.Extensions.Validation.resources.q1.wasm", "dotnet.native.rw4kynp763.wasm", "icudt_CJK.tjcz0u77k5.dat", "icudt_EFIGS.tptq2av103.dat" })
        {
            Assert.AreEqual("webassembly", layers["wwwroot/_framework/" + runtime], runtime);
        }

        foreach (string ownFile in new[] { "Client.ku0apjlzcp.wasm", "Client.ku0apjlzcp.wasm.gz", "Shared.xyz.wasm", "dotnet.js" })
        {
            Assert.AreEqual("projects", layers["wwwroot/_framework/" + ownFile], ownFile);
        }

        Assert.AreEqual("projects", layers["wwwroot/client.css"]);
        Assert.AreEqual("vendor", layers["wwwroot/lib/chart.js"], "the client's wwwroot/lib");
        Assert.AreEqual("vendor", layers["wwwroot/lib/bootstrap/bootstrap.min.css"], "the server's wwwroot/lib");
        Assert.AreEqual("static", layers["wwwroot/app.css"]);
        Assert.AreEqual("endpoints", layers["web.staticwebassets.endpoints.json"]);

        // Without the origins (an SDK whose client does not answer), the assemblies stay with the client, as before.
        var unknown = Layers(new PublishItems { StaticWebAssets = assets }, out _);
        Assert.AreEqual("projects", unknown["wwwroot/_framework/System.Private.CoreLib.m0et09rbnz.wasm"]);
        Assert.AreEqual("webassembly", unknown["wwwroot/_framework/dotnet.native.rw4kynp763.wasm"], "a native file copied out of a pack in a package folder says so itself");
    }

    [TestMethod]
    public void The_endpoints_manifest_of_a_site_without_referenced_assets_stays_with_the_sites_files()
    {
        var css = Item($"{Root}/web/wwwroot/app.css", ("TargetPath", "wwwroot/app.css"), ("SourceType", "Discovered"), ("SourceId", "web"), ("AssetRole", "Primary"));
        Write(Path.Combine(Publish, "web.staticwebassets.endpoints.json"));
        var layers = Layers(new PublishItems { StaticWebAssets = [css] }, out _);
        Assert.AreEqual("static", layers["web.staticwebassets.endpoints.json"]);
    }

    [TestMethod]
    public void A_single_file_bundle_is_the_app_not_the_host()
    {
        var bundle = Item($"{Root}/web/obj/web", ("RelativePath", "web"), ("IsKeyOutput", "True"));
        var deps = Item($"{Root}/web/obj/web.deps.json", ("RelativePath", "web.deps.json"));
        Assert.AreEqual("host", Layers(new PublishItems { Files = [bundle, deps] }, out _)["web"]);
        var single = Layers(new PublishItems { Files = [bundle, deps], Mode = new PublishMode(SingleFile: true) }, out _);
        Assert.AreEqual("app", single["web"]);
        Assert.AreEqual("host", single["web.deps.json"]);
    }

    [TestMethod]
    public void A_link_to_a_file_inside_the_publish_folder_gives_that_files_bytes()
    {
        if (OperatingSystem.IsWindows()) return;
        Directory.CreateDirectory(Publish);
        string real = Write(Path.Combine(Publish, "real.dll"));
        File.CreateSymbolicLink(Path.Combine(Publish, "alias.dll"), "real.dll");
        var files = new PublishedFileClassifier(new PublishItems { PackageFolders = [NuGet + "/"] }.ToInputs()).Classify(Publish);
        Assert.AreEqual(Path.GetFullPath(real), files.Single(f => f.RelativePath == "alias.dll").SourcePath);
    }

    [TestMethod]
    [DataRow("outside", DisplayName = "a file outside the folder")]
    [DataRow("folder", DisplayName = "a folder outside")]
    [DataRow("loop", DisplayName = "a loop")]
    [DataRow("dangling", DisplayName = "nothing")]
    public void A_link_that_would_let_a_host_file_in_is_refused_with_its_name_and_target(string kind)
    {
        if (OperatingSystem.IsWindows()) return;
        Directory.CreateDirectory(Publish);
        string secret = Write(Path.Combine(Root, "outside", "id_rsa"));
        string link = Path.Combine(Publish, "leak");
        switch (kind)
        {
            case "outside": File.CreateSymbolicLink(link, secret); break;
            case "folder": Directory.CreateSymbolicLink(link, Path.GetDirectoryName(secret)!); break;
            case "loop":
                File.CreateSymbolicLink(link, Path.Combine(Publish, "other"));
                File.CreateSymbolicLink(Path.Combine(Publish, "other"), link);
                break;
            default: File.CreateSymbolicLink(link, Path.Combine(Publish, "missing")); break;
        }

        var e = Assert.ThrowsExactly<DiamolException>(() => new PublishedFileClassifier(new PublishItems { PackageFolders = [NuGet + "/"] }.ToInputs()).Classify(Publish));
        Assert.AreEqual(DiagnosticCode.DIAM2007, e.Code);
        StringAssert.Contains(e.Message, "'leak'");
    }

    [TestMethod]
    public void A_link_to_a_folder_inside_the_publish_folder_is_refused_as_a_folder_not_as_dangling()
    {
        if (OperatingSystem.IsWindows()) return;
        Write(Path.Combine(Publish, "assets", "a.txt"));
        Directory.CreateSymbolicLink(Path.Combine(Publish, "static"), "assets");

        var e = Assert.ThrowsExactly<DiamolException>(() => new PublishedFileClassifier(new PublishItems { PackageFolders = [NuGet + "/"] }.ToInputs()).Classify(Publish));
        Assert.AreEqual(DiagnosticCode.DIAM2007, e.Code);
        StringAssert.Contains(e.Message, "names a folder");
        Assert.IsFalse(e.Message.Contains("points at nothing", StringComparison.Ordinal), e.Message);
    }

    [TestMethod]
    public void Without_symbols_in_the_publish_an_earlier_publishs_symbols_stay_out_of_the_image()
    {
        var app = Item($"{Root}/web/obj/web.dll", ("RelativePath", "web.dll"));
        Write(Path.Combine(Publish, "web.pdb"));
        Write(Path.Combine(Publish, "web.dbg"));
        Write(Path.Combine(Publish, "notes.txt"));

        var with = Layers(new PublishItems { Files = [app] }, out _);
        Assert.IsTrue(with.ContainsKey("web.pdb") && with.ContainsKey("web.dbg"), "with symbols published, the folder's are this publish's (AOT's .dbg has no item)");
        var without = Layers(new PublishItems { Files = [app], CopySymbols = false }, out _);
        Assert.IsFalse(without.ContainsKey("web.pdb") || without.ContainsKey("web.dbg"), "CopyOutputSymbolsToPublishDirectory=false: they are an earlier publish's");
        Assert.IsTrue(without.ContainsKey("notes.txt"), "other files no item names still go in");
    }
}
