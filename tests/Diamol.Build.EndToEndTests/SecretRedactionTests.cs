using System.Text;

namespace Diamol.Build.EndToEndTests;

/// <summary>
/// Secret-looking values reach the image (the project asked for them, DIAM1009 warns) and the Dockerfile that builds
/// it, and nothing else Diamol.Build writes: no record under .diamol/, no history artifact, no step summary, not the
/// build log at normal verbosity. The OCI writer's own blobs are the image itself and hold them as the image does.
/// </summary>
[TestClass]
public sealed class SecretRedactionTests
{
    // One value per kind of secret-looking name, each unique enough that finding it anywhere is a leak.
    private static readonly (string Name, string Value)[] Secrets =
    [
        ("DB_PASSWORD", "pw-Value 1 with spaces"),
        ("API_TOKEN", "tok-XYZ-12345"),
        ("CLIENT_SECRET", "sec-ABC-999"),
        ("Stripe__ApiKey", "apikey-777-zz"),
        ("ConnectionStrings__Default", "Server=db;Password=cs-pass-888"),
        ("NUGET_PAT", "pat-555-token"),
        ("DB_PWD", "pwd-444-qq"),
        ("DB_PASS", "pass-333-rr"),
        ("SIGNING_KEY", "sign-222-ss"),
        ("SMTP_CREDENTIAL", "cred \"quoted\" 111"),
    ];

    private const string LabelValue = "lbl-token-101";
    private const string BuildArgValue = "arg-token-000";

    [TestMethod]
    [DataRow("docker")]
    [DataRow("oci")]
    public void No_file_we_write_and_no_log_line_holds_a_secret_value(string builder)
    {
        var project = ConsumerProject.NewConsole("Secrets" + Guid.NewGuid().ToString("N")[..6].ToUpperInvariant());
        var items = new StringBuilder("  <ItemGroup>\n    <ContainerEnvironmentVariable Include=\"TARGET\" Value=\"visible-target\" />\n");
        foreach (var (name, value) in Secrets)
        {
            items.Append($"    <ContainerEnvironmentVariable Include=\"{name}\" Value=\"{System.Security.SecurityElement.Escape(value.Replace(";", "%3B"))}\" />\n");
        }

        items.Append($"    <ContainerLabel Include=\"com.example.api-token\" Value=\"{LabelValue}\" />\n");
        if (builder == "docker")
        {
            // A build argument is an input of the build: kept out of every file, secret-looking or not.
            items.Append($"    <DiamolBuildArg Include=\"NPM_TOKEN\" Value=\"{BuildArgValue}\" />\n");
            items.Append("    <DiamolInstruction Include=\"arg\" Instruction=\"ARG NPM_TOKEN\" />\n");
            items.Append("    <DiamolInstruction Include=\"run\" Instruction=\"RUN test -n &quot;$NPM_TOKEN&quot;\" />\n");
        }

        items.Append("  </ItemGroup>\n");
        project.AddToProject(items.ToString());
        string repository = $"diamol-e2e/secrets-{builder}-" + Guid.NewGuid().ToString("N")[..8];
        string summary = Path.Combine(project.Directory, "step-summary.md");
        try
        {
            var publish = project.PublishWith(new Dictionary<string, string?> { ["GITHUB_STEP_SUMMARY"] = summary },
                $"ContainerBaseImage={TestEnvironment.BaseRuntime}", $"ContainerRepository={repository}", $"DiamolBuilder={builder}", "-v:n");
            publish.EnsureSuccess("publish with secret-looking variables");

            // The image has what the project asked for.
            var env = ImageInspection.Strings(ImageInspection.Config(repository + ":latest").GetProperty("Env"));
            foreach (var (name, value) in Secrets) CollectionAssert.Contains(env, $"{name}={value}", name);

            var written = Directory.EnumerateFiles(project.ContainerFolder, "*", SearchOption.AllDirectories)
                .Where(f => Path.GetFileName(f) != "Dockerfile")
                .Where(f => !IsUnder(f, Path.Combine(project.ContainerFolder, "layers")) && !IsUnder(f, Path.Combine(project.ContainerFolder, ".diamol", "blobs")))
                .ToArray();
            Assert.IsTrue(written.Any(f => f.EndsWith("image-history.html", StringComparison.Ordinal)), "the artifacts are there to check");
            Assert.IsTrue(written.Any(f => f.EndsWith("manifest.json", StringComparison.Ordinal)), "the manifest is there to check");
            Assert.IsTrue(File.Exists(summary), "the step summary is there to check");
            var places = written.Select(f => (Where: Path.GetRelativePath(project.ContainerFolder, f), Text: File.ReadAllText(f)))
                .Append((Where: "the step summary", Text: File.ReadAllText(summary)))
                .Append((Where: "the build log", Text: publish.All));
            string[] values = [.. Secrets.Select(s => s.Value), "cs-pass-888", LabelValue, .. builder == "docker" ? new[] { BuildArgValue } : []];
            var leaks = places.SelectMany(p => values.Where(v => p.Text.Contains(v, StringComparison.Ordinal)
                    || p.Text.Contains(System.Text.Json.JsonSerializer.Serialize(v)[1..^1], StringComparison.Ordinal))
                .Select(v => $"{p.Where}: {v}")).ToArray();
            Assert.AreEqual(0, leaks.Length, "secret values found:\n" + string.Join("\n", leaks));
            string history = File.ReadAllText(Path.Combine(project.ContainerFolder, "image-history.md"));
            StringAssert.Contains(history, "redacted");
            StringAssert.Contains(history, "visible-target", "values of ordinary names are shown as they are");
        }
        finally
        {
            ImageInspection.RemoveImages(repository + ":latest");
        }
    }

    private static bool IsUnder(string file, string folder) => file.StartsWith(folder + Path.DirectorySeparatorChar, StringComparison.Ordinal);
}
