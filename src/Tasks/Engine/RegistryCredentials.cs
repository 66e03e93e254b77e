using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Diamol.Build.Diagnostics;

namespace Diamol.Build.Engine;

/// <summary>A registry login: user and password, or an identity token. Never logged.</summary>
public sealed record RegistryLogin(string ServerAddress, string? Username, string? Password, string? IdentityToken)
{
    // Keep secrets out of any accidental string formatting.
    public override string ToString() => $"login for {ServerAddress}";
}

/// <summary>
/// Finds the credentials docker itself would use for a registry: from DOCKER_CONFIG (or ~/.docker)/config.json,
/// a credential helper named for the registry in credHelpers, else the credsStore helper, else the auths entry.
/// Helpers are the `docker-credential-NAME` programs on PATH, spoken to with their `get` protocol.
/// </summary>
public static class RegistryCredentials
{
    private const string DockerHubServer = "https://index.docker.io/v1/";

    public static RegistryLogin? Find(string registry, LocatorEnvironment env)
    {
        string configDirectory = env.Variable("DOCKER_CONFIG") is { Length: > 0 } custom ? custom : Path.Combine(env.HomeDirectory, ".docker");
        string configFile = Path.Combine(configDirectory, "config.json");
        string? json = env.ReadFile(configFile);
        if (json is null) return null;

        string server = IsDockerHub(registry) ? DockerHubServer : registry;
        using var config = ParseConfig(json, configFile);
        var root = config.RootElement;

        if (root.TryGetProperty("credHelpers", out var helpers) && helpers.ValueKind == JsonValueKind.Object
            && helpers.TryGetProperty(server, out var helper) && helper.GetString() is { Length: > 0 } helperName)
        {
            return FromHelper(helperName, server);
        }

        if (root.TryGetProperty("credsStore", out var store) && store.GetString() is { Length: > 0 } storeName)
        {
            var stored = FromHelper(storeName, server);
            if (stored is not null) return stored;
        }

        if (root.TryGetProperty("auths", out var auths) && auths.ValueKind == JsonValueKind.Object)
        {
            foreach (var entry in auths.EnumerateObject())
            {
                if (!SameRegistry(entry.Name, server)) continue;
                string? identityToken = entry.Value.TryGetProperty("identitytoken", out var token) ? token.GetString() : null;
                if (entry.Value.TryGetProperty("auth", out var auth) && auth.GetString() is { Length: > 0 } encoded)
                {
                    string decoded = Encoding.UTF8.GetString(Convert.FromBase64String(encoded));
                    int colon = decoded.IndexOf(':');
                    if (colon < 0) continue;
                    return new RegistryLogin(server, decoded[..colon], decoded[(colon + 1)..], identityToken);
                }

                if (identityToken is not null) return new RegistryLogin(server, null, null, identityToken);
            }
        }

        return null;
    }

    /// <summary>The registry part of an image name: its first component when that looks like a host, else Docker Hub.</summary>
    public static string RegistryOf(Spec.ImageReference reference) => reference.Registry ?? "docker.io";

    private static JsonDocument ParseConfig(string json, string path)
    {
        try
        {
            return JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new DiamolException(DiagnosticCode.DIAM3005, $"The docker configuration {path} is not valid JSON ({e.Message}). Fix it, or log in again with `docker login`.");
        }
    }

    private static RegistryLogin? FromHelper(string helper, string server)
    {
        string program = "docker-credential-" + helper;
        var start = new ProcessStartInfo(program, "get")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        try
        {
            using var process = Process.Start(start)!;
            process.StandardInput.Write(server);
            process.StandardInput.Close();
            var output = process.StandardOutput.ReadToEndAsync();
            if (!process.WaitForExit(10_000))
            {
                process.Kill(entireProcessTree: true);
                throw new DiamolException(DiagnosticCode.DIAM3005, $"The credential helper {program} did not answer within 10 seconds for {server}.");
            }

            // Helpers say "credentials not found" with a non-zero exit: no login, not an error.
            if (process.ExitCode != 0) return null;
            using var answer = JsonDocument.Parse(output.Result);
            string? username = answer.RootElement.GetProperty("Username").GetString();
            string? secret = answer.RootElement.GetProperty("Secret").GetString();
            // "<token>" as the user name marks an identity token, as in docker's own client.
            return username == "<token>" ? new RegistryLogin(server, null, null, secret) : new RegistryLogin(server, username, secret, null);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            throw new DiamolException(DiagnosticCode.DIAM3005,
                $"The docker configuration names the credential helper '{helper}' for {server}, but {program} is not on PATH. Install it, or remove it from config.json.");
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new DiamolException(DiagnosticCode.DIAM3005, $"The credential helper {program} gave an answer that is not the helper protocol's JSON for {server}.");
        }
    }

    private static bool IsDockerHub(string registry) => registry is "docker.io" or "index.docker.io" or "registry-1.docker.io";

    // config.json keys may carry a scheme and a path ("https://localhost:5001/v2/").
    private static bool SameRegistry(string key, string server)
    {
        if (key == server) return true;
        string Host(string value) => value.Replace("https://", "", StringComparison.Ordinal).Replace("http://", "", StringComparison.Ordinal).Split('/')[0];
        return server != DockerHubServer && Host(key) == Host(server);
    }
}
