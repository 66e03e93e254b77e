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

    /// <summary>How many containers the shared engine has, running or not: what a failed build must not leave behind.</summary>
    public static int Containers() =>
        ProcessRunner.Docker("ps", "-aq").EnsureSuccess("docker ps").Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;

    /// <summary>Every file under <paramref name="directory"/> in the image with its SHA-256, sorted: "hash  ./path" lines.</summary>
    public static string[] Files(string image, string directory)
    {
        var result = ProcessRunner.Run("docker",
            ["run", "--rm", "--network", "none", "--user", "0", "--entrypoint", "/bin/sh", image, "-c",
             $"cd {directory} && find . -type f -exec sha256sum {{}} +"],
            timeout: TimeSpan.FromMinutes(2)).EnsureSuccess("listing files of " + image);
        return result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal).ToArray();
    }

    /// <summary>Every entry under <paramref name="directory"/> with its permission bits: "755 ./App" lines, sorted.</summary>
    public static string[] Modes(string image, string directory)
    {
        var result = ProcessRunner.Run("docker",
            ["run", "--rm", "--network", "none", "--user", "0", "--entrypoint", "/bin/sh", image, "-c", $"cd {directory} && find . -printf '%m %p\\n'"],
            timeout: TimeSpan.FromMinutes(2)).EnsureSuccess("listing modes of " + image);
        return result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal).ToArray();
    }

    /// <summary>
    /// The regular files below <paramref name="prefix"/> in each layer that has any, read from `docker save`: how the
    /// image's files are split into layers, independently of how it was made.
    /// </summary>
    public static string[] FileLayers(string image, string prefix = "app/")
    {
        string archive = Path.Combine(TestEnvironment.WorkRoot, "save-" + Guid.NewGuid().ToString("N") + ".tar");
        try
        {
            ProcessRunner.Run("docker", ["save", "-o", archive, image], timeout: TimeSpan.FromMinutes(3)).EnsureSuccess("docker save " + image);
            var layerFiles = new Dictionary<string, byte[]>();
            string? manifest = null;
            using (var reader = new System.Formats.Tar.TarReader(File.OpenRead(archive)))
            {
                while (reader.GetNextEntry(copyData: true) is { } entry)
                {
                    if (entry.DataStream is null) continue;
                    using var buffer = new MemoryStream();
                    entry.DataStream.CopyTo(buffer);
                    if (entry.Name == "manifest.json") manifest = System.Text.Encoding.UTF8.GetString(buffer.ToArray());
                    else layerFiles[entry.Name] = buffer.ToArray();
                }
            }

            using var json = JsonDocument.Parse(manifest!);
            var result = new List<string>();
            foreach (string layer in Strings(json.RootElement[0].GetProperty("Layers")))
            {
                var names = new List<string>();
                using var layerReader = new System.Formats.Tar.TarReader(new MemoryStream(layerFiles[layer]));
                while (layerReader.GetNextEntry() is { } entry)
                {
                    if (entry.EntryType is System.Formats.Tar.TarEntryType.RegularFile or System.Formats.Tar.TarEntryType.V7RegularFile
                        && entry.Name.StartsWith(prefix, StringComparison.Ordinal)) names.Add(entry.Name);
                }

                if (names.Count > 0) result.Add(string.Join(" ", names.Order(StringComparer.Ordinal)));
            }

            return result.ToArray();
        }
        finally
        {
            File.Delete(archive);
        }
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
