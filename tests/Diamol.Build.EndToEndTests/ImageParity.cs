using System.Text.Json;

namespace Diamol.Build.EndToEndTests;

/// <summary>Compares an image of ours with one made by the SDK's PublishContainer: configuration and files.</summary>
public static class ImageParity
{
    // Timestamps differ by nature; everything else must match.
    private static readonly string[] TimestampLabels = ["org.opencontainers.image.created", "org.opencontainers.artifact.created"];

    public static void AssertSameConfigAndFiles(string ours, string sdks, string directory = "/app")
    {
        var a = ImageInspection.Config(ours);
        var b = ImageInspection.Config(sdks);
        foreach (string property in new[] { "Env", "Entrypoint", "Cmd", "WorkingDir", "User", "ExposedPorts" })
        {
            Assert.AreEqual(ImageInspection.Show(b, property), ImageInspection.Show(a, property), $"Config.{property} differs from PublishContainer's");
        }

        Assert.AreEqual(Labels(b), Labels(a), "Config.Labels differ from PublishContainer's");
        CollectionAssert.AreEqual(ImageInspection.Files(sdks, directory), ImageInspection.Files(ours, directory), $"files under {directory} differ");
    }

    /// <summary>The labels as sorted "name=value" lines, the per-build time labels left out.</summary>
    public static string Labels(JsonElement config) =>
        string.Join("\n", config.GetProperty("Labels").EnumerateObject()
            .Where(l => !TimestampLabels.Contains(l.Name))
            .Select(l => $"{l.Name}={l.Value.GetString()}")
            .Order(StringComparer.Ordinal));
}
