using System.IO.Compression;
using System.Text.Json;
using System.Xml.Linq;

namespace Diamol.Build.EndToEndTests;

/// <summary>`dotnet pack` at the repository root yields exactly the one package, complete and self-contained.</summary>
[TestClass]
public sealed class PackageTests
{
    [TestMethod]
    public void Pack_at_the_root_produces_one_complete_package()
    {
        string tree = RepositoryCopy.To(Path.Combine(TestEnvironment.WorkRoot, "pack-tree"));
        string output = Path.Combine(TestEnvironment.WorkRoot, "pack-root");
        string version = TestEnvironment.PackageVersion + ".root";
        ProcessRunner.Run("dotnet", ["pack", "-c", "Release", "-o", output, $"-p:Version={version}", "-nodeReuse:false"],
            tree, TestEnvironment.DotnetEnvironment, TimeSpan.FromMinutes(8)).EnsureSuccess("dotnet pack at the root");

        var files = Directory.GetFiles(output).Select(Path.GetFileName).ToArray();
        CollectionAssert.AreEqual(new[] { $"Diamol.Build.{version}.nupkg" }, files);

        using var package = ZipFile.OpenRead(Path.Combine(output, files[0]!));
        var entries = package.Entries.Select(e => e.FullName).ToArray();
        foreach (string expected in new[]
                 {
                     "README.md", "build/Diamol.Build.props", "build/Diamol.Build.targets", "schema/image-history.schema.json",
                     "tasks/net8.0/Diamol.Build.Tasks.dll", "tasks/net8.0/Docker.DotNet.dll", "tasks/net8.0/Docker.DotNet.Unix.dll",
                 })
        {
            CollectionAssert.Contains(entries, expected);
        }

        // MSBuild's own assemblies come from the MSBuild that loads the tasks; shipping them would clash.
        Assert.IsFalse(entries.Any(e => Path.GetFileName(e).StartsWith("Microsoft.Build", StringComparison.Ordinal)), string.Join("\n", entries));
        Assert.IsFalse(entries.Any(e => e.StartsWith("lib/", StringComparison.Ordinal)), "a tools package has no lib/");
        AssertTasksFolderIsAccountedFor(package);

        using var nuspecStream = package.GetEntry("Diamol.Build.nuspec")!.Open();
        var nuspec = XDocument.Load(nuspecStream);
        XNamespace ns = nuspec.Root!.Name.Namespace;
        var metadata = nuspec.Root.Element(ns + "metadata")!;
        Assert.AreEqual("MIT", metadata.Element(ns + "license")!.Value);
        Assert.AreEqual("expression", metadata.Element(ns + "license")!.Attribute("type")!.Value);
        Assert.AreEqual("README.md", metadata.Element(ns + "readme")!.Value);
        Assert.IsTrue(metadata.Element(ns + "description")!.Value.Length > 40);
        Assert.AreEqual("true", metadata.Element(ns + "developmentDependency")!.Value);
        Assert.IsFalse(metadata.Descendants(ns + "dependency").Any(), "consumers get everything in one package");
    }

    /// <summary>The package the other end-to-end tests use (packed from src/Sdk), checked the same way.</summary>
    [TestMethod]
    public void The_tasks_folder_holds_our_assemblies_and_their_dependencies_as_the_deps_json_lists_them()
    {
        using var package = ZipFile.OpenRead(Path.Combine(TestEnvironment.Feed, $"Diamol.Build.{TestEnvironment.PackageVersion}.nupkg"));
        AssertTasksFolderIsAccountedFor(package);
    }

    /// <summary>
    /// MSBuild (in process, or in Visual Studio's .NET task host) loads the task assembly with its deps.json: each
    /// runtime asset it lists is looked up there, so tasks/net8.0 holds exactly Diamol.Build.Tasks and the runtime
    /// assets of its dependencies, all listed; nothing MSBuild or the .NET runtime brings itself.
    /// </summary>
    private static void AssertTasksFolderIsAccountedFor(ZipArchive package)
    {
        const string folder = "tasks/net8.0/";
        var shipped = package.Entries.Where(e => e.FullName.StartsWith(folder, StringComparison.Ordinal))
            .Select(e => e.FullName[folder.Length..]).ToArray();
        string listing = string.Join("\n", shipped);
        CollectionAssert.Contains(shipped, "Diamol.Build.Tasks.deps.json", listing);
        Assert.IsFalse(shipped.Any(f => f.Contains('/')), "no subfolders (no RID-specific or satellite assets): " + listing);

        using var stream = package.GetEntry(folder + "Diamol.Build.Tasks.deps.json")!.Open();
        using var deps = JsonDocument.Parse(stream);
        string target = deps.RootElement.GetProperty("runtimeTarget").GetProperty("name").GetString()!;
        Assert.AreEqual(".NETCoreApp,Version=v8.0", target);
        var libraries = deps.RootElement.GetProperty("targets").GetProperty(target).EnumerateObject().ToDictionary(l => l.Name.Split('/')[0], l => l.Value);
        var runtimeAssets = libraries.Values
            .SelectMany(l => l.TryGetProperty("runtime", out var runtime) ? runtime.EnumerateObject().Select(a => Path.GetFileName(a.Name)) : [])
            .ToArray();
        string listed = string.Join(", ", runtimeAssets);

        // Ours and our dependencies, by name.
        foreach (string library in new[] { "Diamol.Build.Tasks", "Docker.DotNet.Enhanced" }) Assert.IsTrue(libraries.ContainsKey(library), library + " in deps.json");
        foreach (string asset in new[] { "Diamol.Build.Tasks.dll", "Docker.DotNet.dll", "Docker.DotNet.Unix.dll", "Docker.DotNet.NPipe.dll" }) CollectionAssert.Contains(runtimeAssets, asset, listed);
        // MSBuild's own assemblies: compile-time only, neither listed nor shipped.
        Assert.IsFalse(libraries.Keys.Any(l => l.StartsWith("Microsoft.Build", StringComparison.Ordinal)), "deps.json lists no MSBuild package: " + string.Join(", ", libraries.Keys));

        // Every assembly shipped is listed, and every listed one is shipped.
        string[] assemblies = shipped.Where(f => f.EndsWith(".dll", StringComparison.Ordinal)).ToArray();
        CollectionAssert.AreEquivalent(runtimeAssets, assemblies, $"shipped: {string.Join(", ", assemblies)}; listed: {listed}");
        Assert.IsTrue(shipped.All(f => f.EndsWith(".dll", StringComparison.Ordinal) || f == "Diamol.Build.Tasks.deps.json"), "only assemblies and the deps.json: " + listing);

        // Nothing the runtime or MSBuild brings: no assembly of .NET 8's shared framework (the oldest runtime that loads
        // the tasks), none of MSBuild's own.
        string[] framework = Net8FrameworkAssemblies();
        string[] theirs = assemblies.Where(a => framework.Contains(Path.GetFileNameWithoutExtension(a), StringComparer.OrdinalIgnoreCase)
                                                || a.StartsWith("Microsoft.Build", StringComparison.Ordinal) || a == "MSBuild.dll").ToArray();
        CollectionAssert.AreEqual(Array.Empty<string>(), theirs, "assemblies the runtime or MSBuild provides");
    }

    /// <summary>The assembly names of Microsoft.NETCore.App 8.0, from its targeting pack's FrameworkList.xml, which the net8.0 build restored.</summary>
    private static string[] Net8FrameworkAssemblies()
    {
        string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        string? list = new[] { TestEnvironment.PackagesFolder, Environment.GetEnvironmentVariable("NUGET_PACKAGES"), Path.Combine(home, ".nuget", "packages") }
            .Where(p => !string.IsNullOrEmpty(p) && Directory.Exists(Path.Combine(p!, "microsoft.netcore.app.ref")))
            .SelectMany(p => Directory.GetDirectories(Path.Combine(p!, "microsoft.netcore.app.ref"), "8.0.*"))
            .Select(d => Path.Combine(d, "data", "FrameworkList.xml"))
            .FirstOrDefault(File.Exists);
        Assert.IsNotNull(list, "the .NET 8 targeting pack (microsoft.netcore.app.ref 8.0.x), which building the net8.0 task assembly restores, was not found");
        string[] names = XDocument.Load(list).Descendants("File").Select(f => (string)f.Attribute("AssemblyName")!).ToArray();
        Assert.IsTrue(names.Length > 100 && names.Contains("System.Text.Json"), list);
        return names;
    }
}
