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
    /// <summary>The build output folder; publishes with a RuntimeIdentifier set <see cref="RuntimeIdentifier"/>.</summary>
    public string OutputPath => Path.Combine([Directory, "bin", "Release", "net10.0", .. RuntimeIdentifier is null ? Array.Empty<string>() : [RuntimeIdentifier]]) + Path.DirectorySeparatorChar;

    public string? RuntimeIdentifier { get; set; }

    /// <summary>The project file: NAME.csproj (or NAME.fsproj where a template made an F# project).</summary>
    public string ProjectFile => new[] { ".csproj", ".fsproj" }.Select(e => Path.Combine(Directory, Name + e)).FirstOrDefault(File.Exists)
        ?? Path.Combine(Directory, Name + ".csproj");

    /// <summary>Adds <paramref name="xml"/> (property groups, item groups, targets) at the end of the project file, as a user writes it there.</summary>
    public void AddToProject(string xml) => AddTo(ProjectFile, xml);

    private static void AddTo(string projectFile, string xml) =>
        File.WriteAllText(projectFile, File.ReadAllText(projectFile).Replace("</Project>", xml + "</Project>"));

    private static string PackageReference() =>
        $"  <ItemGroup>\n    <PackageReference Include=\"Diamol.Build\" Version=\"{TestEnvironment.PackageVersion}\" />\n  </ItemGroup>\n";
    public string ContainerFolder => Path.Combine(OutputPath, "container");
    public string PublishFolder => Path.Combine(OutputPath, "publish");

    /// <summary>
    /// Copies samples/NAME (without bin/obj) into a fresh folder, with the sibling samples it references
    /// (<paramref name="siblings"/>) beside it, so relative ProjectReferences still resolve.
    /// </summary>
    public static ConsumerProject FromSample(string sample, params string[] siblings) =>
        CopyOf(Path.Combine(TestEnvironment.RepositoryRoot, "samples"), sample, siblings);

    /// <summary>
    /// A fresh folder holding a git work tree (`git init`), for tests of what is kept per workspace; copies of samples
    /// go into it with <see cref="FromSampleIn"/>.
    /// </summary>
    public static string NewWorkspace(string name)
    {
        string root = NewFolder(name);
        ProcessRunner.Run("git", ["init", "-q", root]).EnsureSuccess("git init");
        WriteNuGetConfig(root);
        return root;
    }

    /// <summary>Copies samples/NAME into <paramref name="workspace"/>/<paramref name="folder"/>: several copies of one sample in one work tree.</summary>
    public static ConsumerProject FromSampleIn(string workspace, string sample, string folder)
    {
        CopyTree(Path.Combine(TestEnvironment.RepositoryRoot, "samples", sample), Path.Combine(workspace, folder));
        return new ConsumerProject(Path.Combine(workspace, folder), sample);
    }

    /// <summary>Copies tests/Fixtures/NAME, a project made for a test rather than for users to read.</summary>
    public static ConsumerProject FromFixture(string fixture) =>
        CopyOf(Path.Combine(TestEnvironment.RepositoryRoot, "tests", "Fixtures"), fixture, []);

    private static ConsumerProject CopyOf(string parent, string name, string[] siblings)
    {
        string root = NewFolder(name);
        foreach (string folder in siblings.Prepend(name))
        {
            CopyTree(Path.Combine(parent, folder), Path.Combine(root, folder));
        }

        WriteNuGetConfig(root);
        return new ConsumerProject(Path.Combine(root, name), name);
    }

    private static void CopyTree(string source, string target)
    {
        foreach (string file in System.IO.Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(source, file);
            string first = relative.Split(Path.DirectorySeparatorChar)[0];
            if (first is "bin" or "obj") continue;
            string destination = Path.Combine(target, relative);
            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }
    }

    /// <summary>A brand-new `dotnet new console` project with nothing but the PackageReference added.</summary>
    public static ConsumerProject NewConsole(string name)
    {
        string target = NewFolder(name);
        ProcessRunner.Run("dotnet", ["new", "console", "-n", name, "-o", target, "--no-restore"], target, TestEnvironment.DotnetEnvironment)
            .EnsureSuccess("dotnet new console");
        AddTo(Path.Combine(target, name + ".csproj"), PackageReference());
        WriteNuGetConfig(target);
        return new ConsumerProject(target, name);
    }

    /// <summary>
    /// A solution made from the SDK's own templates (nothing large committed): <paramref name="create"/> runs the
    /// `dotnet new` commands in the new folder; <paramref name="imageProject"/> is the project that gets the package.
    /// </summary>
    public static ConsumerProject FromTemplates(string name, string imageProject, Action<TemplateFolder> create)
    {
        string root = NewFolder(name);
        var templates = new TemplateFolder(root);
        create(templates);
        string directory = Path.Combine(root, imageProject);
        string projectName = Path.GetFileName(imageProject);
        // A C# or an F# project: whichever the template made.
        string project = new[] { ".csproj", ".fsproj" }.Select(extension => Path.Combine(directory, projectName + extension)).First(File.Exists);
        AddTo(project, PackageReference());
        WriteNuGetConfig(root);
        return new ConsumerProject(directory, projectName) { Templates = templates };
    }

    /// <summary>
    /// Commits the project's folder (and its siblings) to a new git repository and clones it into a fresh folder, as a
    /// second CI agent checks out the same commit: the same files, other paths and checkout times.
    /// </summary>
    public ConsumerProject GitClone()
    {
        string root = Path.GetDirectoryName(Directory)!;
        if (!System.IO.Directory.Exists(Path.Combine(root, ".git")))
        {
            File.WriteAllText(Path.Combine(root, ".gitignore"), "bin/\nobj/\n");
            foreach (string[] git in new[] { new[] { "init", "-q" }, ["add", "-A"], ["-c", "user.email=e2e@diamol.test", "-c", "user.name=e2e", "commit", "-qm", "the app"] })
            {
                ProcessRunner.Run("git", git, root).EnsureSuccess("git " + git[0]);
            }
        }

        string clone = NewFolder(Name + "-clone");
        ProcessRunner.Run("git", ["clone", "-q", root, clone], root).EnsureSuccess("git clone");
        return new ConsumerProject(Path.Combine(clone, Path.GetFileName(Directory)), Name) { Templates = Templates is null ? null : new TemplateFolder(clone) };
    }

    /// <summary>The folder of a solution made from templates, for editing its files.</summary>
    public TemplateFolder? Templates { get; private init; }

    /// <summary>The umask the publishes run under (for example 077, as on hardened agents); null keeps the test process's.</summary>
    public string? Umask { get; set; }

    public ProcessResult Publish(params string[] properties) => Run("publish", properties);

    /// <summary>`dotnet build -c Release`, for the Web SDK's deploy-on-build publish (DeployOnBuild, a publish profile).</summary>
    public ProcessResult Build(params string[] properties) => Run("build", properties);

    /// <summary>`dotnet clean -c Release`, as a user cleans after a Release publish.</summary>
    public ProcessResult Clean(params string[] properties) => Run("clean", properties);

    /// <summary>Publishes with extra environment variables (DOCKER_CONFIG, PATH, DOCKER_HOST ...).</summary>
    public ProcessResult PublishWith(IReadOnlyDictionary<string, string?> environment, params string[] properties) =>
        Run("publish", properties, environment);

    /// <summary>The .NET SDK's own container publish of the same project, for side-by-side comparisons.</summary>
    public ProcessResult PublishContainerWithSdk(params string[] properties) =>
        Run("publish", ["DiamolEnabled=false", .. properties], null, "-t:PublishContainer");

    /// <summary>The SDK's container publish with extra environment variables (its registry login, insecure registries ...).</summary>
    public ProcessResult PublishContainerWithSdkWith(IReadOnlyDictionary<string, string?> environment, params string[] properties) =>
        Run("publish", ["DiamolEnabled=false", .. properties], environment, "-t:PublishContainer");

    /// <summary>The user id the publishes run as (with its group); null keeps the test process's (root).</summary>
    public int? UserId { get; set; }

    /// <summary>The group id the publishes run as with <see cref="UserId"/>; null takes the user id.</summary>
    public int? GroupId { get; set; }

    private ProcessResult Run(string verb, string[] properties, IReadOnlyDictionary<string, string?>? environment = null, params string[] extra)
    {
        string[] dotnet = UserId is { } uid
            ? ["setpriv", $"--reuid={uid}", $"--regid={GroupId ?? uid}", "--clear-groups", "dotnet", .. Arguments(verb, properties, extra)]
            : ["dotnet", .. Arguments(verb, properties, extra)];
        return ProcessRunner.Run("/bin/sh", ["-c", (Umask is null ? "" : $"umask {Umask} && ") + "exec \"$@\"", "sh", .. dotnet],
            Directory, Environment(environment), TimeSpan.FromMinutes(8));
    }

    /// <summary>Starts `dotnet publish` without waiting, for tests that interrupt it.</summary>
    public RunningProcess StartPublish(params string[] properties) =>
        RunningProcess.Start("dotnet", Arguments("publish", properties, []), Directory, Environment(null));

    /// <summary>Starts `dotnet publish` with extra environment variables (DOCKER_HOST ...) without waiting.</summary>
    public RunningProcess StartPublishWith(IReadOnlyDictionary<string, string?> environment, params string[] properties) =>
        RunningProcess.Start("dotnet", Arguments("publish", properties, []), Directory, Environment(environment));

    private List<string> Arguments(string verb, string[] properties, string[] extra)
    {
        var arguments = new List<string> { verb, "-c", "Release", "-nodeReuse:false", $"-p:DiamolBuildVersion={TestEnvironment.PackageVersion}" };
        if (RuntimeIdentifier is not null) arguments.AddRange(["-r", RuntimeIdentifier, "--self-contained"]);
        arguments.AddRange(extra);
        // A property is Name=Value; anything starting with '-' is a switch of its own (for example -bl:FILE).
        arguments.AddRange(properties.Select(p => p.StartsWith('-') ? p : "-p:" + p));
        return arguments;
    }

    private static Dictionary<string, string?> Environment(IReadOnlyDictionary<string, string?>? extra)
    {
        var variables = TestEnvironment.DotnetEnvironment.ToDictionary();
        foreach (var (name, value) in extra ?? new Dictionary<string, string?>()) variables[name] = value;
        return variables;
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

/// <summary>A folder in which a test runs `dotnet new` and wires the projects together.</summary>
public sealed class TemplateFolder(string root)
{
    public string Root { get; } = root;

    /// <summary>`dotnet new TEMPLATE -n NAME -o FOLDER [options]` (FOLDER defaults to NAME), without restoring.</summary>
    public void New(string template, string name, string[] options, string? folder = null) =>
        ProcessRunner.Run("dotnet", ["new", template, "-n", name, "-o", Path.Combine(Root, folder ?? name), "--no-restore", .. options], Root,
            TestEnvironment.DotnetEnvironment, TimeSpan.FromMinutes(2)).EnsureSuccess($"dotnet new {template}");

    public void Reference(string project, string referenced) =>
        Edit(ProjectFile(project), text => text.Replace("</Project>",
            $"  <ItemGroup>\n    <ProjectReference Include=\"../{ProjectFile(referenced)}\" />\n  </ItemGroup>\n</Project>"));

    /// <summary>The project file in a folder of the root, relative to the root: FOLDER/NAME.csproj, or .fsproj for F#.</summary>
    public string ProjectFile(string folder) =>
        new[] { ".csproj", ".fsproj" }.Select(extension => Path.Combine(folder, Path.GetFileName(folder) + extension))
            .First(path => File.Exists(Path.Combine(Root, path)));

    public void Write(string relative, string text)
    {
        string path = Path.Combine(Root, relative);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    public void Chmod(string relative, UnixFileMode mode)
    {
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(Path.Combine(Root, relative), mode);
    }

    public void Edit(string relative, Func<string, string> change)
    {
        string path = Path.Combine(Root, relative);
        string before = File.ReadAllText(path);
        string after = change(before);
        Assert.AreNotEqual(before, after, $"the edit of {relative} changed nothing");
        File.WriteAllText(path, after);
    }
}
