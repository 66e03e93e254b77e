using System.Text.Json;

namespace Diamol.Build.EndToEndTests;

/// <summary>Reads images through the docker CLI: an independent client of the same engine.</summary>
public static class ImageInspection
{
    public static JsonElement Inspect(string image)
    {
        var result = ProcessRunner.Docker("image", "inspect", image).EnsureSuccess("docker image inspect " + image);
        using var json = JsonDocument.Parse(result.Output);
        return json.RootElement[0].Clone();
    }

    public static JsonElement Config(string image) => Inspect(image).GetProperty("Config");

    /// <summary>Every file under <paramref name="directory"/> in the image with its SHA-256, sorted: "hash  ./path" lines.</summary>
    public static string[] Files(string image, string directory)
    {
        var result = ProcessRunner.Run("docker",
            ["run", "--rm", "--network", "none", "--user", "0", "--entrypoint", "/bin/sh", image, "-c",
             $"cd {directory} && find . -type f -exec sha256sum {{}} +"],
            timeout: TimeSpan.FromMinutes(2)).EnsureSuccess("listing files of " + image);
        return result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal).ToArray();
    }

    public static string[] Strings(JsonElement element) =>
        element.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined ? [] : element.EnumerateArray().Select(e => e.GetString()!).ToArray();

    public static string Show(JsonElement config, string property) =>
        config.TryGetProperty(property, out var value) ? value.ToString() : "(absent)";

    /// <summary>
    /// The uncompressed size of each of the image's layers by DiffID, read from `docker save`: an exact,
    /// independent measure of what a push or a pull of a changed layer costs.
    /// </summary>
    public static Dictionary<string, long> LayerSizes(string image)
    {
        string archive = Path.Combine(TestEnvironment.WorkRoot, "save-" + Guid.NewGuid().ToString("N") + ".tar");
        try
        {
            ProcessRunner.Run("docker", ["save", "-o", archive, image], timeout: TimeSpan.FromMinutes(3)).EnsureSuccess("docker save " + image);
            var sizes = new Dictionary<string, long>();
            var entries = new Dictionary<string, long>();
            string? manifest = null;
            var configs = new Dictionary<string, string>();
            using (var reader = new System.Formats.Tar.TarReader(File.OpenRead(archive)))
            {
                while (reader.GetNextEntry(copyData: true) is { } entry)
                {
                    entries[entry.Name] = entry.Length;
                    if (entry.DataStream is null) continue;
                    if (entry.Name == "manifest.json") manifest = new StreamReader(entry.DataStream).ReadToEnd();
                    else if (entry.Name.EndsWith(".json", StringComparison.Ordinal)) configs[entry.Name] = new StreamReader(entry.DataStream).ReadToEnd();
                }
            }

            using var manifestJson = JsonDocument.Parse(manifest!);
            var first = manifestJson.RootElement[0];
            using var config = JsonDocument.Parse(configs[first.GetProperty("Config").GetString()!]);
            var diffIds = Strings(config.RootElement.GetProperty("rootfs").GetProperty("diff_ids"));
            var layers = Strings(first.GetProperty("Layers"));
            for (int i = 0; i < layers.Length; i++) sizes[diffIds[i]] = entries[layers[i]];
            return sizes;
        }
        finally
        {
            File.Delete(archive);
        }
    }

    public static void RemoveImages(params string[] images)
    {
        foreach (string image in images) ProcessRunner.Docker("image", "rm", "-f", image);
    }
}
