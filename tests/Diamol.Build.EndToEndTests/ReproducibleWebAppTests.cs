using System.Text.Json;

namespace Diamol.Build.EndToEndTests;

/// <summary>
/// Two CI agents that check out one commit of a web app give one image digest, with nothing set by hand but what CI
/// systems set (CI=true) and the commit's time (SOURCE_DATE_EPOCH): the compiler's paths are mapped because the CI
/// system is detected, and the time the static web assets SDK writes into its endpoints manifest (each file's checkout
/// time) is clamped to SOURCE_DATE_EPOCH in the image.
/// </summary>
[TestClass]
public sealed class ReproducibleWebAppTests
{
    [TestMethod]
    public void Two_clones_of_a_web_app_with_wwwroot_give_one_digest_in_CI()
    {
        var first = ConsumerProject.FromTemplates("ReproWeb" + Guid.NewGuid().ToString("N")[..6], "Web", t =>
        {
            t.New("web", "Web", []);
            t.Write("Web/wwwroot/site.css", "body { color: teal; }\n");
            t.Write("Web/wwwroot/index.html", "<!doctype html><title>repro</title>\n");
        });
        var second = first.GitClone();
        var third = first.GitClone();
        // Other checkout times, as on another agent (a clone made in the same second would hide the difference).
        foreach (string file in Directory.EnumerateFiles(Path.Combine(second.Directory, "wwwroot"))) File.SetLastWriteTimeUtc(file, new DateTime(2030, 1, 2, 3, 4, 5, DateTimeKind.Utc));
        foreach (string file in Directory.EnumerateFiles(Path.Combine(third.Directory, "wwwroot"))) File.SetLastWriteTimeUtc(file, new DateTime(2030, 1, 2, 3, 4, 5, DateTimeKind.Utc));
        string repository = "diamol-oci/repro-web-" + Guid.NewGuid().ToString("N")[..8];
        string[] properties = [$"ContainerBaseImage={TestEnvironment.BaseAspNet}", "ContainerRegistry=localhost:5000", $"ContainerRepository={repository}"];
        var ci = new Dictionary<string, string?> { ["CI"] = "true", ["SOURCE_DATE_EPOCH"] = "1700000000", ["DOCKER_HOST"] = "unix:///nonexistent/docker.sock" };

        first.PublishWith(ci, properties).EnsureSuccess("publish of the first clone");
        second.PublishWith(ci, properties).EnsureSuccess("publish of the second clone");
        Assert.AreEqual(Digest(first), Digest(second), "one commit, two clones, one image");
        string endpoints = Path.Combine(second.PublishFolder, "Web.staticwebassets.endpoints.json");
        StringAssert.Contains(File.ReadAllText(endpoints), "2030", "the publish folder keeps the times the SDK wrote");

        // Without the CI system's variable the compiler keeps each clone's path: the images differ, which is why the
        // detection matters (and what a project gets that turns it off).
        var local = new Dictionary<string, string?>(ci) { ["CI"] = "" };
        third.PublishWith(local, properties).EnsureSuccess("publish of the third clone outside CI");
        Assert.AreNotEqual(Digest(first), Digest(third), "outside CI the source paths differ, and so do the assemblies");
    }

    private static string Digest(ConsumerProject project)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(project.ContainerFolder, "image.json")));
        return json.RootElement.GetProperty("digest").GetString()!;
    }
}
