using System.Text;
using System.Text.Json.Nodes;
using Diamol.Build.Dockerfile;

namespace Diamol.Build.Oci;

/// <summary>What the OCI writer made of the base image's config: bytes, digest, and the history it wrote.</summary>
public sealed record ImageConfig(byte[] Bytes, string Digest, IReadOnlyList<string> DiffIds, IReadOnlyList<ConfigHistoryEntry> History,
    IReadOnlyList<string> Env, string? Os, string? Architecture);

/// <summary>One history entry of the config, with the number of layers the image has after it (exact, not guessed).</summary>
public sealed record ConfigHistoryEntry(string CreatedBy, DateTimeOffset? Created, bool EmptyLayer, int LayerCount);

/// <summary>
/// Writes the image config as the engine would after running the generated Dockerfile on the base image: the base's
/// config with the Dockerfile's settings applied by the same rules (ENV replaces a variable in place, ENTRYPOINT clears
/// an inherited CMD, labels and ports merge), our layers' DiffIDs after the base's, one history entry per instruction
/// after FROM (named by the instruction, so the history artifact and `docker history` line up), and the reproducible
/// time everywhere a time goes.
/// </summary>
public static class ImageConfigWriter
{
    public static ImageConfig Write(
        byte[] baseConfig, ImageSettings settings, IReadOnlyList<DockerfileInstruction> instructions, IReadOnlyDictionary<string, LayerBlob> layers, DateTimeOffset time)
    {
        if (settings.CustomInstructions.Count > 0)
        {
            throw new Diagnostics.DiamolException(Diagnostics.DiagnosticCode.DIAM1015,
                $"The OCI builder does not apply DiamolInstruction items yet ({string.Join(", ", settings.CustomInstructions.Distinct())}): they are Dockerfile " +
                "instructions, which the engine runs. Set DiamolBuilder=docker (a Docker engine builds the image), or move the setting to the SDK's " +
                "Container* properties (ContainerEnvironmentVariable, ContainerLabel, ContainerPort).");
        }

        var root = JsonNode.Parse(baseConfig)?.AsObject()
            ?? throw new Diagnostics.DiamolException(Diagnostics.DiagnosticCode.DIAM3011, "The base image's config is not a JSON object.");
        // They describe how the base itself was built, not this image.
        root.Remove("container");
        root.Remove("container_config");
        root.Remove("docker_version");
        string stamp = ReproducibleTime.Format(time);
        root["created"] = stamp;

        var config = root["config"] as JsonObject ?? new JsonObject();
        root["config"] = config;
        ApplySettings(config, settings, stamp);

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

        byte[] bytes = Encoding.UTF8.GetBytes(root.ToJsonString(OciJson.Options));
        return new ImageConfig(bytes, "sha256:" + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(bytes)).ToLowerInvariant(),
            diffIds.Select(d => d!.GetValue<string>()).ToArray(), entries,
            (config["Env"] as JsonArray)?.Select(e => e!.GetValue<string>()).ToArray() ?? [],
            root["os"]?.GetValue<string>(), root["architecture"]?.GetValue<string>());
    }

    private static void ApplySettings(JsonObject config, ImageSettings settings, string stamp)
    {
        var env = (config["Env"] as JsonArray)?.Select(e => e!.GetValue<string>()).ToList() ?? [];
        foreach (var variable in settings.Environment)
        {
            int existing = env.FindIndex(e => e.StartsWith(variable.Name + "=", StringComparison.Ordinal) || e == variable.Name);
            string value = $"{variable.Name}={variable.Value}";
            if (existing >= 0) env[existing] = value; else env.Add(value);
        }

        config["Env"] = new JsonArray(env.Select(e => (JsonNode)JsonValue.Create(e)!).ToArray());

        if (settings.Labels.Count > 0)
        {
            var labels = config["Labels"] as JsonObject ?? new JsonObject();
            foreach (var label in settings.Labels)
            {
                labels[label.Name] = ImageSettings.TimeLabels.Contains(label.Name) ? stamp : label.Value;
            }

            config["Labels"] = labels;
        }

        config["WorkingDir"] = settings.WorkingDirectory;

        if (settings.Ports.Count > 0)
        {
            var ports = config["ExposedPorts"] as JsonObject ?? new JsonObject();
            foreach (string port in settings.Ports) ports[port] = new JsonObject();
            config["ExposedPorts"] = ports;
        }

        if (settings.Entrypoint is not null)
        {
            // The engine stores `ENTRYPOINT []` as no entrypoint, and clears a CMD inherited from the base image.
            config["Entrypoint"] = settings.Entrypoint.Count == 0 ? null : Strings(settings.Entrypoint);
            config["Cmd"] = null;
        }

        if (settings.Command is not null) config["Cmd"] = Strings(settings.Command);
        if (settings.User is not null) config["User"] = settings.User;
    }

    private static JsonArray Strings(IEnumerable<string> values) => new(values.Select(v => (JsonNode)JsonValue.Create(v)!).ToArray());

    // Multi-line instructions (ENV and LABEL continuation lines) as one line, as the engine records them.
    private static string OneLine(string text) => text.Replace(" \\\n    ", " ", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);

    private static DateTimeOffset? ParseTime(JsonNode? node) =>
        node is not null && DateTimeOffset.TryParse(node.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.AssumeUniversal, out var time) ? time : null;
}
