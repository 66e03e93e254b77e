using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace Diamol.Build.EndToEndTests;

/// <summary>
/// What a multi-platform publish, and a failed publish, leave in their records: the platform images are pushed by
/// digest and named so (no tag, no DIAM2010 against their own index, so -warnaserror passes); a multi-platform publish
/// that fails before its index leaves no image.json naming the tag, and the registry has no such tag; a failed push
/// after a good publish leaves no history describing the older image as the current one.
/// </summary>
[TestClass]
public sealed class MultiPlatformRecordsTests
{
    // Nothing listens there: the OCI writer needs no engine.
    private static readonly Dictionary<string, string?> NoEngine = new() { ["DOCKER_HOST"] = "unix:///nonexistent/docker.sock" };
    private const string Registry = "127.0.0.1:5000";

    private static string Unique(string name) => $"diamol-records/{name}-{Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>
    /// WebPing for two platforms, self-contained (the multi-platform base is runtime-deps). The outer build's RID
    /// (linux-x64, needed for a self-contained build) would put the index's image.json in linux-x64's folder; the
    /// outer build gets its own folder instead, so each platform's image.json stays as its publish wrote it.
    /// </summary>
    internal static ConsumerProject TwoPlatforms(string runtimeIdentifiers)
    {
        var project = ConsumerProject.FromSample("WebPing");
        string csproj = Path.Combine(project.Directory, "WebPing.csproj");
        File.WriteAllText(csproj, File.ReadAllText(csproj).Replace("</DiamolBuildVersion>",
            "</DiamolBuildVersion>\n" +
            $"    <RuntimeIdentifiers>{runtimeIdentifiers}</RuntimeIdentifiers>\n" +
            "    <ContainerRuntimeIdentifiers>linux-x64;linux-arm64</ContainerRuntimeIdentifiers>\n" +
            "    <SelfContained>true</SelfContained>\n" +
            "    <RuntimeIdentifier Condition=\"'$(RuntimeIdentifier)' == ''\">linux-x64</RuntimeIdentifier>\n" +
            "    <DiamolOutputPath Condition=\"'$(ContainerRuntimeIdentifiers)' != ''\">bin/index-container/</DiamolOutputPath>"));
        return project;
    }

    internal static string PlatformFolder(ConsumerProject project, string rid) => Path.Combine(project.Directory, "bin", "Release", "net10.0", rid, "container");

    internal static string IndexFolder(ConsumerProject project) => Path.Combine(project.Directory, "bin", "index-container");

    private static HttpStatusCode TagStatus(string repository, string tag)
    {
        using var client = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Head, $"http://{Registry}/v2/{repository}/manifests/{tag}");
        request.Headers.TryAddWithoutValidation("Accept", "application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.list.v2+json, " +
            "application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json");
        using var response = client.Send(request);
        return response.StatusCode;
    }

    /// <summary>Every image.json under the project's bin/ that names the tag.</summary>
    private static string[] RecordsNaming(ConsumerProject project, string fullTag) =>
        Directory.EnumerateFiles(Path.Combine(project.Directory, "bin"), "image.json", SearchOption.AllDirectories)
            .Where(path => JsonDocument.Parse(File.ReadAllText(path)).RootElement.GetProperty("tags").EnumerateArray().Any(t => t.GetString() == fullTag))
            .ToArray();

    [TestMethod]
    public void A_two_platform_publish_passes_warnaserror_and_its_platform_records_name_no_tag()
    {
        var project = TwoPlatforms("linux-x64;linux-arm64");
        string repository = Unique("two");
        string fullTag = $"{Registry}/{repository}:latest";
        // DIAM2004 (a self-contained, untrimmed app) is this fixture's own advice, not what is tested here.
        string[] properties =
        [
            $"ContainerBaseImage={TestEnvironment.BaseRuntimeDeps}-multi", $"ContainerRegistry={Registry}", $"ContainerRepository={repository}",
            "-warnaserror", "-warnAsMessage:DIAM2004",
        ];

        // A republish too: before, each platform's folder claimed the index's tag from the other, once more each time.
        foreach (string pass in new[] { "first publish", "republish" })
        {
            var publish = project.PublishWith(NoEngine, properties);
            Assert.AreEqual(0, publish.ExitCode, $"{pass}: {publish.All}");
            Assert.IsFalse(publish.All.Contains("DIAM2010", StringComparison.Ordinal), $"{pass}: {publish.All}");
            // Only the index's line names the tag; each platform's says it was pushed by digest.
            var lines = publish.Output.Split('\n').Where(l => l.Contains("WebPing -> ", StringComparison.Ordinal)).ToArray();
            Assert.AreEqual(1, lines.Count(l => l.Contains(fullTag, StringComparison.Ordinal)), string.Join("\n", lines));
            StringAssert.Contains(lines.Single(l => l.Contains(fullTag, StringComparison.Ordinal)), "multi-platform image of");
            Assert.AreEqual(2, lines.Count(l => l.Contains($"{Registry}/{repository}@sha256:", StringComparison.Ordinal) && l.Contains("pushed by digest, no tag", StringComparison.Ordinal)),
                string.Join("\n", lines));
        }

        var index = RegistryInspection.Manifest(repository, "latest");
        var entries = index.GetProperty("manifests").EnumerateArray().ToDictionary(
            m => m.GetProperty("platform").GetProperty("architecture").GetString()!, m => m.GetProperty("digest").GetString()!);
        foreach (var (rid, architecture) in new[] { ("linux-x64", "amd64"), ("linux-arm64", "arm64") })
        {
            string folder = PlatformFolder(project, rid);
            using var image = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "image.json")));
            Assert.AreEqual(0, image.RootElement.GetProperty("tags").GetArrayLength(), $"{rid}: {image.RootElement}");
            Assert.AreEqual(entries[architecture], image.RootElement.GetProperty("digest").GetString(), $"{rid}: the digest is the index entry's");
            Assert.AreEqual($"linux/{architecture}", image.RootElement.GetProperty("platform").GetString());
            using var history = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "image-history.json")));
            Assert.AreEqual(0, history.RootElement.GetProperty("image").GetProperty("tags").GetArrayLength(), $"{rid}: the history names no tag");
        }

        using var indexRecord = JsonDocument.Parse(File.ReadAllText(Path.Combine(IndexFolder(project), "image.json")));
        Assert.AreEqual(fullTag, indexRecord.RootElement.GetProperty("tags")[0].GetString());
        StringAssert.StartsWith(indexRecord.RootElement.GetProperty("digest").GetString(), "sha256:");
        CollectionAssert.DoesNotContain(entries.Values.ToArray(), indexRecord.RootElement.GetProperty("digest").GetString(), "the index's record names the index");
        CollectionAssert.AreEqual(new[] { Path.Combine(IndexFolder(project), "image.json") }, RecordsNaming(project, fullTag));
    }

    /// <summary>
    /// linux-arm64 is not restored (not in RuntimeIdentifiers): its publish would fail with NETSDK1047 after linux-x64's
    /// image was pushed (PublishContainer fails the same way). It is refused (DIAM2021) before any platform is published,
    /// so the registry sees no request for the repository at all, and no record names the tag.
    /// </summary>
    [TestMethod]
    public void A_multi_platform_publish_whose_restore_lacks_a_platform_is_refused_before_anything_is_pushed()
    {
        var project = TwoPlatforms("linux-x64");
        string repository = Unique("unrestored");
        string fullTag = $"{Registry}/{repository}:latest";
        int logFrom = RegistryInspection.LogLength();

        var publish = project.PublishWith(NoEngine, $"ContainerBaseImage={TestEnvironment.BaseRuntimeDeps}-multi", $"ContainerRegistry={Registry}", $"ContainerRepository={repository}");

        Assert.AreNotEqual(0, publish.ExitCode, publish.All);
        StringAssert.Contains(publish.All, "error DIAM2021");
        StringAssert.Contains(publish.All, "no target for linux-arm64");
        StringAssert.Contains(publish.All, "<RuntimeIdentifiers>linux-x64;linux-arm64</RuntimeIdentifiers>");
        Assert.IsFalse(publish.All.Contains("error NETSDK1047", StringComparison.Ordinal), "a platform was published before the refusal: " + publish.All);
        Assert.AreEqual(0, RegistryInspection.RequestsSince(logFrom, repository), "the registry was sent something for the repository");
        Assert.AreEqual(HttpStatusCode.NotFound, TagStatus(repository, "latest"), "the registry has the tag");
        Assert.AreEqual(0, RecordsNaming(project, fullTag).Length, string.Join(", ", RecordsNaming(project, fullTag)));
        Assert.IsFalse(Directory.Exists(PlatformFolder(project, "linux-x64")), "a platform's publish ran");
    }

    [TestMethod]
    public void A_multi_platform_publish_whose_index_push_fails_leaves_no_record_of_the_tag_nor_of_the_last_index()
    {
        var project = TwoPlatforms("linux-x64;linux-arm64");
        string repository = Unique("index-fault");
        using var registry = new OwnRegistry();
        // The platform images go by digest (PUT .../manifests/sha256:...); only the index's tag is refused.
        using var proxy = FaultProxy.ForRegistry("PUT [^ ]*/manifests/latest ", Fault.ServerError, registry.Port);
        string[] properties = [$"ContainerBaseImage={TestEnvironment.BaseRuntimeDeps}-multi", $"ContainerRegistry={proxy.Registry}", $"ContainerRepository={repository}"];
        project.PublishWith(NoEngine, [.. properties, "ContainerImageTag=good"]).EnsureSuccess("an earlier good publish, another tag");
        Assert.IsTrue(File.Exists(Path.Combine(IndexFolder(project), "image.json")));

        var publish = project.PublishWith(NoEngine, properties);

        Assert.IsTrue(proxy.Triggered > 0, "the fault never happened\n" + publish.Output);
        Assert.AreNotEqual(0, publish.ExitCode, publish.All);
        StringAssert.Contains(publish.All, "DIAM3011");
        string fullTag = $"{proxy.Registry}/{repository}:latest";
        Assert.IsFalse(publish.Output.Contains(fullTag + " (", StringComparison.Ordinal), "a line says the tag was made: " + publish.Output);
        Assert.AreEqual(0, RecordsNaming(project, fullTag).Length, string.Join(", ", RecordsNaming(project, fullTag)));
        Assert.IsFalse(File.Exists(Path.Combine(IndexFolder(project), "image.json")), "the last index's image.json is left as if it were this publish's");
        Assert.AreEqual("404", registry.StatusOf($"/v2/{repository}/manifests/latest"), "the registry has the tag");
    }

    [TestMethod]
    public void A_failed_push_after_a_good_publish_leaves_no_history_of_the_older_image()
    {
        var project = ConsumerProject.FromSample("WebPing");
        string repository = Unique("failed-push");
        string[] properties = [$"ContainerBaseImage={TestEnvironment.BaseRuntime}", $"ContainerRepository={repository}"];
        project.PublishWith(NoEngine, [.. properties, $"ContainerRegistry={Registry}"]).EnsureSuccess("the good publish");
        string folder = project.ContainerFolder;
        Assert.IsTrue(File.Exists(Path.Combine(folder, "image-history.html")));

        File.AppendAllText(Path.Combine(project.Directory, "Program.cs"), "\n// an edit: a new image\n");
        var failed = project.PublishWith(NoEngine, [.. properties, $"ContainerRegistry=127.0.0.1:{ClosedPort()}"]);

        Assert.AreNotEqual(0, failed.ExitCode, failed.All);
        StringAssert.Contains(failed.All, "DIAM3010");
        Assert.IsFalse(File.Exists(Path.Combine(folder, "image.json")));
        foreach (string artifact in new[] { "image-history.json", "image-history.md", "image-history.html" })
        {
            Assert.IsFalse(File.Exists(Path.Combine(folder, artifact)), $"{artifact} still describes the older image after the failed push");
        }

        // The next good publish compares with the last good image, as if the failure had not happened.
        var good = project.PublishWith(NoEngine, [.. properties, $"ContainerRegistry={Registry}"]).EnsureSuccess("the good publish after");
        StringAssert.Contains(good.Output, "since the last publish: ");
        Assert.IsTrue(File.Exists(Path.Combine(folder, "image-history.html")));
    }

    // A loopback port nobody listens on: the connection is refused at once.
    private static int ClosedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
