using System.Text.Json;
using Diamol.Build.Tests.Sbom;

namespace Diamol.Build.EndToEndTests;

/// <summary>
/// The SBOMs of a real publish of an app with several packages (a licence expression, a prerelease, a native library
/// pulled in by a bundle): both valid, and the same packages and versions as two independent generators find, the
/// CycloneDX .NET tool (from the project's restore) and Microsoft's sbom-tool (from the publish folder), both
/// installed by eng/provision/sbom.sh and run offline.
/// </summary>
[TestClass]
public sealed class SbomTests
{
    private static string Tools => Path.Combine(Environment.GetEnvironmentVariable("DIAMOL_SBOM_DIR") ?? "/var/cache/diamol-test/sbom", "tools");

    [TestMethod]
    public void The_SBOMs_of_a_publish_are_valid_and_list_what_independent_generators_list()
    {
        var project = ConsumerProject.NewConsole("SbomApp");
        File.WriteAllText(Path.Combine(project.Directory, "Program.cs"),
            "System.Console.WriteLine(Newtonsoft.Json.JsonConvert.SerializeObject(new { ok = true }) + typeof(System.CommandLine.RootCommand));\n" +
            "SQLitePCL.Batteries_V2.Init();\n");
        project.AddToProject("""
              <ItemGroup>
                <PackageReference Include="Newtonsoft.Json" Version="13.0.3" />
                <PackageReference Include="System.CommandLine" Version="2.0.0-beta4.22272.1" />
                <PackageReference Include="SQLitePCLRaw.bundle_e_sqlite3" Version="2.1.10" />
              </ItemGroup>

            """);
        string repository = "diamol-sbom/app-" + Guid.NewGuid().ToString("N")[..8];
        try
        {
            project.PublishWith(new Dictionary<string, string?> { ["SOURCE_DATE_EPOCH"] = "1700000000" },
                $"ContainerBaseImage={TestEnvironment.BaseRuntime}", $"ContainerRepository={repository}", "DiamolBuilder=oci").EnsureSuccess("publish");
            byte[] spdx = File.ReadAllBytes(Path.Combine(project.ContainerFolder, "sbom.spdx.json"));
            byte[] cdx = File.ReadAllBytes(Path.Combine(project.ContainerFolder, "sbom.cdx.json"));
            var cdxViolations = SbomSchemas.CycloneDxViolations(cdx);
            Assert.AreEqual(0, cdxViolations.Count, string.Join("\n", cdxViolations));
            var spdxViolations = SbomSchemas.SpdxViolations(spdx);
            Assert.AreEqual(0, spdxViolations.Count, string.Join("\n", spdxViolations));

            string[] expected =
            [
                "Newtonsoft.Json@13.0.3", "SQLitePCLRaw.bundle_e_sqlite3@2.1.10", "SQLitePCLRaw.core@2.1.10",
                // The bundle asks for lib.e_sqlite3 2.1.10; the feed has 2.1.11 nearest, which restore took (NU1603).
                "SQLitePCLRaw.lib.e_sqlite3@" + AssetsVersion(project, "SQLitePCLRaw.lib.e_sqlite3"),
                "SQLitePCLRaw.provider.e_sqlite3@2.1.10", "System.CommandLine@2.0.0-beta4.22272.1",
            ];
            CollectionAssert.AreEquivalent(expected, NuGetPurls(cdx, "components", "purl"), "our CycloneDX packages");
            CollectionAssert.AreEquivalent(expected, SpdxPurls(spdx), "our SPDX packages");
            // The CycloneDX tool lists every restored package: Diamol.Build too, a build-only package (nothing of it is
            // published), which it marks "excluded"; ours leaves it out, as the image does not hold it.
            var tool = CycloneDxTool(project);
            CollectionAssert.AreEquivalent(expected, tool.Where(p => p.Scope != "excluded").Select(p => p.Package).ToArray(), "the CycloneDX .NET tool's packages");
            CollectionAssert.AreEqual(new[] { "Diamol.Build@" + TestEnvironment.PackageVersion },
                tool.Where(p => p.Scope == "excluded").Select(p => p.Package).ToArray(), "the tool's one excluded package");
            // sbom-tool too reads the restore (its component detection) and lists Diamol.Build, without a scope to tell it apart.
            var sbomTool = SbomTool(project);
            CollectionAssert.AreEquivalent(expected, sbomTool.Where(p => !p.StartsWith("Diamol.Build@", StringComparison.Ordinal)).ToArray(), "sbom-tool's packages");
            CollectionAssert.AreEqual(new[] { "Diamol.Build@" + TestEnvironment.PackageVersion }, sbomTool.Except(expected).ToArray(), "sbom-tool's one more package");

            using var doc = JsonDocument.Parse(cdx);
            var components = doc.RootElement.GetProperty("components").EnumerateArray().ToArray();
            var native = components.Single(c => c.GetProperty("name").GetString() == "SQLitePCLRaw.lib.e_sqlite3");
            Assert.AreEqual("Apache-2.0", native.GetProperty("licenses")[0].GetProperty("expression").GetString());
            // A portable publish keeps the native library under runtimes/<rid>/native/, a file of the package it came from.
            var so = components.Single(c => c.GetProperty("type").GetString() == "file"
                && c.GetProperty("name").GetString() == "/app/runtimes/linux-x64/native/libe_sqlite3.so");
            Assert.IsTrue(so.GetProperty("properties").EnumerateArray().Any(p => p.GetProperty("name").GetString() == "diamol:package"
                && p.GetProperty("value").GetString() == "SQLitePCLRaw.lib.e_sqlite3"), "the native library's file belongs to its package");
            var baseImage = components.Single(c => c.GetProperty("bom-ref").GetString() == "base-image");
            StringAssert.StartsWith(baseImage.GetProperty("purl").GetString(), "pkg:oci/runtime@sha256%3A", "the base image, pinned by its digest");
            Assert.AreEqual("2023-11-14T22:13:20Z", doc.RootElement.GetProperty("metadata").GetProperty("timestamp").GetString());
            string runtime = components.Single(c => c.GetProperty("type").GetString() == "framework").GetProperty("name").GetString()!;
            Assert.AreEqual("Microsoft.NETCore.App", runtime, "the base image's runtime, from its DOTNET_VERSION");

            // DiamolSbom=false writes none, and takes away those of the publish before.
            project.Publish($"ContainerBaseImage={TestEnvironment.BaseRuntime}", $"ContainerRepository={repository}", "DiamolBuilder=oci", "DiamolSbom=false")
                .EnsureSuccess("publish without SBOM");
            Assert.IsFalse(File.Exists(Path.Combine(project.ContainerFolder, "sbom.spdx.json")));
            Assert.IsFalse(File.Exists(Path.Combine(project.ContainerFolder, "sbom.cdx.json")));
            var refused = project.Publish($"ContainerBaseImage={TestEnvironment.BaseRuntime}", $"ContainerRepository={repository}", "DiamolBuilder=oci", "DiamolSbom=swid");
            Assert.AreNotEqual(0, refused.ExitCode);
            StringAssert.Contains(refused.Output, "DIAM1025");
            StringAssert.Contains(refused.Output, "DiamolSbom has the value 'swid'");
        }
        finally
        {
            ProcessRunner.Docker("image", "rm", "-f", repository + ":latest");
        }
    }

    private static string AssetsVersion(ConsumerProject project, string id)
    {
        using var assets = JsonDocument.Parse(File.ReadAllText(Path.Combine(project.Directory, "obj", "project.assets.json")));
        return assets.RootElement.GetProperty("libraries").EnumerateObject().Select(l => l.Name.Split('/'))
            .Single(n => n[0].Equals(id, StringComparison.OrdinalIgnoreCase))[1];
    }

    // pkg:nuget/Id@Version as Id@Version.
    private static string[] NuGetPurls(byte[] json, string array, string field)
    {
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.GetProperty(array).EnumerateArray().Where(c => c.TryGetProperty(field, out _))
            .Select(c => c.GetProperty(field).GetString()!).Where(p => p.StartsWith("pkg:nuget/", StringComparison.Ordinal))
            .Select(p => Uri.UnescapeDataString(p["pkg:nuget/".Length..])).ToArray();
    }

    private static string[] SpdxPurls(byte[] json)
    {
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.GetProperty("packages").EnumerateArray()
            .SelectMany(p => p.TryGetProperty("externalRefs", out var refs) ? refs.EnumerateArray().ToArray() : [])
            .Where(r => r.GetProperty("referenceType").GetString() == "purl")
            .Select(r => r.GetProperty("referenceLocator").GetString()!).Where(p => p.StartsWith("pkg:nuget/", StringComparison.Ordinal))
            .Select(p => Uri.UnescapeDataString(p["pkg:nuget/".Length..])).ToArray();
    }

    // The CycloneDX .NET tool reads the project's restore (it lists every restored package, in the image or not), with its scope.
    private static (string Package, string? Scope)[] CycloneDxTool(ConsumerProject project)
    {
        string output = Path.Combine(project.Directory, "cyclonedx-tool");
        ProcessRunner.Run(Path.Combine(Tools, "dotnet-CycloneDX"), [project.ProjectFile, "-o", output, "-F", "Json"], project.Directory,
            TestEnvironment.DotnetEnvironment, TimeSpan.FromMinutes(5)).EnsureSuccess("dotnet-CycloneDX");
        using var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(output, "bom.json")));
        return doc.RootElement.GetProperty("components").EnumerateArray()
            .Select(c => (Uri.UnescapeDataString(c.GetProperty("purl").GetString()!["pkg:nuget/".Length..]),
                c.TryGetProperty("scope", out var scope) ? scope.GetString() : null))
            .ToArray();
    }

    // sbom-tool reads the publish folder and the project's restore; it is built for .NET 8, this machine has 10.
    private static string[] SbomTool(ConsumerProject project)
    {
        string output = Path.Combine(project.Directory, "sbom-tool");
        Directory.CreateDirectory(output);
        var environment = TestEnvironment.DotnetEnvironment.ToDictionary();
        environment["DOTNET_ROLL_FORWARD"] = "Major";
        ProcessRunner.Run(Path.Combine(Tools, "sbom-tool"),
            ["generate", "-b", project.PublishFolder, "-bc", project.Directory, "-pn", project.Name, "-pv", "1.0.0", "-ps", "Diamol",
             "-nsb", "https://example.invalid/sbom", "-m", output],
            project.Directory, environment, TimeSpan.FromMinutes(5)).EnsureSuccess("sbom-tool");
        return SpdxPurls(File.ReadAllBytes(Path.Combine(output, "_manifest", "spdx_2.2", "manifest.spdx.json")));
    }
}
