using Diamol.Build.Context;
using Diamol.Build.Common;
using Diamol.Build.Engine;
using Diamol.Build.History;
using Diamol.Build.Pipeline;

namespace Diamol.Build.Tests.Pipeline;

[TestClass]
public sealed class BuildRecordTests
{
    [TestMethod]
    public void When_a_new_image_is_in_the_making_no_record_of_the_old_one_stays_neither_image_json_nor_its_SBOMs()
    {
        using var temp = new TempFolder("record");
        var folder = new OutputFolder(temp.Path);
        foreach (string path in new[] { folder.BuildJson, folder.ImageJson, folder.SpdxSbom, folder.CycloneDxSbom, folder.HistoryJson })
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, "{}");
        }

        BuildRecord.RemoveWithSummary(folder);

        Assert.IsFalse(File.Exists(folder.BuildJson));
        Assert.IsFalse(File.Exists(folder.ImageJson));
        Assert.IsFalse(File.Exists(folder.SpdxSbom), "a publish that fails from here on must not leave the old image's SBOM as this one's");
        Assert.IsFalse(File.Exists(folder.CycloneDxSbom));
        Assert.IsTrue(File.Exists(folder.HistoryJson), "the history is set aside by its own rule, only when the publish fails");
    }

    [TestMethod]
    public void The_saved_record_keeps_no_secret_value()
    {
        using var temp = new TempFolder("record");
        string context = temp.Path;
        var record = new BuildRecord(
            "engine",
            new BuildResult("sha256:i", ["web:latest"], [new BuildStep(2, "ENV \"API_TOKEN\"=\"s3cret value\"", false, null)]),
            new ImageFacts("sha256:i", null, 1, "linux", "amd64", ["API_TOKEN=s3cret value", "TARGET=x"], ["sha256:l"],
                new Dictionary<string, string> { ["com.example.password"] = "hunter22", ["team"] = "a" }),
            new BaseImageSummary("base", null, 1, 1),
            [new ImageHistoryRow("", "/bin/sh -c #(nop)  ENV API_TOKEN=s3cret value TARGET=x", null, 0, 1)]);
        record.Save(new OutputFolder(context));
        string text = File.ReadAllText(new OutputFolder(context).BuildJson);
        Assert.IsFalse(text.Contains("s3cret", StringComparison.Ordinal), text);
        Assert.IsFalse(text.Contains("hunter22", StringComparison.Ordinal), text);
        StringAssert.Contains(text, "TARGET=x");
        Assert.AreEqual("sha256:i", BuildRecord.Load(new OutputFolder(context)).Build.ImageId);
    }
}
