using System.Text;
using System.Text.Json.Nodes;
using Diamol.Build.Common;
using Diamol.Build.Context;
using Diamol.Build.Dockerfile;
using Diamol.Build.DockerfileSyntax;
using Diamol.Build.Spec;

namespace Diamol.Build.Oci;

/// <summary>What the OCI writer made of the base image's config: bytes, digest, and the history it wrote.</summary>
internal sealed record ImageConfig(byte[] Bytes, string Digest, IReadOnlyList<string> DiffIds, IReadOnlyList<ConfigHistoryEntry> History,
    IReadOnlyList<string> Env, string? Os, string? Architecture, IReadOnlyDictionary<string, string> Labels);

/// <summary>One history entry of the config, with the number of layers the image has after it (exact, not guessed).</summary>
internal sealed record ConfigHistoryEntry(string CreatedBy, DateTimeOffset? Created, bool EmptyLayer, int LayerCount);

/// <summary>
/// Writes the image config as the engine would after running the generated Dockerfile on the base image: the base's
/// config with the Dockerfile's own instructions applied by the engine's rules (<see cref="ConfigInstructionInterpreter"/>:
/// the instructions Diamol.Build writes and the project's DiamolInstruction items alike), our layers' DiffIDs after the base's, one history entry per instruction
/// after FROM (named by the instruction, so the history artifact and `docker history` line up), the platform of the
/// runtime identifier, and the reproducible time everywhere a time goes.
/// </summary>
internal static class ImageConfigWriter
{
    public static ImageConfig Write(
        byte[] baseConfig, ImagePlatform platform, ImageSettings settings, IReadOnlyList<DockerfileInstruction> instructions, IReadOnlyDictionary<string, LayerBlob> layers, DateTimeOffset time)
    {
        var root = JsonNode.Parse(baseConfig)?.AsObject()
            ?? throw new Diagnostics.DiamolException(Diagnostics.DiagnosticCode.DIAM3011, "The base image's config is not a JSON object.");
        // They describe how the base itself was built, not this image.
        root.Remove("container");
        root.Remove("container_config");
        root.Remove("docker_version");
        string stamp = ReproducibleTime.Format(time);
        root["created"] = stamp;
        // The platform is the runtime identifier's, whatever the base's config says (the base was checked to match it,
        // or to name none): the app's binaries are built for it.
        root["os"] = platform.Os;
        root["architecture"] = platform.Architecture;
        if (platform.Variant is { } variant) root["variant"] = variant;
        else root.Remove("variant");

        var config = root["config"] as JsonObject ?? new JsonObject();
        root["config"] = config;
        ApplyInstructions(config, settings, instructions, stamp);

        var rootfs = root["rootfs"] as JsonObject ?? new JsonObject { ["type"] = "layers" };
        root["rootfs"] = rootfs;
        var diffIds = rootfs["diff_ids"] as JsonArray ?? [];
        rootfs["diff_ids"] = diffIds;

        var history = root["history"] as JsonArray ?? [];
        root["history"] = history;
        var entries = new List<ConfigHistoryEntry>();
        int layerCount = 0;
        foreach (var entry in history.OfType<JsonObject>())
        {
            bool empty = entry["empty_layer"]?.GetValue<bool>() == true;
            if (!empty) layerCount++;
            entries.Add(new ConfigHistoryEntry(entry["created_by"]?.GetValue<string>() ?? "", ParseTime(entry["created"]), empty, layerCount));
        }

        foreach (var instruction in instructions)
        {
            string createdBy = OneLine(instruction.Text);
            bool empty = instruction.LayerName is null || !layers.ContainsKey(instruction.LayerName);
            var node = new JsonObject { ["created"] = stamp, ["created_by"] = createdBy, ["comment"] = "Diamol.Build" };
            if (empty)
            {
                node["empty_layer"] = true;
            }
            else
            {
                diffIds.Add(layers[instruction.LayerName!].DiffId);
                layerCount++;
            }

            history.Add(node);
            entries.Add(new ConfigHistoryEntry(createdBy, time, empty, layerCount));
        }

        byte[] bytes = Encoding.UTF8.GetBytes(root.ToJsonString(CompactJson.Options));
        return new ImageConfig(bytes, ContentDigest.Of(bytes),
            diffIds.Select(d => d!.GetValue<string>()).ToArray(), entries,
            (config["Env"] as JsonArray)?.Select(e => e!.GetValue<string>()).ToArray() ?? [],
            root["os"]?.GetValue<string>(), root["architecture"]?.GetValue<string>(),
            (config["Labels"] as JsonObject)?.ToDictionary(l => l.Key, l => l.Value?.GetValue<string>() ?? "") ?? new Dictionary<string, string>());
    }

    // The config is what the Dockerfile's own text does to the base's config; only the per-build label values, which
    // the engine gets as build arguments, come from the settings (and a time label gets the reproducible time).
    private static void ApplyInstructions(JsonObject config, ImageSettings settings, IReadOnlyList<DockerfileInstruction> instructions, string stamp)
    {
        var interpreter = new ConfigInstructionInterpreter(config);
        foreach (var instruction in instructions)
        {
            string arguments = instruction.Text[instruction.Keyword.Length..].Replace("\\\n", "", StringComparison.Ordinal);
            try
            {
                interpreter.Apply(instruction.Keyword, arguments);
            }
            catch (FormatException e)
            {
                throw new Diagnostics.DiamolException(Diagnostics.DiagnosticCode.DIAM1011,
                    $"The Dockerfile instruction '{OneLine(instruction.Text)}' (line {instruction.Line}) cannot be applied: {e.Message}. " +
                    "The engine would refuse it too; correct the DiamolInstruction item or the property it comes from.");
            }
        }

        if (config["Labels"] is JsonObject labels)
        {
            foreach (var label in settings.VolatileLabels)
            {
                labels[label.Name] = ContainerSpecFactory.TimeLabelKeys.Contains(label.Name) ? stamp : label.Value;
            }
        }
    }

    // Multi-line instructions (ENV and LABEL continuation lines) as one line, as the engine records them.
    private static string OneLine(string text) => text.Replace(" \\\n    ", " ", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);

    private static DateTimeOffset? ParseTime(JsonNode? node) =>
        node is not null && DateTimeOffset.TryParse(node.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.AssumeUniversal, out var time) ? time : null;
}
