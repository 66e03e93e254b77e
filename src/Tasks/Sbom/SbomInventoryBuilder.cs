using System.Security.Cryptography;
using Diamol.Build.Common;
using Diamol.Build.Diagnostics;
using Diamol.Build.Spec;

namespace Diamol.Build.Sbom;

/// <summary>
/// Makes the inventory of an image from its layer plan's files and the project's restore. A package is in the SBOM
/// only when one of its files is in the image: an analyzer, a build-only package or a reference-only package ships
/// nothing, so it is not in the image (the restore lists it all the same). Each file belongs to the package the
/// publish items name; a file without one belongs to the library of the assets file whose runtime, native or
/// resource asset has its name (referenced projects, which have no package id), else to the app.
/// </summary>
internal static class SbomInventoryBuilder
{
    public static (SbomInventory Inventory, IReadOnlyList<Diagnostic> Warnings) Build(SbomRequest request)
    {
        var restored = RestoredLibraries.Parse(request.AssetsJson, request.TargetFramework, request.RuntimeIdentifier);
        var byAsset = restored.Libraries.Values
            .SelectMany(l => l.AssetNames.Select(name => (name, l.Id)))
            .GroupBy(a => a.name, StringComparer.Ordinal)
            .Where(g => g.Count() == 1)
            .ToDictionary(g => g.Key, g => g.Single().Id, StringComparer.Ordinal);

        var files = Files(request.Files, file =>
            file.PackageId is { Length: > 0 } id && restored.Libraries.TryGetValue(id, out var named) ? named.Id
            : byAsset.TryGetValue(Path.GetFileName(file.ImagePath), out var owner) ? owner
            : null);

        var inImage = files.Where(f => f.Owner is not null)
            .GroupBy(f => f.Owner!, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.Select(f => f.Layer).Distinct().Order(StringComparer.Ordinal).ToArray(), StringComparer.OrdinalIgnoreCase);

        var warnings = new List<Diagnostic>();
        var noNuspec = new List<string>();
        var packages = new List<SbomComponent>();
        foreach (var library in restored.Libraries.Values.Where(l => inImage.ContainsKey(l.Id)))
        {
            bool project = library.Type == "project";
            string? license = null;
            if (!project)
            {
                string? nuspec = NuspecLicense.FindNuspec(restored.PackageFolders, library.Id, library.Path);
                if (nuspec is null) noNuspec.Add($"{library.Id} {library.Version}");
                else license = NuspecLicense.ExpressionIn(nuspec);
            }

            packages.Add(new SbomComponent(
                project ? SbomComponentKind.Project : SbomComponentKind.Package,
                library.Id,
                library.Version,
                Sha512: library.Sha512,
                License: license,
                Layers: inImage[library.Id],
                DependsOn: InImageDependencies(library.Dependencies, restored, inImage),
                Source: "project.assets.json",
                Purl: project ? null : PackageUrl.NuGet(library.Id, library.Version)));
        }

        if (noNuspec.Count > 0)
        {
            warnings.Add(new Diagnostic(DiagnosticCode.DIAM2027,
                $"The SBOM names no licence for {string.Join(", ", noNuspec)}: the package folders of the restore " +
                $"({string.Join(", ", restored.PackageFolders)}) do not have their .nuspec. Restore again (dotnet restore) on this machine " +
                "before publishing so the packages are in the folder, or ignore this warning if the licence does not matter to you."));
        }

        var runtimes = Runtimes(request, restored, files);
        var direct = InImageDependencies(restored.DirectDependencies, restored, inImage).Concat(runtimes.Select(r => r.Id))
            .Order(StringComparer.Ordinal).ToArray();
        var app = new SbomComponent(SbomComponentKind.App, request.AppName, request.AppVersion,
            Layers: files.Where(f => f.Owner is null).Select(f => f.Layer).Distinct().Order(StringComparer.Ordinal).ToArray(),
            DependsOn: direct, Source: "the project");
        var baseImage = string.IsNullOrEmpty(request.BaseImage) ? null : new SbomBaseImage(request.BaseImage, request.BaseImageDigest);
        var inventory = new SbomInventory(request.Image, app, packages, runtimes, baseImage, files,
            Oci.ReproducibleTime.From(request.SourceDateEpoch), request.ToolVersion);
        return (inventory, warnings);
    }

    // A dependency with no file in the image (a reference-only package) is replaced by its own dependencies, so the
    // graph still reaches what is there.
    private static string[] InImageDependencies(IEnumerable<string> ids, RestoredLibraries restored, IReadOnlyDictionary<string, string[]> inImage)
    {
        var found = new SortedSet<string>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var pending = new Stack<string>(ids);
        while (pending.TryPop(out var id))
        {
            if (!seen.Add(id) || !restored.Libraries.TryGetValue(id, out var library)) continue;
            if (inImage.ContainsKey(library.Id)) found.Add(library.Id);
            else foreach (string next in library.Dependencies) pending.Push(next);
        }

        return [.. found];
    }

    // Self-contained: the runtime packs restore downloaded, when the runtime's own files are in our layers.
    // Framework-dependent: the base image's runtime, as its env names it (the official images set both).
    private static SbomComponent[] Runtimes(SbomRequest request, RestoredLibraries restored, IReadOnlyList<SbomFile> files)
    {
        var runtimeLayers = files.Where(f => Path.GetFileName(f.Path) is "libcoreclr.so" or "System.Private.CoreLib.dll")
            .Select(f => f.Layer).Distinct().Order(StringComparer.Ordinal).ToArray();
        if (runtimeLayers.Length > 0)
        {
            return restored.RuntimePacks.Where(p => p.Key.Contains(".App.Runtime.", StringComparison.Ordinal))
                .Select(p => new SbomComponent(SbomComponentKind.Runtime, p.Key, p.Value, Sha512: PackSha512(restored.PackageFolders, p.Key, p.Value),
                    Layers: runtimeLayers, Source: "the runtime pack (self-contained)", Purl: PackageUrl.NuGet(p.Key, p.Value)))
                .ToArray();
        }

        var env = request.BaseImageEnv.Select(e => e.Split('=', 2)).Where(p => p.Length == 2).GroupBy(p => p[0], StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Last()[1], StringComparer.Ordinal);
        var found = new List<SbomComponent>();
        if (env.TryGetValue("DOTNET_VERSION", out var dotnet) && dotnet.Length > 0)
        {
            found.Add(new SbomComponent(SbomComponentKind.Runtime, "Microsoft.NETCore.App", dotnet, Source: "the base image (DOTNET_VERSION)"));
        }

        if (env.TryGetValue("ASPNET_VERSION", out var aspnet) && aspnet.Length > 0)
        {
            found.Add(new SbomComponent(SbomComponentKind.Runtime, "Microsoft.AspNetCore.App", aspnet, Source: "the base image (ASPNET_VERSION)"));
        }

        return [.. found];
    }

    // Restore keeps a pack's nupkg hash beside it (id.version.nupkg.sha512, base64), as for any package.
    private static string? PackSha512(IEnumerable<string> folders, string id, string version)
    {
        string name = $"{id.ToLowerInvariant()}.{version.ToLowerInvariant()}.nupkg.sha512";
        string? path = folders.Select(f => Path.Combine(f, id.ToLowerInvariant(), version.ToLowerInvariant(), name)).FirstOrDefault(File.Exists);
        if (path is null) return null;
        try
        {
            return Convert.ToHexString(Convert.FromBase64String(File.ReadAllText(path).Trim())).ToLowerInvariant();
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static SbomFile[] Files(IReadOnlyList<SbomFileInput> inputs, Func<SbomFileInput, string?> ownerOf)
    {
        var files = new SbomFile[inputs.Count];
        ParallelFileWork.For(inputs.Count, i =>
        {
            var input = inputs[i];
            var (sha256, sha1) = Digests(input);
            files[i] = new SbomFile(input.ImagePath, input.Layer, input.Size, sha256, sha1, ownerOf(input));
        });
        return [.. files.OrderBy(f => f.Path, StringComparer.Ordinal)];
    }

    // SPDX 2.3 wants a SHA-1 of every file. The publish hands both digests in from the stamp-keyed caches (an
    // unchanged file is not read); what is missing is read here, once for both.
    private static (string Sha256, string Sha1) Digests(SbomFileInput input)
    {
        if (input.Sha256 is { } knownSha256 && input.Sha1 is { } knownSha1)
        {
            return (ContentDigest.WithoutPrefix(knownSha256), knownSha1.StartsWith("sha1:", StringComparison.Ordinal) ? knownSha1["sha1:".Length..] : knownSha1);
        }

        using var sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var sha1 = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
        using (var stream = File.OpenRead(input.SourcePath))
        {
            byte[] buffer = new byte[81920];
            int read;
            while ((read = stream.Read(buffer)) > 0)
            {
                sha1.AppendData(buffer, 0, read);
                if (input.Sha256 is null) sha256.AppendData(buffer, 0, read);
            }
        }

        string known = input.Sha256 is { } given ? ContentDigest.WithoutPrefix(given) : ContentDigest.Hex(sha256.GetHashAndReset());
        return (known, ContentDigest.Hex(sha1.GetHashAndReset()));
    }
}
