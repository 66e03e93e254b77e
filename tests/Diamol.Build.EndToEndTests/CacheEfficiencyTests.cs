namespace Diamol.Build.EndToEndTests;

/// <summary>
/// The point of the ordered Dockerfile: after a one-line code change, the new layers hold little more than the
/// files that changed, while the SDK's single-layer image re-creates every dependency.
/// </summary>
[TestClass]
public sealed class CacheEfficiencyTests
{
    private const long FifteenMegabytes = 15_000_000;

    [TestMethod]
    public void A_one_line_change_adds_only_the_changed_bytes_and_100_times_fewer_than_PublishContainer()
    {
        var project = ConsumerProject.FromFixture("BigDeps");
        string id = Guid.NewGuid().ToString("N")[..8];
        string ours = $"diamol-cache/bigdeps-ours-{id}";
        string sdks = $"diamol-cache/bigdeps-sdk-{id}";
        string[] diamol = [$"ContainerBaseImage={TestEnvironment.BaseRuntime}", $"ContainerRepository={ours}"];
        string[] sdk = [$"ContainerBaseImage={TestEnvironment.BaseRuntime}", $"ContainerRepository={sdks}"];
        try
        {
            project.Publish(diamol).EnsureSuccess("first Diamol.Build publish");
            project.PublishContainerWithSdk(sdk).EnsureSuccess("first PublishContainer");
            var publishedBefore = PublishSnapshot.Hashes(project.PublishFolder);
            var oursBefore = ImageInspection.LayerSizes(ours + ":latest");
            var sdkBefore = ImageInspection.LayerSizes(sdks + ":latest");

            string program = Path.Combine(project.Directory, "Program.cs");
            File.WriteAllText(program, File.ReadAllText(program).Replace("\"Hello from BigDeps\"", "\"Hello again from BigDeps\""));

            project.Publish(diamol).EnsureSuccess("second Diamol.Build publish");
            project.PublishContainerWithSdk(sdk).EnsureSuccess("second PublishContainer");
            var publishedAfter = PublishSnapshot.Hashes(project.PublishFolder);
            long changedBytes = publishedAfter.Where(f => publishedBefore.GetValueOrDefault(f.Key).Hash != f.Value.Hash).Sum(f => f.Value.Size);
            long oursNew = NewBytes(oursBefore, ImageInspection.LayerSizes(ours + ":latest"));
            long sdkNew = NewBytes(sdkBefore, ImageInspection.LayerSizes(sdks + ":latest"));

            string report = $"changed published bytes {changedBytes}, new bytes: Diamol.Build {oursNew}, PublishContainer {sdkNew}";
            Console.WriteLine(report);
            using var history = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(project.ContainerFolder, "image-history.json")));
            long packageBytes = history.RootElement.GetProperty("entries").EnumerateArray()
                .Where(e => e.TryGetProperty("layerKind", out var kind) && kind.GetString() == "packages").Sum(e => e.GetProperty("size").GetInt64());
            Assert.IsTrue(packageBytes >= FifteenMegabytes, $"the fixture must carry at least 15 MB of packages; it has {packageBytes}");
            Assert.IsTrue(changedBytes > 0, report);
            Assert.IsTrue(oursNew <= changedBytes * 3 / 2, "new layers exceed 1.5 x the changed files: " + report);
            Assert.IsTrue(sdkNew >= 100 * oursNew, "not 100 x fewer new bytes than PublishContainer: " + report);
        }
        finally
        {
            ImageInspection.RemoveImages(ours + ":latest", sdks + ":latest");
        }
    }

    private static long NewBytes(Dictionary<string, long> before, Dictionary<string, long> after) =>
        after.Where(layer => !before.ContainsKey(layer.Key)).Sum(layer => layer.Value);
}
