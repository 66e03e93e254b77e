using Diamol.Build.Sbom;

namespace Diamol.Build.Tests.Sbom;

/// <summary>
/// A published app as restore and publish leave it, in a temp folder: project.assets.json as restore writes it (a
/// package with a licence expression, a prerelease, a native package pulled in by a bundle, an analyzer with no
/// runtime asset and a project reference), the nuspecs in the package folder, and the publish output's files.
/// </summary>
internal sealed class SbomFixture
{
    public SbomFixture(string root, bool withNuspecs = true)
    {
        Root = root;
        Packages = Path.Combine(root, "packages");
        Publish = Path.Combine(root, "publish");
        Directory.CreateDirectory(Publish);
        if (withNuspecs)
        {
            Nuspec("newtonsoft.json", "13.0.3", "<license type=\"expression\">MIT</license>");
            Nuspec("system.commandline", "2.0.0-beta4.22272.1", "<license type=\"expression\">MIT</license>");
            Nuspec("sqlitepclraw.bundle_e_sqlite3", "2.1.10", "<license type=\"expression\">Apache-2.0</license>");
            Nuspec("sqlitepclraw.lib.e_sqlite3", "2.1.11", "<license type=\"expression\">Apache-2.0</license>");
            Nuspec("roslynator.analyzers", "4.12.0", "<license type=\"file\">LICENSE.txt</license>");
        }

        Directory.CreateDirectory(Packages);
    }

    public string Root { get; }

    public string Packages { get; }

    public string Publish { get; }

    public string AssetsJson => Assets.Replace("PACKAGES", Packages.Replace("\\", "\\\\", StringComparison.Ordinal), StringComparison.Ordinal);

    /// <summary>The layer plan's files as the planner lays them out, with content of their own.</summary>
    public IReadOnlyList<SbomFileInput> Files() =>
    [
        File("app", "App.dll"),
        File("app", "App.pdb"),
        File("host", "App"),
        File("host", "App.deps.json"),
        File("packages", "Newtonsoft.Json.dll", "Newtonsoft.Json"),
        File("packages", "SQLitePCLRaw.batteries_v2.dll", "SQLitePCLRaw.bundle_e_sqlite3"),
        File("packages", "libe_sqlite3.so", "SQLitePCLRaw.lib.e_sqlite3"),
        File("prerelease", "System.CommandLine.dll", "System.CommandLine"),
        File("prerelease", "de/System.CommandLine.resources.dll", "System.CommandLine"),
        // A project reference has no package id: it is found by its runtime asset's name.
        File("projects", "Lib.dll"),
    ];

    private SbomFileInput File(string layer, string relative, string? package = null)
    {
        string path = Path.Combine(Publish, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        if (!System.IO.File.Exists(path)) System.IO.File.WriteAllText(path, "content of " + relative);
        return new SbomFileInput(layer, "/app/" + relative, path, new FileInfo(path).Length, PackageId: package);
    }

    public SbomRequest Request(string? sourceDateEpoch = "1700000000", IReadOnlyList<string>? env = null) => new(
        new SbomImage("localhost:5000/team/app", "1.2.3"),
        "App",
        "1.2.3",
        Files(),
        AssetsJson,
        "net10.0",
        "linux-x64",
        "localhost:5000/dotnet/runtime:10.0",
        "sha256:" + new string('a', 64),
        env ?? ["PATH=/usr/bin", "DOTNET_VERSION=10.0.0", "APP_UID=1654"],
        sourceDateEpoch,
        "1.0.0-test");

    private void Nuspec(string id, string version, string license)
    {
        string folder = Path.Combine(Root, "packages", id, version);
        Directory.CreateDirectory(folder);
        System.IO.File.WriteAllText(Path.Combine(folder, id + ".nuspec"),
            $"""
            <?xml version="1.0" encoding="utf-8"?>
            <package xmlns="http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd">
              <metadata><id>{id}</id><version>{version}</version><authors>someone</authors>{license}<description>d</description></metadata>
            </package>
            """);
    }

    // As restore writes it (trimmed to what a publish for linux-x64 reads): libraries with their sha512 and path,
    // both targets, the package folder and the project's direct dependencies.
    private const string Assets = """
    {
      "version": 3,
      "targets": {
        "net10.0": {},
        "net10.0/linux-x64": {
          "Lib/1.0.0": { "type": "project", "framework": ".NETCoreApp,Version=v10.0", "compile": { "bin/placeholder/Lib.dll": {} }, "runtime": { "bin/placeholder/Lib.dll": {} } },
          "Newtonsoft.Json/13.0.3": { "type": "package", "runtime": { "lib/net6.0/Newtonsoft.Json.dll": { "related": ".xml" } } },
          "Roslynator.Analyzers/4.12.0": { "type": "package" },
          "SQLitePCLRaw.bundle_e_sqlite3/2.1.10": {
            "type": "package",
            "dependencies": { "SQLitePCLRaw.lib.e_sqlite3": "2.1.10", "SQLitePCLRaw.provider.meta": "2.1.10" },
            "runtime": { "lib/netstandard2.0/SQLitePCLRaw.batteries_v2.dll": {} }
          },
          "SQLitePCLRaw.lib.e_sqlite3/2.1.11": {
            "type": "package",
            "runtime": { "lib/netstandard2.0/_._": {} },
            "native": { "runtimes/linux-x64/native/libe_sqlite3.so": {} }
          },
          "SQLitePCLRaw.provider.meta/2.1.10": { "type": "package", "dependencies": { "Newtonsoft.Json": "13.0.1" } },
          "System.CommandLine/2.0.0-beta4.22272.1": {
            "type": "package",
            "runtime": { "lib/net6.0/System.CommandLine.dll": {} },
            "resource": { "lib/net6.0/de/System.CommandLine.resources.dll": { "locale": "de" } }
          }
        }
      },
      "libraries": {
        "Lib/1.0.0": { "type": "project", "path": "../Lib/Lib.csproj", "msbuildProject": "../Lib/Lib.csproj" },
        "Newtonsoft.Json/13.0.3": { "sha512": "HrC5BXdl00IP9zeV+0Z848QWPAoCr9P3bDEZguI+gkLcBKAOxix/tLEAAHC+UvDNPv4a2d18lOReHMOagPa+zQ==", "type": "package", "path": "newtonsoft.json/13.0.3" },
        "Roslynator.Analyzers/4.12.0": {
          "sha512": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==",
          "type": "package", "path": "roslynator.analyzers/4.12.0" },
        "SQLitePCLRaw.bundle_e_sqlite3/2.1.10": {
          "sha512": "UxWuisvZ3uVcVOLJQv7urM/JiQH+v3TmaJc1BLKl5Dxfm/nTzTUrqswCqg/INiYLi61AXnHo1M1JPmPqqLnAdg==",
          "type": "package", "path": "sqlitepclraw.bundle_e_sqlite3/2.1.10" },
        "SQLitePCLRaw.lib.e_sqlite3/2.1.11": {
          "sha512": "Ev2ytaXiOlWZ4b3R67GZBsemTINslLD1DCJr2xiacpn4tbapu0Q4dHEzSvZSMnVWeE5nlObU3VZN2p81q3XOYQ==",
          "type": "package", "path": "sqlitepclraw.lib.e_sqlite3/2.1.11" },
        "SQLitePCLRaw.provider.meta/2.1.10": {
          "sha512": "uZVTi02C1SxqzgT0HqTWatIbWGb40iIkfc3FpFCpE/r7g6K0PqzDUeefL6P6HPhDtc6BacN3yQysfzP7ks+wSQ==",
          "type": "package", "path": "sqlitepclraw.provider.meta/2.1.10" },
        "System.CommandLine/2.0.0-beta4.22272.1": {
          "sha512": "1uqED/q2H0kKoLJ4+hI2iPSBSEdTuhfCYADeJrAqERmiGQ2NNacYKRNEQ+gFbU4glgVyK8rxI+ZOe1onEtr/Pg==",
          "type": "package", "path": "system.commandline/2.0.0-beta4.22272.1" }
      },
      "projectFileDependencyGroups": {
        "net10.0": [ "Lib >= 1.0.0", "Newtonsoft.Json >= 13.0.3", "Roslynator.Analyzers >= 4.12.0", "SQLitePCLRaw.bundle_e_sqlite3 >= 2.1.10", "System.CommandLine >= 2.0.0-beta4.22272.1" ]
      },
      "packageFolders": { "PACKAGES": {} },
      "project": {
        "version": "1.2.3",
        "frameworks": {
          "net10.0": {
            "targetAlias": "net10.0",
            "dependencies": {
              "Newtonsoft.Json": { "target": "Package", "version": "[13.0.3, )" },
              "Roslynator.Analyzers": { "target": "Package", "version": "[4.12.0, )", "suppressParent": "All" },
              "SQLitePCLRaw.bundle_e_sqlite3": { "target": "Package", "version": "[2.1.10, )" },
              "System.CommandLine": { "target": "Package", "version": "[2.0.0-beta4.22272.1, )" }
            },
            "downloadDependencies": [ { "name": "Microsoft.AspNetCore.App.Ref", "version": "[10.0.0]" } ]
          }
        }
      }
    }
    """;
}
