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

    public static void RemoveImages(params string[] images)
    {
        foreach (string image in images) ProcessRunner.Docker("image", "rm", "-f", image);
    }
}
