using System.Text;
using System.Text.Json;
using Diamol.Build.Diagnostics;
using Diamol.Build.Sbom;
using Diamol.Build.Spec;

namespace Diamol.Build.Tests.Sbom;

/// <summary>
/// The SBOM of a published app with several packages, written as SPDX 2.3 and CycloneDX 1.6: valid against the
/// published schema (CycloneDX) and the spec's rules (SPDX), the packages the image holds and only those, with
/// their hashes, purls, licences and layers, and the same bytes for the same inputs.
/// </summary>
[TestClass]
public sealed class SbomWriterTests : TempFolderTest
{
    private (SbomInventory Inventory, IReadOnlyList<Diagnostic> Warnings) Build(SbomFixture? fixture = null, string? epoch = "1700000000",
        IReadOnlyList<string>? env = null) =>
        SbomInventoryBuilder.Build((fixture ?? new SbomFixture(Root)).Request(epoch, env));

    [TestMethod]
    public void The_CycloneDX_document_is_valid_against_the_published_1_6_schema()
    {
        var violations = SbomSchemas.CycloneDxViolations(CycloneDxWriter.Write(Build().Inventory));
        Assert.AreEqual(0, violations.Count, string.Join("\n", violations));
    }

    [TestMethod]
    public void The_SPDX_document_keeps_the_2_3_rules()
    {
        var violations = SbomSchemas.SpdxViolations(SpdxWriter.Write(Build().Inventory));
        Assert.AreEqual(0, violations.Count, string.Join("\n", violations));
    }

    [TestMethod]
    public void The_checks_see_a_broken_document()
    {
        // The validators are no rubber stamps: a document missing what each format requires fails them.
        var cdx = Encoding.UTF8.GetString(CycloneDxWriter.Write(Build().Inventory)).Replace("\"bomFormat\": \"CycloneDX\"", "\"bomFormat\": \"Other\"");
        Assert.AreNotEqual(0, SbomSchemas.CycloneDxViolations(Encoding.UTF8.GetBytes(cdx)).Count);
        var spdx = Encoding.UTF8.GetString(SpdxWriter.Write(Build().Inventory)).Replace("\"algorithm\": \"SHA1\"", "\"algorithm\": \"SHA3\"");
        Assert.IsTrue(SbomSchemas.SpdxViolations(Encoding.UTF8.GetBytes(spdx)).Any(e => e.Contains("no SHA1", StringComparison.Ordinal)));
    }

    [TestMethod]
    public void Only_the_packages_with_files_in_the_image_are_listed_with_their_hash_licence_and_layer()
    {
        using var cdx = JsonDocument.Parse(CycloneDxWriter.Write(Build().Inventory));
        var libraries = cdx.RootElement.GetProperty("components").EnumerateArray().Where(c => c.GetProperty("type").GetString() == "library")
            .ToDictionary(c => c.GetProperty("name").GetString()!);
        // The analyzer and the reference-only provider.meta ship no file; Lib is the project reference.
        CollectionAssert.AreEquivalent(
            new[] { "Lib", "Newtonsoft.Json", "SQLitePCLRaw.bundle_e_sqlite3", "SQLitePCLRaw.lib.e_sqlite3", "System.CommandLine" }, libraries.Keys.ToArray());
        var json = libraries["Newtonsoft.Json"];
        Assert.AreEqual("pkg:nuget/Newtonsoft.Json@13.0.3", json.GetProperty("purl").GetString());
        Assert.AreEqual("MIT", json.GetProperty("licenses")[0].GetProperty("expression").GetString());
        Assert.AreEqual("SHA-512", json.GetProperty("hashes")[0].GetProperty("alg").GetString());
        Assert.AreEqual(Convert.ToHexString(Convert.FromBase64String(
            "HrC5BXdl00IP9zeV+0Z848QWPAoCr9P3bDEZguI+gkLcBKAOxix/tLEAAHC+UvDNPv4a2d18lOReHMOagPa+zQ==")).ToLowerInvariant(),
            json.GetProperty("hashes")[0].GetProperty("content").GetString());
        Assert.AreEqual("packages", Property(json, "diamol:layer"));
        var prerelease = libraries["System.CommandLine"];
        Assert.AreEqual("pkg:nuget/System.CommandLine@2.0.0-beta4.22272.1", prerelease.GetProperty("purl").GetString());
        Assert.AreEqual("prerelease", Property(prerelease, "diamol:layer"));
        Assert.AreEqual("Apache-2.0", libraries["SQLitePCLRaw.lib.e_sqlite3"].GetProperty("licenses")[0].GetProperty("expression").GetString());
        Assert.AreEqual("2.1.11", libraries["SQLitePCLRaw.lib.e_sqlite3"].GetProperty("version").GetString(), "the version restore resolved, not the one asked for");
        Assert.IsFalse(libraries["Lib"].TryGetProperty("purl", out _), "a project is in no feed: no purl");
        Assert.AreEqual("projects", Property(libraries["Lib"], "diamol:layer"));
    }

    [TestMethod]
    public void Dependencies_reach_through_packages_that_ship_nothing()
    {
        var inventory = Build().Inventory;
        var bundle = inventory.Packages.Single(p => p.Id == "SQLitePCLRaw.bundle_e_sqlite3");
        // bundle -> provider.meta (no file) -> Newtonsoft.Json: the edge goes to Newtonsoft.Json.
        CollectionAssert.AreEqual(new[] { "Newtonsoft.Json", "SQLitePCLRaw.lib.e_sqlite3" }, bundle.Dependencies.ToArray());
        CollectionAssert.AreEqual(new[] { "Lib", "Microsoft.NETCore.App", "Newtonsoft.Json", "SQLitePCLRaw.bundle_e_sqlite3", "System.CommandLine" },
            inventory.App.Dependencies.ToArray(), "the app's direct dependencies in the image, and the runtime; not the analyzer");
        using var spdx = JsonDocument.Parse(SpdxWriter.Write(inventory));
        var relationships = spdx.RootElement.GetProperty("relationships").EnumerateArray()
            .Select(r => $"{r.GetProperty("spdxElementId").GetString()} {r.GetProperty("relationshipType").GetString()} {r.GetProperty("relatedSpdxElement").GetString()}")
            .ToArray();
        CollectionAssert.Contains(relationships, "SPDXRef-DOCUMENT DESCRIBES SPDXRef-Image");
        CollectionAssert.Contains(relationships, "SPDXRef-Image DESCENDANT_OF SPDXRef-BaseImage");
        CollectionAssert.Contains(relationships, "SPDXRef-Image CONTAINS SPDXRef-Package-Newtonsoft.Json-13.0.3");
        CollectionAssert.Contains(relationships, "SPDXRef-BaseImage CONTAINS SPDXRef-Runtime-Microsoft.NETCore.App");
        CollectionAssert.Contains(relationships, "SPDXRef-Package-SQLitePCLRaw.bundle-e-sqlite3-2.1.10 DEPENDS_ON SPDXRef-Package-Newtonsoft.Json-13.0.3");
        CollectionAssert.Contains(relationships, "SPDXRef-App-App DEPENDS_ON SPDXRef-Project-Lib");
    }

    [TestMethod]
    public void Every_file_of_our_layers_is_listed_with_its_digests_and_owner()
    {
        var fixture = new SbomFixture(Root);
        var inventory = Build(fixture).Inventory;
        Assert.AreEqual(fixture.Files().Count, inventory.Files.Count);
        var so = inventory.Files.Single(f => f.Path == "/app/libe_sqlite3.so");
        byte[] content = File.ReadAllBytes(Path.Combine(fixture.Publish, "libe_sqlite3.so"));
        Assert.AreEqual(Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(content)).ToLowerInvariant(), so.Sha256);
        Assert.AreEqual("SQLitePCLRaw.lib.e_sqlite3", so.Owner);
        Assert.IsNull(inventory.Files.Single(f => f.Path == "/app/App.dll").Owner, "the app's own file");
        Assert.AreEqual("Lib", inventory.Files.Single(f => f.Path == "/app/Lib.dll").Owner, "found by its runtime asset's name");
    }

    [TestMethod]
    public void A_known_SHA256_is_taken_as_given_and_the_SHA1_is_computed()
    {
        var fixture = new SbomFixture(Root);
        var request = fixture.Request();
        string given = "sha256:" + new string('b', 64);
        request = request with { Files = request.Files.Select(f => f with { Sha256 = given }).ToArray() };
        var file = SbomInventoryBuilder.Build(request).Inventory.Files[0];
        Assert.AreEqual(new string('b', 64), file.Sha256);
        Assert.AreEqual(40, file.Sha1.Length);
    }

    [TestMethod]
    public void The_same_inputs_give_the_same_bytes_and_the_identity_follows_the_content()
    {
        var fixture = new SbomFixture(Root);
        byte[] spdx = SpdxWriter.Write(Build(fixture).Inventory), cdx = CycloneDxWriter.Write(Build(fixture).Inventory);
        CollectionAssert.AreEqual(spdx, SpdxWriter.Write(Build(fixture).Inventory));
        CollectionAssert.AreEqual(cdx, CycloneDxWriter.Write(Build(fixture).Inventory));
        Assert.IsFalse(spdx.Contains((byte)'\r'));

        using var doc = JsonDocument.Parse(cdx);
        Assert.AreEqual("2023-11-14T22:13:20Z", doc.RootElement.GetProperty("metadata").GetProperty("timestamp").GetString(), "SOURCE_DATE_EPOCH");
        string serial = doc.RootElement.GetProperty("serialNumber").GetString()!;
        using var other = JsonDocument.Parse(CycloneDxWriter.Write(Build(fixture, epoch: "1700000001").Inventory));
        Assert.AreNotEqual(serial, other.RootElement.GetProperty("serialNumber").GetString(), "another document, another serial number");
        using var unset = JsonDocument.Parse(SpdxWriter.Write(Build(fixture, epoch: null).Inventory));
        Assert.AreEqual("1970-01-01T00:00:01Z", unset.RootElement.GetProperty("creationInfo").GetProperty("created").GetString(), "the fixed epoch");
    }

    [TestMethod]
    public void The_base_image_is_a_pinned_oci_purl_and_its_runtime_comes_from_its_environment()
    {
        var inventory = Build(env: ["DOTNET_VERSION=10.0.1", "ASPNET_VERSION=10.0.1"]).Inventory;
        Assert.AreEqual("pkg:oci/runtime@sha256%3A" + new string('a', 64) + "?repository_url=localhost%3A5000/dotnet/runtime&tag=10.0", inventory.BaseImage!.Purl);
        CollectionAssert.AreEqual(new[] { "Microsoft.AspNetCore.App 10.0.1", "Microsoft.NETCore.App 10.0.1" },
            inventory.Runtimes.Select(r => $"{r.Id} {r.Version}").Order(StringComparer.Ordinal).ToArray());
        Assert.IsTrue(inventory.Runtimes.All(r => r.LayerNames.Count == 0 && r.Purl is null), "the base image's runtime: in none of our layers");
    }

    [TestMethod]
    public void A_self_contained_app_names_its_runtime_pack_with_its_layer()
    {
        var fixture = new SbomFixture(Root);
        var request = fixture.Request();
        string coreclr = Path.Combine(fixture.Publish, "libcoreclr.so");
        File.WriteAllText(coreclr, "runtime");
        string packFolder = Path.Combine(fixture.Packages, "microsoft.netcore.app.runtime.linux-x64", "10.0.0");
        Directory.CreateDirectory(packFolder);
        File.WriteAllText(Path.Combine(packFolder, "microsoft.netcore.app.runtime.linux-x64.10.0.0.nupkg.sha512"), Convert.ToBase64String(new byte[64]));
        request = request with
        {
            Files = [.. request.Files, new SbomFileInput("runtime", "/app/libcoreclr.so", coreclr, 7)],
            AssetsJson = request.AssetsJson.Replace("{ \"name\": \"Microsoft.AspNetCore.App.Ref\", \"version\": \"[10.0.0]\" }",
                "{ \"name\": \"Microsoft.AspNetCore.App.Ref\", \"version\": \"[10.0.0]\" }, { \"name\": \"Microsoft.NETCore.App.Runtime.linux-x64\", \"version\": \"[10.0.0]\" }",
                StringComparison.Ordinal),
        };
        var runtime = SbomInventoryBuilder.Build(request).Inventory.Runtimes.Single();
        Assert.AreEqual("pkg:nuget/Microsoft.NETCore.App.Runtime.linux-x64@10.0.0", runtime.Purl);
        CollectionAssert.AreEqual(new[] { "runtime" }, runtime.LayerNames.ToArray());
        Assert.AreEqual(new string('0', 128), runtime.Sha512);
    }

    [TestMethod]
    public void A_package_folder_without_the_nuspec_warns_and_asserts_no_licence()
    {
        var (inventory, warnings) = Build(new SbomFixture(Root, withNuspecs: false));
        var warning = warnings.Single();
        Assert.AreEqual(DiagnosticCode.DIAM2027, warning.Code);
        StringAssert.Contains(warning.Message, "Newtonsoft.Json 13.0.3");
        Assert.IsTrue(inventory.Packages.All(p => p.License is null));
        using var spdx = JsonDocument.Parse(SpdxWriter.Write(inventory));
        Assert.IsTrue(spdx.RootElement.GetProperty("packages").EnumerateArray().Where(p => p.TryGetProperty("licenseDeclared", out _))
            .All(p => p.GetProperty("licenseDeclared").GetString() == "NOASSERTION"));
    }

    [TestMethod]
    public void Purls_escape_what_the_spec_asks()
    {
        Assert.AreEqual("pkg:nuget/My.Package@1.0.0-rc.1%2Bsha.5", PackageUrl.NuGet("My.Package", "1.0.0-rc.1+sha.5"));
        Assert.AreEqual("pkg:oci/app@sha256%3A" + new string('b', 64) + "?repository_url=registry.example/team/app",
            PackageUrl.Oci("registry.example/team/app@sha256:" + new string('b', 64), null));
        Assert.AreEqual("pkg:oci/app?repository_url=docker.io/team/app", PackageUrl.Oci("team/app", null), "a tag does not pin an image: no version");
        Assert.AreEqual("pkg:oci/runtime?repository_url=mcr.microsoft.com/dotnet/runtime&tag=10.0", PackageUrl.Oci("mcr.microsoft.com/dotnet/runtime:10.0", null));
    }

    private static string? Property(JsonElement component, string name) =>
        component.GetProperty("properties").EnumerateArray().Where(p => p.GetProperty("name").GetString() == name)
            .Select(p => p.GetProperty("value").GetString()).FirstOrDefault();
}
