using System.Globalization;
using System.Text.Json.Nodes;

namespace Diamol.Build.DockerfileSyntax;

/// <summary>
/// Reads a HEALTHCHECK instruction's arguments into the config's Healthcheck object as the classic builder stores it:
/// <c>NONE</c>, or <c>--interval/--timeout/--start-period/--retries</c> options and <c>CMD</c> in exec or shell form;
/// durations in nanoseconds, options left unset omitted.
/// </summary>
internal static class HealthcheckReader
{
    private static readonly Dictionary<string, string> DurationFields = new(StringComparer.Ordinal)
    {
        ["interval"] = "Interval",
        ["timeout"] = "Timeout",
        ["start-period"] = "StartPeriod",
    };

    public static JsonObject Read(string arguments)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        string rest = arguments.Trim();
        while (rest.StartsWith("--", StringComparison.Ordinal))
        {
            string[] split = rest.Split((char[]?)null, 2, StringSplitOptions.RemoveEmptyEntries);
            string[] option = split[0][2..].Split('=', 2);
            if (option[0] != "retries" && !DurationFields.ContainsKey(option[0])) throw new FormatException($"Unknown flag: {option[0]}");
            if (option.Length < 2) throw new FormatException($"Missing a value on flag: {option[0]}");
            options[option[0]] = option[1];
            rest = split.Length > 1 ? split[1] : "";
        }

        string[] words = rest.Split((char[]?)null, 2, StringSplitOptions.RemoveEmptyEntries);
        if (words.Length == 0) throw new FormatException("HEALTHCHECK requires an argument");
        string type = words[0].ToUpperInvariant();
        if (type == "NONE")
        {
            if (words.Length > 1 || options.Count > 0) throw new FormatException("HEALTHCHECK NONE takes no arguments");
            return new JsonObject { ["Test"] = new JsonArray("NONE") };
        }

        if (type != "CMD") throw new FormatException($"Unknown type \"{words[0]}\" in HEALTHCHECK (try CMD)");
        if (words.Length < 2) throw new FormatException("Missing command after HEALTHCHECK CMD");
        var exec = ConfigInstructionInterpreter.JsonList(words[1]);
        var test = exec is null ? new[] { "CMD-SHELL", words[1] } : ["CMD", .. exec];
        var check = new JsonObject { ["Test"] = new JsonArray(test.Select(t => (JsonNode)JsonValue.Create(t)!).ToArray()) };
        foreach (var (flag, field) in DurationFields)
        {
            if (!options.TryGetValue(flag, out string? text) || text.Length == 0) continue;
            long nanoseconds = GoDuration.Parse(text);
            if (nanoseconds == 0) continue;
            if (nanoseconds < 1_000_000) throw new FormatException($"Interval \"{flag}\" cannot be less than 1ms");
            check[field] = nanoseconds;
        }

        if (options.TryGetValue("retries", out string? retries))
        {
            if (!long.TryParse(retries, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long count)) throw new FormatException($"Invalid --retries: {retries}");
            if (count < 1) throw new FormatException($"--retries must be at least 1 (not {count})");
            check["Retries"] = count;
        }

        return check;
    }
}
