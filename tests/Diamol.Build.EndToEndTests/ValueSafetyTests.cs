using System.Security;
using System.Text;

namespace Diamol.Build.EndToEndTests;

/// <summary>
/// Values reach the image exactly: quotes, '$', backslashes, unicode, surrounding spaces and empty values come out
/// of `docker inspect` as they went into the project; a value a Dockerfile cannot carry stops the build with a
/// DIAM error and builds nothing.
/// </summary>
[TestClass]
public sealed class ValueSafetyTests
{
    private static readonly (string Name, string Value)[] Tricky =
    [
        ("QUOTES", "say \"hi\" and 'bye'"),
        ("DOLLARS", "$HOME ${PATH} $$ $(echo no)"),
        ("BACKSLASHES", "c:\\dir\\ \\\\server\\share\\"),
        ("UNICODE", "ünïcødé 日本語 😀"),
        ("SPACES", "  padded  "),
        ("EMPTY", ""),
        // Would close the quote and start an instruction if the writer did not escape it.
        ("INJECTION", "x\" \\\" LABEL pwned=\"yes\" \\"),
        ("EQUALS", "a=b=c; d"),
    ];

    [TestMethod]
    public void Tricky_values_arrive_exactly()
    {
        var project = ConsumerProject.NewConsole("Tricky" + Guid.NewGuid().ToString("N")[..6].ToUpperInvariant());
        AddItems(project, Tricky);
        string repository = "diamol-e2e/tricky-" + Guid.NewGuid().ToString("N")[..8];
        try
        {
            project.Publish($"ContainerBaseImage={TestEnvironment.BaseRuntime}", $"ContainerRepository={repository}").EnsureSuccess("publish with tricky values");
            var config = ImageInspection.Config(repository + ":latest");
            var env = ImageInspection.Strings(config.GetProperty("Env"));
            var labels = config.GetProperty("Labels");
            foreach (var (name, value) in Tricky)
            {
                CollectionAssert.Contains(env, $"{name}={value}", $"ENV {name}");
                Assert.AreEqual(value, labels.GetProperty("org.example." + name.ToLowerInvariant()).GetString(), $"LABEL {name}");
            }

            Assert.IsFalse(labels.TryGetProperty("pwned", out _), "a value added a label of its own");
        }
        finally
        {
            ImageInspection.RemoveImages(repository + ":latest");
        }
    }

    /// <summary>A ':' is an ordinary character in a Linux file name; the SDK publishes such a file and so do both builders.</summary>
    [TestMethod]
    [DataRow("docker")]
    [DataRow("oci")]
    public void A_published_file_with_a_colon_in_its_name_reaches_the_image(string builder)
    {
        var project = ConsumerProject.NewConsole("Colon" + Guid.NewGuid().ToString("N")[..6].ToUpperInvariant());
        Directory.CreateDirectory(Path.Combine(project.Directory, "data"));
        File.WriteAllText(Path.Combine(project.Directory, "data", "10:30 report.txt"), "at half past ten");
        string path = Path.Combine(project.Directory, project.Name + ".csproj");
        project.AddToProject(
            "  <ItemGroup>\n    <Content Include=\"data/**\" CopyToPublishDirectory=\"PreserveNewest\" />\n  </ItemGroup>\n");
        string repository = $"diamol-e2e/colon-{builder}-" + Guid.NewGuid().ToString("N")[..8];
        try
        {
            project.Publish($"ContainerBaseImage={TestEnvironment.BaseRuntime}", $"ContainerRepository={repository}", $"DiamolBuilder={builder}")
                .EnsureSuccess("publish with a colon in a file name");
            var run = ProcessRunner.Run("docker", ["run", "--rm", "--network", "none", "--entrypoint", "cat", repository + ":latest", "/app/data/10:30 report.txt"]);
            Assert.AreEqual("at half past ten", run.Output.TrimEnd('\n'), run.All);
        }
        finally
        {
            ImageInspection.RemoveImages(repository + ":latest");
        }
    }

    /// <summary>On Linux a '\\' is part of a file name, not a folder: the image has the file the publish folder has.</summary>
    [TestMethod]
    [DataRow("docker")]
    [DataRow("oci")]
    public void A_published_file_with_a_backslash_in_its_name_keeps_its_name(string builder)
    {
        var project = ConsumerProject.NewConsole("Backslash" + Guid.NewGuid().ToString("N")[..6].ToUpperInvariant());
        // Written by the publish itself, as a tool or a package's target would: MSBuild's own copy would turn the '\\' into a folder.
        WriteOddNamesStep(project, "mkdir -p \"$1/data\" && printf 'one file' > \"$1/data/back\\\\slash.txt\"\n");
        string repository = $"diamol-e2e/backslash-{builder}-" + Guid.NewGuid().ToString("N")[..8];
        try
        {
            project.Publish($"ContainerBaseImage={TestEnvironment.BaseRuntime}", $"ContainerRepository={repository}", $"DiamolBuilder={builder}")
                .EnsureSuccess("publish with a backslash in a file name");
            Assert.IsTrue(File.Exists(Path.Combine(project.PublishFolder, "data", "back\\slash.txt")), "the publish folder has the file");
            var run = ProcessRunner.Run("docker", ["run", "--rm", "--network", "none", "--entrypoint", "cat", repository + ":latest", "/app/data/back\\slash.txt"]);
            Assert.AreEqual("one file", run.Output.TrimEnd('\n'), run.All);
            var folder = ProcessRunner.Run("docker", ["run", "--rm", "--network", "none", "--entrypoint", "ls", repository + ":latest", "/app/data/"]);
            Assert.AreEqual("back\\slash.txt", folder.Output.Trim(), "no folder 'back' was made: " + folder.All);
        }
        finally
        {
            ImageInspection.RemoveImages(repository + ":latest");
        }
    }

    /// <summary>A name .NET cannot decode is refused with a code that says so, not "not there".</summary>
    [TestMethod]
    public void A_published_file_whose_name_is_not_UTF8_is_refused_with_the_reason()
    {
        var project = ConsumerProject.NewConsole("Latin" + Guid.NewGuid().ToString("N")[..6].ToUpperInvariant());
        WriteOddNamesStep(project, "printf 'latin-1' > \"$1/caf$(printf '\\351').txt\"\n");
        try
        {
            var publish = project.Publish($"ContainerBaseImage={TestEnvironment.BaseRuntime}", "DiamolBuilder=oci", "DiamolBuildImage=false");
            Assert.AreNotEqual(0, publish.ExitCode, publish.All);
            StringAssert.Contains(publish.Output, "error DIAM2024");
            StringAssert.Contains(publish.Output, "not valid UTF-8");
        }
        finally
        {
            // .NET cannot delete what it cannot name: the shell removes it, so the run's clean-up can remove the folder.
            ProcessRunner.Run("sh", ["-c", "rm -rf \"$1\"", "sh", project.PublishFolder]);
        }
    }

    [TestMethod]
    [DataRow("line one\nline two")]
    [DataRow("carriage\rreturn")]
    public void A_line_break_stops_the_build_with_DIAM1005_and_builds_nothing(string value)
    {
        var project = ConsumerProject.NewConsole("Broken" + Guid.NewGuid().ToString("N")[..6].ToUpperInvariant());
        AddItems(project, [("MULTI", value)]);
        string repository = "diamol-e2e/broken-" + Guid.NewGuid().ToString("N")[..8];

        var publish = project.Publish($"ContainerBaseImage={TestEnvironment.BaseRuntime}", $"ContainerRepository={repository}");

        Assert.AreNotEqual(0, publish.ExitCode, publish.All);
        StringAssert.Contains(publish.Output, "error DIAM1005");
        StringAssert.Contains(publish.Output, "ContainerEnvironmentVariable 'MULTI'");
        Assert.AreNotEqual(0, ProcessRunner.Docker("image", "inspect", repository + ":latest").ExitCode, "an image was built");
        Assert.IsFalse(File.Exists(Path.Combine(project.ContainerFolder, "Dockerfile")), "a Dockerfile was left behind");
    }

    /// <summary>
    /// A step after Publish and before the image that runs a shell script on the publish folder, as a tool or a package's
    /// target would write files there (a script, so MSBuild's Exec sees no backslash or '$(' of the script's own).
    /// </summary>
    private static void WriteOddNamesStep(ConsumerProject project, string script)
    {
        File.WriteAllText(Path.Combine(project.Directory, "odd-names.sh"), script);
        string path = Path.Combine(project.Directory, project.Name + ".csproj");
        project.AddToProject(
            "  <Target Name=\"WriteOddNames\" AfterTargets=\"Publish\" BeforeTargets=\"DiamolPublishImage\">\n" +
            "    <Exec Command=\"sh odd-names.sh '$(PublishDir)'\" />\n" +
            "  </Target>\n");
    }

    /// <summary>Writes the values as ContainerEnvironmentVariable and ContainerLabel items, escaped for XML and MSBuild.</summary>
    private static void AddItems(ConsumerProject project, IEnumerable<(string Name, string Value)> values)
    {
        var items = new StringBuilder("  <ItemGroup>\n");
        foreach (var (name, value) in values)
        {
            string escaped = XmlAttribute(MSBuildEscape(value));
            items.Append($"    <ContainerEnvironmentVariable Include=\"{name}\" Value=\"{escaped}\" />\n");
            items.Append($"    <ContainerLabel Include=\"org.example.{name.ToLowerInvariant()}\" Value=\"{escaped}\" />\n");
        }

        items.Append("  </ItemGroup>\n");
        project.AddToProject(items.ToString());
    }

    // MSBuild reads %XX escapes and expands $(..), @(..), %(..): escape the characters that start them.
    private static string MSBuildEscape(string value)
    {
        var builder = new StringBuilder();
        foreach (char c in value)
        {
            if (c is '%' or '$' or '@' or ';' or '\'' or '*' or '?') builder.Append('%').Append(((int)c).ToString("X2"));
            else builder.Append(c);
        }

        return builder.ToString();
    }

    // Attribute values lose their line breaks and tabs unless written as character references.
    private static string XmlAttribute(string value) =>
        SecurityElement.Escape(value).Replace("\n", "&#10;").Replace("\r", "&#13;").Replace("\t", "&#9;");
}
