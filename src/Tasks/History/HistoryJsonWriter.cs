using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Diamol.Build.History;

/// <summary>Writes and reads image-history.json (camelCase, indented, stable property order).</summary>
internal static class HistoryJsonWriter
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public static string Write(LayerHistory history) => JsonSerializer.Serialize(history, Options) + "\n";

    public static LayerHistory Read(string json) =>
        JsonSerializer.Deserialize<LayerHistory>(json, Options) ?? throw new JsonException("The history artifact is empty.");
}
