using System.Text.Json;

namespace Diamol.Build.Registry;

/// <summary>The distribution spec's error body, <c>{"errors":[{"code","message","detail"}]}</c>, read leniently.</summary>
internal sealed record RegistryErrorBody(IReadOnlyList<(string Code, string Message)> Errors)
{
    public static RegistryErrorBody Empty { get; } = new([]);

    public bool Has(string code) => Errors.Any(e => e.Code == code);

    /// <summary>"CODE: message; ..." for a diagnostic, or null when the body said nothing usable.</summary>
    public string? Summary => Errors.Count == 0
        ? null
        : string.Join("; ", Errors.Select(e => e.Message.Length == 0 ? e.Code : $"{e.Code}: {e.Message}"));

    public static RegistryErrorBody Parse(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("errors", out var errors)
                || errors.ValueKind != JsonValueKind.Array)
            {
                return Empty;
            }

            var list = new List<(string, string)>();
            foreach (var error in errors.EnumerateArray())
            {
                if (error.ValueKind != JsonValueKind.Object) continue;
                string code = error.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString()! : "";
                string message = error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString()! : "";
                list.Add((code, message));
            }

            return new RegistryErrorBody(list);
        }
        catch (JsonException)
        {
            return Empty;
        }
    }

    public static async Task<RegistryErrorBody> ReadAsync(HttpResponseMessage response, CancellationToken ct)
    {
        try
        {
            // Error bodies are small; a huge one is not an error body.
            if (response.Content.Headers.ContentLength > 64 * 1024) return Empty;
            return Parse(await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false));
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            return Empty;
        }
    }
}
