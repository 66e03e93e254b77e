using System.Text.Json;
using Diamol.Build.Diagnostics;

namespace Diamol.Build.Credentials;

/// <summary>
/// docker's client configuration, read as the docker CLI reads it: the folder is DOCKER_CONFIG, else ~/.docker, and
/// config.json in it names the current context, the credential helpers and the stored logins. The one reader of it:
/// the engine locator and the registry credentials both ask here, so a broken file is one error (DIAM3020) wherever
/// it is first needed.
/// </summary>
internal sealed class DockerConfiguration
{
    private readonly JsonElement _root;

    private DockerConfiguration(string directory, JsonElement root)
    {
        Directory = directory;
        _root = root;
    }

    /// <summary>DOCKER_CONFIG, or ~/.docker: also where the context store lives.</summary>
    public string Directory { get; }

    public string FilePath => Path.Combine(Directory, "config.json");

    /// <summary>DOCKER_CONFIG, else ~/.docker.</summary>
    public static string DirectoryOf(LocatorEnvironment env) =>
        env.Variable("DOCKER_CONFIG") is { Length: > 0 } custom ? custom : Path.Combine(env.HomeDirectory, ".docker");

    /// <summary>Reads the configuration; a missing config.json reads as an empty one, as docker's does.</summary>
    public static DockerConfiguration Read(LocatorEnvironment env)
    {
        string directory = DirectoryOf(env);
        string file = Path.Combine(directory, "config.json");
        string? json = env.ReadFile(file);
        if (string.IsNullOrWhiteSpace(json)) return new DockerConfiguration(directory, default);
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement.ValueKind == JsonValueKind.Object
                ? document.RootElement.Clone()
                : throw new JsonException("the top level is not an object");
            return new DockerConfiguration(directory, root);
        }
        catch (JsonException e)
        {
            throw new DiamolException(DiagnosticCode.DIAM3020,
                $"The docker configuration {file} is not valid JSON ({e.Message}). " +
                "Fix it (or remove it and run `docker login` again), or point DOCKER_CONFIG at another folder.");
        }
    }

    /// <summary>currentContext: the docker context `docker context use` chose.</summary>
    public string? CurrentContext => String("currentContext");

    /// <summary>credsStore: the helper that keeps every login not named in credHelpers.</summary>
    public string? CredentialStore => String("credsStore");

    /// <summary>credHelpers: the helper named for one registry (keyed as docker keys logins).</summary>
    public string? CredentialHelperFor(string server) =>
        Object("credHelpers") is { } helpers && helpers.TryGetProperty(server, out var helper) && helper.ValueKind == JsonValueKind.String
            && helper.GetString() is { Length: > 0 } name
            ? name
            : null;

    /// <summary>auths: the logins `docker login` stored in the file itself, by their key (a host, or a URL for Docker Hub).</summary>
    public IEnumerable<(string Key, JsonElement Entry)> StoredLogins =>
        Object("auths") is { } auths ? auths.EnumerateObject().Select(p => (p.Name, p.Value)) : [];

    private string? String(string name) =>
        _root.ValueKind == JsonValueKind.Object && _root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            && value.GetString() is { Length: > 0 } text
            ? text
            : null;

    private JsonElement? Object(string name) =>
        _root.ValueKind == JsonValueKind.Object && _root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Object
            ? value
            : null;
}
