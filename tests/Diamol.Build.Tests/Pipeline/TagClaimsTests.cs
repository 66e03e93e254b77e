using Diamol.Build.Pipeline;

namespace Diamol.Build.Tests.Pipeline;

[TestClass]
public sealed class TagClaimsTests
{
    [TestMethod]
    public void A_tag_published_from_another_folder_leaves_the_first_folders_image_json()
    {
        string root = Directory.CreateTempSubdirectory("diamol-claims-").FullName;
        try
        {
            string claims = Path.Combine(root, "tag-claims.json");
            string first = Directory.CreateDirectory(Path.Combine(root, "a", "container")).FullName;
            string second = Directory.CreateDirectory(Path.Combine(root, "b", "container")).FullName;
            File.WriteAllText(Path.Combine(first, "image.json"), """{ "id": "sha256:a", "tags": [ "web:latest", "web:1.0" ], "pushed": false }""");

            Assert.AreEqual(0, TagClaims.Claim(claims, first, ["web:latest", "web:1.0"]).Count);
            Assert.AreEqual(0, TagClaims.Claim(claims, first, ["web:latest"]).Count, "publishing again from the same folder moves nothing");
            var moved = TagClaims.Claim(claims, second, ["web:latest"]);

            Assert.AreEqual(1, moved.Count);
            Assert.AreEqual("web:latest", moved[0].Tag);
            Assert.AreEqual(Path.GetFullPath(first), moved[0].FromOutputFolder);
            using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(first, "image.json")));
            CollectionAssert.AreEqual(new[] { "web:1.0" }, json.RootElement.GetProperty("tags").EnumerateArray().Select(t => t.GetString()).ToArray());
            Assert.AreEqual("sha256:a", json.RootElement.GetProperty("id").GetString());
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [TestMethod]
    public void A_damaged_claims_file_is_started_again()
    {
        string path = Path.Combine(Path.GetTempPath(), "diamol-claims-" + Guid.NewGuid().ToString("N") + ".json");
        File.WriteAllText(path, "{ not json");
        try
        {
            Assert.AreEqual(0, TagClaims.Claim(path, Path.GetTempPath(), ["x:latest"]).Count);
            StringAssert.Contains(File.ReadAllText(path), "x:latest");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [TestMethod]
    public void A_claims_folder_this_user_cannot_write_is_DIAM2015_naming_it_and_HOME()
    {
        // sysfs refuses every new folder with EPERM, also to root, as another user's HOME does.
        string path = "/sys/diamol-test-" + Guid.NewGuid().ToString("N")[..8] + "/.diamol/tag-claims.json";
        var e = Assert.ThrowsExactly<Diamol.Build.Diagnostics.DiamolException>(() => TagClaims.Claim(path, Path.GetTempPath(), ["x:latest"]));
        Assert.AreEqual(Diamol.Build.Diagnostics.DiagnosticCode.DIAM2015, e.Code);
        StringAssert.Contains(e.Message, Path.GetDirectoryName(path)!);
        StringAssert.Contains(e.Message, "HOME");
    }
}
