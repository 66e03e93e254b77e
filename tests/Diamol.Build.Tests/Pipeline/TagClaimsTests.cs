using Diamol.Build.Pipeline;

namespace Diamol.Build.Tests.Pipeline;

[TestClass]
public sealed class TagClaimsTests : TempFolderTest
{
    private string Folder(params string[] parts) => Directory.CreateDirectory(Path.Combine([Root, .. parts])).FullName;

    [TestMethod]
    public void A_tag_published_from_another_folder_warns_both_ways_and_edits_neither_image_json()
    {
        string claims = Path.Combine(Root, "tag-claims.json");
        string first = Folder("a", "container"), second = Folder("b", "container");
        string firstJson = """{ "id": "sha256:a", "tags": [ "web:latest", "web:1.0" ], "pushed": false }""";
        string secondJson = """{ "id": "sha256:b", "tags": [ "web:latest" ], "pushed": false }""";
        File.WriteAllText(Path.Combine(first, "image.json"), firstJson);

        Assert.AreEqual(0, TagClaims.Claim(claims, first, ["web:latest", "web:1.0"]).Count);
        Assert.AreEqual(0, TagClaims.Claim(claims, first, ["web:latest"]).Count, "publishing again from the same folder moves nothing");
        var moved = TagClaims.Claim(claims, second, ["web:latest"]);
        File.WriteAllText(Path.Combine(second, "image.json"), secondJson);

        Assert.AreEqual(1, moved.Count);
        Assert.AreEqual("web:latest", moved[0].Tag);
        Assert.AreEqual(Path.GetFullPath(first), moved[0].FromOutputFolder);
        Assert.AreEqual(firstJson, File.ReadAllText(Path.Combine(first, "image.json")), "the other project's record is read, never written");

        // The first project's next publish reads the claim too: it is told the tag was the second's.
        var back = TagClaims.Claim(claims, first, ["web:latest"]);
        Assert.AreEqual(Path.GetFullPath(second), back.Single().FromOutputFolder);
        Assert.AreEqual(secondJson, File.ReadAllText(Path.Combine(second, "image.json")));
    }

    [TestMethod]
    public void A_folder_whose_image_json_no_longer_names_the_tag_is_not_warned_about()
    {
        string claims = Path.Combine(Root, "tag-claims.json");
        string first = Folder("a", "container"), second = Folder("b", "container"), third = Folder("c", "container");
        TagClaims.Claim(claims, first, ["web:latest"]);
        // Cleaned since (no image.json): nothing there claims the tag.
        Assert.AreEqual(0, TagClaims.Claim(claims, second, ["web:latest"]).Count);
        // Published since under another tag.
        File.WriteAllText(Path.Combine(second, "image.json"), """{ "id": "sha256:b", "tags": [ "web:2.0" ], "pushed": false }""");
        Assert.AreEqual(0, TagClaims.Claim(claims, third, ["web:latest"]).Count);
        Assert.AreEqual(0, TagClaims.Claim(claims, third, []).Count, "an image with no tag (one platform of an index) claims nothing");
    }

    [TestMethod]
    public void Claims_are_kept_per_workspace_so_two_clones_neither_warn_nor_touch_each_other()
    {
        string profile = Folder("profile");
        string clone1 = Folder("agent", "work", "1", "s"), clone2 = Folder("agent", "work", "2", "s");
        Directory.CreateDirectory(Path.Combine(clone1, ".git"));
        File.WriteAllText(Path.Combine(clone2, ".git"), "gitdir: /elsewhere/worktrees/2\n");
        string web1 = Folder("agent", "work", "1", "s", "src", "Web"), web2 = Folder("agent", "work", "2", "s", "src", "Web");

        Assert.AreEqual(clone1, TagClaims.WorkspaceOf(web1));
        Assert.AreEqual(clone2, TagClaims.WorkspaceOf(web2), "a worktree's .git file marks its work tree");
        Assert.AreNotEqual(TagClaims.PathFor(web1, profile), TagClaims.PathFor(web2, profile));
        Assert.AreEqual(TagClaims.PathFor(web1, profile), TagClaims.PathFor(Folder("agent", "work", "1", "s", "src", "Api"), profile), "one workspace, one claims file");
        StringAssert.StartsWith(TagClaims.PathFor(web1, profile), Path.Combine(profile, "tag-claims") + Path.DirectorySeparatorChar);

        string out1 = Folder("agent", "work", "1", "s", "src", "Web", "bin", "container"), out2 = Folder("agent", "work", "2", "s", "src", "Web", "bin", "container");
        File.WriteAllText(Path.Combine(out1, "image.json"), """{ "id": "sha256:a", "tags": [ "web:latest" ], "pushed": true }""");
        TagClaims.Claim(TagClaims.PathFor(web1, profile), out1, ["web:latest"]);
        Assert.AreEqual(0, TagClaims.Claim(TagClaims.PathFor(web2, profile), out2, ["web:latest"]).Count);
    }

    [TestMethod]
    public void Without_git_the_solution_folder_and_then_the_project_folder_are_the_workspace()
    {
        string solution = Folder("plain");
        File.WriteAllText(Path.Combine(solution, "App.slnx"), "<Solution />");
        Assert.AreEqual(solution, TagClaims.WorkspaceOf(Folder("plain", "src", "Web")));

        // Nothing above marks a workspace (the temp folder has neither .git nor a solution file): the project alone.
        string lone = Folder("lone", "Web");
        if (TagClaims.WorkspaceOf(Root) == Path.TrimEndingDirectorySeparator(Root)) Assert.AreEqual(lone, TagClaims.WorkspaceOf(lone));
    }

    [TestMethod]
    public void A_damaged_claims_file_is_started_again()
    {
        string path = Path.Combine(Root, "claims.json");
        File.WriteAllText(path, "{ not json");
        Assert.AreEqual(0, TagClaims.Claim(path, Root, ["x:latest"]).Count);
        StringAssert.Contains(File.ReadAllText(path), "x:latest");
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
