using System.Text;
using Diamol.Build.Common;
using Diamol.Build.Context;
using Diamol.Build.Diagnostics;
using Diamol.Build.Sbom;

namespace Diamol.Build.Pipeline;

/// <summary>What the SBOM stage needs beyond the output folder's records: the project's restore and names.</summary>
/// <param name="AssetsFile">ProjectAssetsFile: obj/project.assets.json.</param>
internal sealed record SbomOptions(string AssetsFile, string TargetFramework, string? RuntimeIdentifier, string AppName, string AppVersion,
    SbomFormats Formats, string ToolVersion, string? SourceDateEpoch);

/// <summary>
/// Writes the image's SBOMs (sbom.spdx.json, sbom.cdx.json) into the output folder, from what the earlier stages
/// recorded there: the layer plan and base image (.diamol/manifest.json), the files' SHA-256 (the context's
/// digests), the image's environment and digests (.diamol/build.json); and from the project's restore.
/// </summary>
internal static class SbomStage
{
    public static (IReadOnlyList<string> Written, IReadOnlyList<Diagnostic> Warnings) Run(OutputFolderState state, SbomOptions options)
    {
        var folder = state.Folder;
        string[] paths = [folder.SpdxSbom, folder.CycloneDxSbom];
        if (!options.Formats.Any)
        {
            // Off: an SBOM of an earlier publish would describe another image.
            foreach (string path in paths) AtomicFile.TryDelete(path);
            return ([], []);
        }

        if (!File.Exists(options.AssetsFile))
        {
            foreach (string path in paths) AtomicFile.TryDelete(path);
            return ([], [new Diagnostic(DiagnosticCode.DIAM2027,
                $"No SBOM was written: it is made from the project's restore, and ProjectAssetsFile ('{options.AssetsFile}') does not exist. " +
                "Restore the project (publish without --no-restore), or set DiamolSbom to false.")]);
        }

        var manifest = state.Manifest;
        var record = BuildRecord.Load(folder);
        var digests = state.Digests;
        // SPDX's SHA-1 of every file, from its own stamp-keyed cache: an unchanged republish reads no file for it.
        var sha1 = FileDigests.Compute(FileDigests.StagedFiles(folder, manifest), folder.FileSha1, state.Staged?.Files, FileDigests.Sha1);
        string workingDirectory = manifest.Settings?.WorkingDirectory ?? "/app";
        var files = manifest.Layers.SelectMany(layer => layer.Files.Select(file => new SbomFileInput(
            layer.Name,
            layer.DestinationUnder(workingDirectory) + file.RelativePath,
            Path.Combine(folder.Root, layer.ContextFolder, file.RelativePath),
            file.Size,
            digests.TryGetValue(FileDigests.KeyOf(layer.Name, file.RelativePath), out var sha256) ? sha256 : null,
            Sha1: sha1.GetValueOrDefault(FileDigests.KeyOf(layer.Name, file.RelativePath))))).ToArray();

        // FROM is pinned to its digest when it is known (name@sha256:...); else the base digest label has it.
        string from = manifest.BaseImage;
        int at = from.IndexOf('@', StringComparison.Ordinal);
        string? baseDigest = at >= 0 ? from[(at + 1)..] : record.Image.Labels?.GetValueOrDefault("org.opencontainers.image.base.digest");
        string tag = manifest.Tags.Count > 0 ? manifest.Tags[0] : "latest";
        var request = new SbomRequest(
            new SbomImage(manifest.Repository, tag, record.PushedDigest),
            options.AppName,
            options.AppVersion,
            files,
            File.ReadAllText(options.AssetsFile),
            options.TargetFramework,
            options.RuntimeIdentifier,
            at >= 0 ? from[..at] : from,
            baseDigest,
            record.Image.Env,
            options.SourceDateEpoch,
            options.ToolVersion);
        var (inventory, warnings) = SbomInventoryBuilder.Build(request);

        var written = new List<string>();
        Write(folder.SpdxSbom, options.Formats.Spdx ? SpdxWriter.Write(inventory) : null, written);
        Write(folder.CycloneDxSbom, options.Formats.CycloneDx ? CycloneDxWriter.Write(inventory) : null, written);
        return (written, warnings);
    }

    private static void Write(string path, byte[]? content, List<string> written)
    {
        if (content is null)
        {
            AtomicFile.TryDelete(path);
            return;
        }

        AtomicFile.WriteIfChanged(path, Encoding.UTF8.GetString(content));
        written.Add(path);
    }
}
