using System.Security.Cryptography;
using System.Text;
using Diamol.Build.Context;

namespace Diamol.Build.Pipeline;

/// <summary>
/// Everything that decides what image a build produces: the Dockerfile, the content of every context file, the
/// tags, the build arguments that are not per-build metadata, and the base image the engine has. Equal fingerprints
/// mean an equal image, so the build can be skipped. File times are left out: the legacy builder ignores them too.
/// </summary>
public static class BuildFingerprint
{
    public static string Compute(string contextDirectory, ContextManifest manifest, BuildOptions options, string baseImageId)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void Add(string text) => hash.AppendData(Encoding.UTF8.GetBytes(text + "\n"));

        Add(File.ReadAllText(Path.Combine(contextDirectory, ContextStager.DockerfileName)));
        Add(baseImageId);
        foreach (string tag in manifest.FullTags) Add("tag " + tag);
        // The project's build arguments; not the manifest's, which carry per-build metadata (the created time).
        foreach (var (name, value) in options.BuildArguments.OrderBy(a => a.Key, StringComparer.Ordinal))
        {
            Add($"arg {name}={value}");
        }

        string layers = Path.Combine(contextDirectory, ContextStager.LayersFolder);
        if (Directory.Exists(layers))
        {
            foreach (string file in Directory.EnumerateFiles(layers, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                using var stream = File.OpenRead(file);
                Add($"file {Path.GetRelativePath(contextDirectory, file).Replace('\\', '/')} {Convert.ToHexString(SHA256.HashData(stream))} {(OperatingSystem.IsWindows() ? 0 : (int)File.GetUnixFileMode(file))}");
            }
        }

        return Convert.ToHexString(hash.GetHashAndReset()).ToLowerInvariant();
    }
}
