using Diamol.Build.Context;
using Diamol.Build.Layers;

namespace Diamol.Build.Tests.Context;

[TestClass]
public sealed class EndpointManifestTimesTests : TempFolderTest
{
    private const string Manifest =
        "{\"Version\":1,\"Endpoints\":[{\"Route\":\"a.txt\",\"ResponseHeaders\":[{\"Name\":\"ETag\",\"Value\":\"\\\"x\\\"\"}," +
        "{\"Name\":\"Last-Modified\",\"Value\":\"Wed, 02 Dec 2026 04:48:10 GMT\"}]}," +
        "{\"Route\":\"b.txt\",\"ResponseHeaders\":[{\"Name\":\"Last-Modified\",\"Value\":\"Mon, 01 Jan 2001 00:00:00 GMT\"}]}]}";

    private static readonly DateTimeOffset Epoch = DateTimeOffset.FromUnixTimeSeconds(1700000000); // Tue, 14 Nov 2023 22:13:20 GMT

    [TestMethod]
    public void Later_times_are_clamped_to_the_epoch_in_the_same_form_and_nothing_else_changes()
    {
        string clamped = EndpointManifestTimes.ClampText(Manifest, Epoch);
        Assert.AreEqual(Manifest.Replace("Wed, 02 Dec 2026 04:48:10 GMT", "Tue, 14 Nov 2023 22:13:20 GMT"), clamped);
        Assert.AreEqual(Manifest.Length, clamped.Length, "same size");
    }

    [TestMethod]
    public void The_image_gets_a_clamped_copy_the_publish_folder_keeps_its_file_and_without_an_epoch_nothing_is_copied()
    {
        string publish = Path.Combine(Root, "publish");
        string context = Path.Combine(Root, "container");
        Directory.CreateDirectory(publish);
        string original = Path.Combine(publish, "Web.staticwebassets.endpoints.json");
        File.WriteAllText(original, Manifest);
        PublishedFile[] files = [new(original, "Web.staticwebassets.endpoints.json", IsStaticAsset: false), new(Path.Combine(publish, "Web.dll"), "Web.dll")];

        var clamped = EndpointManifestTimes.Clamp(files, Epoch, new OutputFolder(context));
        Assert.AreNotEqual(original, clamped[0].SourcePath);
        StringAssert.Contains(File.ReadAllText(clamped[0].SourcePath), "Tue, 14 Nov 2023 22:13:20 GMT");
        Assert.AreEqual(Manifest, File.ReadAllText(original), "the publish folder is the SDK's");
        Assert.AreSame(files[1], clamped[1]);
        var stamp = File.GetLastWriteTimeUtc(clamped[0].SourcePath);
        EndpointManifestTimes.Clamp(files, Epoch, new OutputFolder(context));
        Assert.AreEqual(stamp, File.GetLastWriteTimeUtc(clamped[0].SourcePath), "an unchanged copy is not written again");

        var unclamped = EndpointManifestTimes.Clamp(files, null, new OutputFolder(context));
        Assert.AreEqual(original, unclamped[0].SourcePath);
        Assert.IsFalse(Directory.Exists(Path.Combine(context, ".diamol", OutputFolder.ClampedName)), "copies no longer needed are removed");
    }
}
