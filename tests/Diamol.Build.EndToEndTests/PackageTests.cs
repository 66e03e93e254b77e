using System.IO.Compression;
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
}
