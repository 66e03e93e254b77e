using System.Security.Cryptography;
using System.Text;
using Diamol.Build.Common;
using Diamol.Build.Context;

namespace Diamol.Build.Pipeline;

/// <summary>
/// What a build is made from. <see cref="Fingerprint"/> covers everything that decides the image; equal fingerprints
/// mean an equal image, so the build can be skipped. <see cref="StepKeys"/> has one key per Dockerfile step (FROM
/// first), each covering that step and every step before it: equal keys up to a step mean the image the last build
/// made at that step is the one this build would make there, which is where a <see cref="DeltaBuild"/> starts.
/// </summary>
internal sealed record BuildInputs(string Fingerprint, IReadOnlyList<string> StepKeys);

/// <summary>
/// Computes <see cref="BuildInputs"/> from the Dockerfile, the content and mode of every context file, the tags, the
/// build arguments and the base image the engine has. File contents come from <see cref="FileDigests"/>: hashed only
/// when a file's stat changed since the last publish, so an unchanged republish reads no file's bytes. File times
/// themselves are left out: the legacy builder ignores them too.
/// </summary>
internal static class BuildFingerprint
{
    /// <param name="state">The staged context: its Dockerfile, manifest and file digests (from staging's stamps when handed over).</param>
    public static BuildInputs Compute(OutputFolderState state, BuildOptions options, string baseImageId)
    {
        var manifest = state.Manifest;
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void Add(string text) => hash.AppendData(Encoding.UTF8.GetBytes(text + "\n"));

        Add(File.ReadAllText(state.Folder.Dockerfile));
        Add(baseImageId);
        foreach (string tag in manifest.FullTags) Add("tag " + tag);
        // The project's build arguments; not the manifest's, which carry per-build metadata (the created time).
        var projectArguments = options.BuildArguments.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => $"arg {a.Key}={a.Value}").ToArray();
        foreach (string argument in projectArguments) Add(argument);

        // The staged files are the plan's (staging removes anything else), each with the mode staging gave it.
        var digests = state.Digests;
        var layerDigests = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var layer in manifest.Plan.Layers)
        {
            using var layerHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            foreach (var file in layer.Files.OrderBy(f => f.RelativePath, StringComparer.Ordinal))
            {
                string line = $"file {layer.ContextFolder}/{file.RelativePath} " +
                    $"{digests.GetValueOrDefault(FileDigests.KeyOf(layer.Name, file.RelativePath), "missing")} {(int)file.Mode}";
                Add(line);
                layerHash.AppendData(Encoding.UTF8.GetBytes(line + "\n"));
            }

            // A writable folder's mode is in the staged folder, not in the Dockerfile's COPY: the key must see it change.
            foreach (var directory in layer.Directories)
            {
                string line = $"dir {layer.ContextFolder}/{directory.RelativePath} {(int)directory.Mode} {directory.Uid}:{directory.Gid}";
                Add(line);
                layerHash.AppendData(Encoding.UTF8.GetBytes(line + "\n"));
            }

            layerDigests[layer.Name] = ContentDigest.Hex(layerHash.GetHashAndReset());
        }

        return new BuildInputs(ContentDigest.Hex(hash.GetHashAndReset()),
            StepKeys(manifest, options, baseImageId, projectArguments, layerDigests));
    }

    // Each key chains the one before it with the step's own text and what it reads: the files of the layer it copies,
    // and for an ARG the values it declares (the per-build label values change every build, so that step and those
    // after it never match). The project's build arguments are in the first key, as any RUN step may read them.
    private static string[] StepKeys(ContextManifest manifest, BuildOptions options, string baseImageId, string[] projectArguments,
        Dictionary<string, string> layerDigests)
    {
        var arguments = manifest.BuildArguments.Concat(options.BuildArguments).GroupBy(a => a.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Last().Value, StringComparer.Ordinal);
        string key = Hash(string.Join("\n", projectArguments.Prepend("base " + baseImageId)));
        var keys = new string[manifest.Instructions.Count];
        for (int i = 0; i < keys.Length; i++)
        {
            var instruction = manifest.Instructions[i];
            var reads = new StringBuilder(instruction.Text);
            if (instruction.LayerName is { } layer) reads.Append("\nlayer ").Append(layerDigests.GetValueOrDefault(layer, "missing"));
            if (instruction.Keyword.Equals("ARG", StringComparison.OrdinalIgnoreCase))
            {
                foreach (string name in ArgumentNames(instruction.Text))
                    reads.Append("\narg ").Append(name).Append('=').Append(arguments.GetValueOrDefault(name, "<unset>"));
            }

            key = Hash(key + "\n" + reads);
            keys[i] = key;
        }

        return keys;
    }

    // "ARG A B=default C" declares A, B and C.
    private static IEnumerable<string> ArgumentNames(string text) =>
        text.Split([' ', '\t', '\\', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(word => word.Split('=')[0]);

    private static string Hash(string text) => ContentDigest.HashOfText(text);
}
