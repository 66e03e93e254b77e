using System.Security.Cryptography;
using System.Text;
using Diamol.Build.Context;

namespace Diamol.Build.Pipeline;

/// <summary>
/// Everything that decides what image a build produces: the Dockerfile, the content and mode of every context file,
/// the tags, the build arguments that are not per-build metadata, and the base image the engine has. Equal
/// fingerprints mean an equal image, so the build can be skipped. File contents come from <see cref="FileDigests"/>:
/// hashed only when a file's stat changed since the last publish, so an unchanged republish reads no file's bytes.
/// File times themselves are left out: the legacy builder ignores them too.
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

        // The staged files are the plan's (staging removes anything else), each with the mode staging gave it.
        var digests = FileDigests.ForContext(contextDirectory, manifest);
        foreach (var layer in manifest.Plan.Layers)
        {
            foreach (var file in layer.Files.OrderBy(f => f.RelativePath, StringComparer.Ordinal))
            {
                string key = FileDigests.KeyOf(layer.Name, file.RelativePath);
                Add($"file {layer.ContextFolder}/{file.RelativePath} {digests.GetValueOrDefault(key, "missing")} {(int)file.Mode}");
            }
        }

        return Convert.ToHexString(hash.GetHashAndReset()).ToLowerInvariant();
    }
}
