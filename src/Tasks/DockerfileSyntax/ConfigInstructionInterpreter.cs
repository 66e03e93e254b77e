using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Diamol.Build.DockerfileSyntax;

/// <summary>
/// Applies the instructions of the generated Dockerfile that change only the image config (ENV, LABEL, WORKDIR, EXPOSE,
/// VOLUME, USER, STOPSIGNAL, HEALTHCHECK, SHELL, ENTRYPOINT, CMD, ARG) to a config, with the rules of the engine's
/// classic builder (Docker 20.10, verified against it): the same word splitting, quoting and variable substitution,
/// ENV replacing a variable in place, a relative WORKDIR joined to the current one, port ranges, ENTRYPOINT clearing
/// a CMD this build did not set. The OCI writer reads the very text the engine builds, so both builders agree by
/// construction rather than by keeping two lists of settings in step. Anything the engine would reject is a
/// <see cref="FormatException"/> with the engine's reason.
/// </summary>
internal sealed class ConfigInstructionInterpreter(JsonObject config)
{
    private readonly Dictionary<string, string?> _arguments = new(StringComparer.Ordinal);
    private bool _commandSet;

    /// <summary>Applies one instruction. COPY is the writer's business (a file layer) and is skipped here.</summary>
    public void Apply(string keyword, string arguments)
    {
        arguments = arguments.Trim();
        if (keyword is not ("HEALTHCHECK" or "COPY") && arguments.StartsWith("--", StringComparison.Ordinal))
        {
            string flag = arguments[2..].Split([' ', '\t', '='], 2)[0];
            throw new FormatException($"Unknown flag: {flag}");
        }

        switch (keyword)
        {
            case "ENV":
                foreach (var (name, value) in Pairs("ENV", arguments)) SetEnvironment(name, value);
                break;
            case "LABEL":
                var labels = config["Labels"] as JsonObject ?? new JsonObject();
                foreach (var (name, value) in Pairs("LABEL", arguments)) labels[name] = value;
                config["Labels"] = labels;
                break;
            case "ARG":
                foreach (string word in DockerfileWords.Split(arguments))
                {
                    int equals = word.IndexOf('=');
                    string name = equals < 0 ? word : word[..equals];
                    _arguments[name] = equals < 0 ? null : Expand(word[(equals + 1)..]);
                }

                break;
            case "WORKDIR":
                config["WorkingDir"] = WorkingDirectory(config["WorkingDir"]?.GetValue<string>() ?? "", Expand(arguments));
                break;
            case "USER":
                config["User"] = Expand(arguments);
                break;
            case "EXPOSE":
                var ports = config["ExposedPorts"] as JsonObject ?? new JsonObject();
                foreach (string word in arguments.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
                {
                    foreach (string port in Expand(word).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
                    {
                        foreach (string key in PortKeys(port)) ports[key] = new JsonObject();
                    }
                }

                config["ExposedPorts"] = ports;
                break;
            case "VOLUME":
                var volumes = config["Volumes"] as JsonObject ?? new JsonObject();
                foreach (string word in JsonList(arguments) ?? arguments.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
                {
                    string volume = Expand(word);
                    if (volume.Trim().Length == 0) throw new FormatException("VOLUME specified can not be an empty string");
                    volumes[volume] = new JsonObject();
                }

                config["Volumes"] = volumes;
                break;
            case "STOPSIGNAL":
                string signal = Expand(arguments);
                if (!StopSignal.IsValid(signal)) throw new FormatException($"Invalid signal: {signal}");
                config["StopSignal"] = signal;
                break;
            case "SHELL":
                var shell = JsonList(arguments) ?? throw new FormatException("SHELL requires the arguments to be in JSON form");
                if (shell.Count == 0) throw new FormatException("SHELL requires at least one argument");
                config["Shell"] = Strings(shell);
                break;
            case "HEALTHCHECK":
                config["Healthcheck"] = HealthcheckReader.Read(arguments);
                break;
            case "ENTRYPOINT":
                var entrypoint = CommandLine(arguments);
                // The engine keeps `ENTRYPOINT []` as no entrypoint.
                config["Entrypoint"] = entrypoint.Count == 0 ? null : Strings(entrypoint);
                if (!_commandSet) config["Cmd"] = null;
                break;
            case "CMD":
                config["Cmd"] = Strings(CommandLine(arguments));
                _commandSet = true;
                break;
            case "COPY":
                break;
            default:
                throw new FormatException($"{keyword} needs the engine: the OCI writer applies only instructions that change the image config");
        }
    }

    /// <summary>Checks an instruction the way the engine's parser would, before any engine sees it (variables unset).</summary>
    public static void Check(string keyword, string arguments) => new ConfigInstructionInterpreter(new JsonObject()).Apply(keyword, arguments);

    private void SetEnvironment(string name, string value)
    {
        var env = (config["Env"] as JsonArray)?.Select(e => e!.GetValue<string>()).ToList() ?? [];
        int existing = env.FindIndex(e => e.Split('=', 2)[0] == name);
        if (existing >= 0) env[existing] = name + "=" + value; else env.Add(name + "=" + value);
        config["Env"] = Strings(env);
    }

    // ENV and LABEL take `name=value ...` or, when the first word has no '=', the old `name value` form.
    private IEnumerable<(string Name, string Value)> Pairs(string keyword, string arguments)
    {
        var words = DockerfileWords.Split(arguments);
        if (words.Count == 0) throw new FormatException($"{keyword} requires at least one argument");
        var pairs = new List<(string, string)>();
        if (!words[0].Contains('=', StringComparison.Ordinal))
        {
            string[] parts = arguments.Split((char[]?)null, 2, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length < 2) throw new FormatException($"{keyword} must have two arguments");
            pairs.Add((parts[0], parts[1]));
        }
        else
        {
            foreach (string word in words)
            {
                int equals = word.IndexOf('=');
                if (equals < 0) throw new FormatException($"Syntax error - can't find = in \"{word}\". Must be of the form: name=value");
                pairs.Add((word[..equals], word[(equals + 1)..]));
            }
        }

        if (pairs.Any(p => p.Item1.Length == 0)) throw new FormatException($"{keyword} names can not be blank");
        // Every pair is expanded with the variables as they were before this instruction, as the engine does.
        return pairs.Select(p => (Expand(p.Item1), Expand(p.Item2))).ToArray();
    }

    private string Expand(string word) => DockerfileWords.Expand(word, Lookup);

    // ENV wins over ARG; an ARG without a value is unset.
    private string? Lookup(string name)
    {
        foreach (var entry in (config["Env"] as JsonArray)?.Select(e => e!.GetValue<string>()) ?? [])
        {
            string[] parts = entry.Split('=', 2);
            if (parts[0] == name) return parts.Length > 1 ? parts[1] : "";
        }

        return _arguments.GetValueOrDefault(name);
    }

    // An absolute directory is kept as written; a relative one is joined to the current one and cleaned.
    private static string WorkingDirectory(string current, string requested)
    {
        if (requested.Length == 0) throw new FormatException("cannot normalize nothing");
        if (requested.StartsWith('/')) return requested;
        var parts = new List<string>();
        foreach (string part in (current + "/" + requested).Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (part == ".") continue;
            if (part == "..")
            {
                if (parts.Count > 0) parts.RemoveAt(parts.Count - 1);
                continue;
            }

            parts.Add(part);
        }

        return "/" + string.Join("/", parts);
    }

    // `[ip:[hostPort]:]containerPort[-end][/proto]`: the key is each container port with its protocol.
    private static IEnumerable<string> PortKeys(string spec)
    {
        string proto = "tcp";
        int slash = spec.LastIndexOf('/');
        if (slash >= 0)
        {
            proto = spec[(slash + 1)..].ToLowerInvariant();
            spec = spec[..slash];
            if (proto is not ("tcp" or "udp" or "sctp")) throw new FormatException($"Invalid proto: {proto}");
        }

        string port = spec[(spec.LastIndexOf(':') + 1)..];
        string[] range = port.Split('-', 2);
        if (!ushort.TryParse(range[0], NumberStyles.None, CultureInfo.InvariantCulture, out ushort start)
            || (range.Length == 2 && (!ushort.TryParse(range[1], NumberStyles.None, CultureInfo.InvariantCulture, out ushort end) || end < start)))
        {
            throw new FormatException($"Invalid containerPort: {port}");
        }

        int last = range.Length == 2 ? ushort.Parse(range[1], CultureInfo.InvariantCulture) : start;
        for (int p = start; p <= last; p++) yield return $"{p}/{proto}";
    }

    // ENTRYPOINT and CMD: the exec form as given, or the shell form run by the SHELL in effect.
    private IReadOnlyList<string> CommandLine(string arguments)
    {
        if (JsonList(arguments) is { } exec) return exec;
        var shell = (config["Shell"] as JsonArray)?.Select(s => s!.GetValue<string>()).ToList() ?? ["/bin/sh", "-c"];
        return [.. shell, arguments];
    }

    /// <summary>A JSON array of strings, or null when the text is not JSON (then it is the shell form).</summary>
    public static IReadOnlyList<string>? JsonList(string arguments)
    {
        if (!arguments.StartsWith('[')) return null;
        JsonArray? array;
        try
        {
            array = JsonNode.Parse(arguments) as JsonArray;
        }
        catch (JsonException)
        {
            return null;
        }

        if (array is null) return null;
        if (array.Any(n => n is not JsonValue v || v.GetValueKind() != JsonValueKind.String))
        {
            throw new FormatException("when using JSON array syntax, arrays must be comprised of strings only");
        }

        return array.Select(n => n!.GetValue<string>()).ToArray();
    }

    private static JsonArray Strings(IEnumerable<string> values) => new(values.Select(v => (JsonNode)JsonValue.Create(v)!).ToArray());
}
