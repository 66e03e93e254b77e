using Diamol.Build.History;

namespace Diamol.Build.Tests.History;

/// <summary>
/// A history shaped like a real ASP.NET Core image (three base layers of 227 MB, our layers of 22 MB down to 20 kB),
/// rebuilt after an edit, with file names chosen to break careless HTML: what the report tests draw.
/// </summary>
internal static class SampleHistory
{
    public const string HostileFile = "wwwroot/<img src=x onerror=alert(1)>&\"'.js";
    public const string HostileLayer = "my<layer>&\"";

    public static HistoryEntry Base(int index, long size) => new()
    {
        Index = index,
        CreatedBy = $"/bin/sh -c #(nop) ADD file:{index} in /",
        Size = size,
        EmptyLayer = size == 0,
        DiffId = size == 0 ? null : $"sha256:base{index}",
        Origin = "base",
    };

    public static HistoryEntry Ours(int index, string kind, string name, long size, bool cached, params HistoryFile[] files) => new()
    {
        Index = index,
        CreatedBy = $"COPY layers/{name} /app/",
        DockerfileLine = 10 + index,
        Size = size,
        DiffId = $"sha256:{name}-{size}",
        Origin = "ours",
        LayerKind = kind,
        LayerName = name,
        Cached = cached,
        SourceFolder = "layers/" + name,
        FileCount = files.Length,
        LargestFiles = files.OrderByDescending(f => f.Size).Take(5).ToArray(),
        Files = files,
    };

    public static LayerHistory Build(string id, HistoryFile[] appFiles, int packageFiles = 40)
    {
        var packages = Enumerable.Range(0, packageFiles)
            .Select(i => new HistoryFile($"Lib{i:00000}.Something.dll", 22_437_932 / packageFiles, $"sha256:p{i}")).ToArray();
        HistoryEntry[] entries =
        [
            Base(0, 117_534_607), Base(1, 0), Base(2, 82_714_232), Base(3, 27_020_984),
            new() { Index = 4, CreatedBy = "ENV APP_UID=1654", DockerfileLine = 9, EmptyLayer = true, Origin = "ours", LayerKind = "metadata", Cached = true },
            Ours(5, "packages", "packages", packages.Sum(f => f.Size), true, packages),
            Ours(6, "host", "host", 84_966, true, new HistoryFile("Shop", 84_966, "sha256:h")),
            Ours(7, "static", "static", 11_398_845, true, new HistoryFile("wwwroot/app.css", 11_398_845, "sha256:s")),
            Ours(8, "custom", HostileLayer, 4_096, true, new HistoryFile("tools/run.sh", 4_096, "sha256:c")),
            Ours(9, "app", "app", appFiles.Sum(f => f.Size), false, appFiles),
        ];
        return new LayerHistory
        {
            Generator = "test",
            Image = new HistoryImage { Id = id, Repository = "shop", Tags = ["latest"], Size = entries.Sum(e => e.Size) },
            BaseImage = new HistoryBaseImage { Name = "mcr.microsoft.com/dotnet/aspnet:10.0", Layers = 3, Size = 227_269_823 },
            Dockerfile = "Dockerfile",
            Entries = entries,
            Totals = new HistoryTotals
            {
                BaseBytes = entries.Where(e => e.Origin == "base").Sum(e => e.Size),
                OurBytes = entries.Where(e => e.Origin == "ours").Sum(e => e.Size),
                NewBytes = entries.Where(e => e.Cached == false).Sum(e => e.Size),
                CachedBytes = entries.Where(e => e.Cached == true).Sum(e => e.Size),
            },
        };
    }

    /// <summary>The second of two builds: Shop.dll grew, old.js went, a hostile file came; the comparison is in Changes.</summary>
    public static LayerHistory Rebuilt(int packageFiles = 40)
    {
        var before = Build("sha256:before", [new("Shop.dll", 51_000, "sha256:a1"), new("Shop.pdb", 7_000, "sha256:a2"), new("old.js", 300, "sha256:a3")], packageFiles);
        var after = Build("sha256:after", [new("Shop.dll", 51_512, "sha256:b1"), new("Shop.pdb", 7_000, "sha256:a2"), new(HostileFile, 20, "sha256:b3")], packageFiles);
        return after with { Changes = HistoryDiff.Compare(before, after) };
    }
}
