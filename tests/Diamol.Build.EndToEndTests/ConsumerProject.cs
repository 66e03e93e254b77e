namespace Diamol.Build.EndToEndTests;

/// <summary>
/// A project that consumes the packed Diamol.Build the way a user's does: a copy in its own temp folder with a
/// nuget.config naming the test feed, published with `dotnet publish`.
/// </summary>
public sealed class ConsumerProject
{
    private ConsumerProject(string directory, string name)
    {
        Directory = directory;
        Name = name;
    }

    public string Directory { get; }
    public string Name { get; }
    public string OutputPath => Path.Combine(Directory, "bin", "Release", "net10.0") + Path.DirectorySeparatorChar;
    public string ContainerFolder => Path.Combine(OutputPath, "container");

    /// <summary>Copies samples/NAME (without bin/obj) into a fresh folder.</summary>
    public static ConsumerProject FromSample(string sample)
    {
        string source = Path.Combine(TestEnvironment.RepositoryRoot, "samples", sample);
        string target = NewFolder(sample);
        foreach (string file in System.IO.Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(source, file);
            if (relative.StartsWith("bin", StringComparison.Ordinal) || relative.StartsWith("obj", StringComparison.Ordinal)) continue;
            string destination = Path.Combine(target, relative);
            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }

        WriteNuGetConfig(target);
        return new ConsumerProject(target, sample);
    }

    /// <summary>A brand-new `dotnet new console` project with nothing but the PackageReference added.</summary>
    public static ConsumerProject NewConsole(string name)
    {
        string target = NewFolder(name);
        ProcessRunner.Run("dotnet", ["new", "console", "-n", name, "-o", target, "--no-restore"], target, TestEnvironment.DotnetEnvironment)
            .EnsureSuccess("dotnet new console");
        string project = Path.Combine(target, name + ".csproj");
        string text = File.ReadAllText(project);
        File.WriteAllText(project, text.Replace("</Project>",
            $"  <ItemGroup>\n    <PackageReference Include=\"Diamol.Build\" Version=\"{TestEnvironment.PackageVersion}\" />\n  </ItemGroup>\n</Project>"));
        WriteNuGetConfig(target);
        return new ConsumerProject(target, name);
    }

    public ProcessResult Publish(params string[] properties)
    {
        var arguments = new List<string> { "publish", "-c", "Release", "-nodeReuse:false", $"-p:DiamolBuildVersion={TestEnvironment.PackageVersion}" };
        arguments.AddRange(properties.Select(p => "-p:" + p));
        return ProcessRunner.Run("dotnet", arguments, Directory, TestEnvironment.DotnetEnvironment, TimeSpan.FromMinutes(8));
    }

    private static string NewFolder(string name)
    {
        string folder = Path.Combine(TestEnvironment.WorkRoot, "projects", name + "-" + Guid.NewGuid().ToString("N")[..8]);
        System.IO.Directory.CreateDirectory(folder);
        return folder;
    }

    private static void WriteNuGetConfig(string folder) =>
        File.WriteAllText(Path.Combine(folder, "nuget.config"),
            $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="diamol-test-feed" value="{TestEnvironment.Feed}" />
              </packageSources>
            </configuration>
            """);
}
