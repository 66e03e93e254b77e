using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Diamol.Build.Diagnostics;

namespace Diamol.Build.Credentials;

/// <summary>
/// Finds the credentials docker itself would use for a registry, from its <see cref="DockerConfiguration"/>:
/// a credential helper named for the registry in credHelpers, else the credsStore helper, else the auths entry.
/// Helpers are the `docker-credential-NAME` programs on PATH, spoken to with their `get` protocol.
/// </summary>
internal static class RegistryCredentials
{
    private const string DockerHubServer = "https://index.docker.io/v1/";

    public static RegistryLogin? Find(string registry, LocatorEnvironment env)
    {
        var config = DockerConfiguration.Read(env);
        string server = Spec.ImageReference.IsDockerHub(registry) ? DockerHubServer : registry;

        if (config.CredentialHelperFor(server) is { } helperName) return FromHelper(helperName, server);

        if (config.CredentialStore is { } storeName && FromHelper(storeName, server) is { } stored) return stored;

        foreach (var (key, entry) in config.StoredLogins)
        {
            if (!SameRegistry(key, server) || entry.ValueKind != JsonValueKind.Object) continue;
            string? identityToken = entry.TryGetProperty("identitytoken", out var token) && token.ValueKind == JsonValueKind.String
                ? token.GetString()
                : null;
            if (entry.TryGetProperty("auth", out var auth) && auth.ValueKind == JsonValueKind.String && auth.GetString() is { Length: > 0 } encoded)
            {
                string decoded;
                try
                {
                    decoded = Encoding.UTF8.GetString(Convert.FromBase64String(encoded));
                }
                catch (FormatException)
                {
                    throw new DiamolException(DiagnosticCode.DIAM3020,
                        $"The docker configuration {config.FilePath} stores a login for {key} whose auth value is not base64. " +
                        $"Log in again with `docker login {key}`.");
                }

                int colon = decoded.IndexOf(':');
                if (colon < 0) continue;
                return new RegistryLogin(server, decoded[..colon], decoded[(colon + 1)..], identityToken);
            }

            if (identityToken is not null) return new RegistryLogin(server, null, null, identityToken);
        }

        return null;
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
                $"The docker configuration names the credential helper '{helper}' for {server}, but {program} is not on PATH. " +
                "Install it, or remove it from config.json.");
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new DiamolException(DiagnosticCode.DIAM3005,
                $"The credential helper {program} gave an answer that is not the helper protocol's JSON for {server}.");
        }
    }

    // config.json keys may carry a scheme and a path ("https://localhost:5001/v2/").
    private static bool SameRegistry(string key, string server)
    {
        if (key == server) return true;
        string Host(string value) => value.Replace("https://", "", StringComparison.Ordinal).Replace("http://", "", StringComparison.Ordinal)
            .Split('/')[0];
        return server != DockerHubServer && Host(key) == Host(server);
    }
}
