using System.Text;
using System.Text.Json;

namespace Diamol.Build.EndToEndTests;

/// <summary>
/// Generated hostile ENV and LABEL values go through the whole product (MSBuild items, the SDK's container properties,
/// our spec and Dockerfile writer). An independent parser (npm dockerfile-ast) must read back exactly the intended
/// instructions and values from the Dockerfile, for 10,000 values; 200 of them are built by the engine and by the OCI
/// writer and read back with `docker inspect`, so the writer's quoting and the OCI writer's reading of it both hold.
/// </summary>
[TestClass]
public sealed class ValueFuzzTests
{
    private const int Written = 10_000;
    private const int Built = 200;

    // Quotes, escapes, variables, comment and continuation characters, MSBuild's own specials, white space that is not
    // ' ' (tab, no-break space, ideographic space, line separator), non-ASCII letters, combining marks and emoji.
    private static readonly string[] Alphabet =
    [
        "\"", "'", "\\", "$", "{", "}", "(", ")", " ", "  ", "\t", "=", "#", "%", ";", "&", "|", "<", ">", "`", "*", "?", "!", "~", "@", ",", ":",
        "a", "Z", "0", "9", "_", "-", ".", "/", "é", "中", "🙂", "\u0301", "\u00A0", "\u3000", "\u2028", "$HOME", "${PATH}", "\\$", "\\\\", "\\\"",
    ];

    [TestMethod]
    public void Ten_thousand_generated_values_read_back_exactly_and_two_hundred_build_in_both_builders()
    {
        var random = new Random(20261128);
        var values = Enumerable.Range(0, Written).Select(_ => Generate(random)).ToArray();
        // Half go to ENV (FUZZ_n), half to LABEL (org.fuzz.n).
        var intended = values.Select((v, i) => (Env: i % 2 == 0, Name: i % 2 == 0 ? $"FUZZ_{i}" : $"org.fuzz.v{i}", Value: v)).ToArray();

        var project = ConsumerProject.FromSample("WebPing");
        string csproj = Path.Combine(project.Directory, project.Name + ".csproj");
        string original = File.ReadAllText(csproj);
        File.WriteAllText(csproj, original.Replace("</Project>", Items(intended) + "</Project>"));
        project.Publish($"ContainerBaseImage={TestEnvironment.BaseRuntime}", "DiamolBuildImage=false").EnsureSuccess("writing the Dockerfile of 10,000 values");

        var read = ReadWithDockerfileAst(Path.Combine(project.ContainerFolder, "Dockerfile"));
        int mismatches = 0;
        var report = new StringBuilder();
        foreach (var (env, name, value) in intended)
        {
            string key = (env ? "ENV " : "LABEL ") + name;
            if (read.TryGetValue(key, out string? got) && got == value) continue;
            if (++mismatches <= 10) report.Append($"{key}: intended {JsonSerializer.Serialize(value)}, read {JsonSerializer.Serialize(got)}\n");
        }

        Assert.AreEqual(0, mismatches, $"{mismatches} of {Written} values read back differently:\n{report}");
        Assert.AreEqual(Written, read.Keys.Count(k => k.StartsWith("ENV FUZZ_", StringComparison.Ordinal) || k.StartsWith("LABEL org.fuzz.", StringComparison.Ordinal)),
            "exactly the intended instructions, no more");

        var sample = intended.Take(Built).ToArray();
        File.WriteAllText(csproj, original.Replace("</Project>", Items(sample) + "</Project>"));
        foreach (string builder in new[] { "docker", "oci" })
        {
            string repository = $"diamol-fuzz/{builder}-{Guid.NewGuid().ToString("N")[..8]}";
            try
            {
                project.Publish($"ContainerBaseImage={TestEnvironment.BaseRuntime}", $"ContainerRepository={repository}", $"DiamolBuilder={builder}")
                    .EnsureSuccess($"building 200 values with the {builder} builder");
                var config = ImageInspection.Config(repository + ":latest");
                var env = ImageInspection.Strings(config.GetProperty("Env")).Select(e => e.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
                var labels = config.GetProperty("Labels").EnumerateObject().ToDictionary(l => l.Name, l => l.Value.GetString());
                foreach (var (isEnv, name, value) in sample)
                {
                    string? got = isEnv ? env.GetValueOrDefault(name) : labels.GetValueOrDefault(name);
                    Assert.AreEqual(value, got, $"{builder}: {(isEnv ? "Env" : "Label")} {name} differs from what was set");
                }
            }
            finally
            {
                ImageInspection.RemoveImages(repository + ":latest");
            }
        }
    }

    private static string Generate(Random random)
    {
        var value = new StringBuilder();
        int parts = random.Next(0, 12);
        for (int i = 0; i < parts; i++) value.Append(Alphabet[random.Next(Alphabet.Length)]);
        // Some values end in a backslash or white space, which a careless writer turns into a continuation.
        if (random.Next(8) == 0) value.Append(random.Next(2) == 0 ? "\\" : " ");
        return value.ToString();
    }

    private static string Items(IEnumerable<(bool Env, string Name, string Value)> items)
    {
        var xml = new StringBuilder("  <ItemGroup>\n");
        foreach (var (env, name, value) in items)
        {
            xml.Append($"    <{(env ? "ContainerEnvironmentVariable" : "ContainerLabel")} Include=\"{name}\" Value=\"{Attribute(value)}\" />\n");
        }

        return xml.Append("  </ItemGroup>\n").ToString();
    }

    // MSBuild unescapes %XX in item metadata; XML needs entities, and a tab as a character reference (an attribute's
    // literal tab is normalised to a space). MSBuild itself changes two things on the way, before any task sees them,
    // so they are escaped as the README tells users to: on Linux a value that looks like a path has its '\' turned
    // into '/', and "<a/>" in an attribute comes back as "<a />".
    private static string Attribute(string value)
    {
        var escaped = new StringBuilder();
        foreach (char c in value)
        {
            escaped.Append(c switch
            {
                '%' or '$' or '@' or ';' or '\'' or '*' or '?' or '\\' or '<' or '>' => $"%{(int)c:X2}",
                '&' => "&amp;",
                '"' => "&quot;",
                '\t' => "&#9;",
                _ => c.ToString(),
            });
        }

        return escaped.ToString();
    }

    /// <summary>
    /// Every ENV and LABEL pair as dockerfile-ast reads it: "ENV NAME" or "LABEL key" to the value. dockerfile-ast
    /// returns names as written (our writer quotes them) and leaves the escape of a '$' for variable expansion, so
    /// those two steps are finished here.
    /// </summary>
    private static Dictionary<string, string> ReadWithDockerfileAst(string dockerfile)
    {
        string modules = Path.Combine(Environment.GetEnvironmentVariable("DIAMOL_LINT_DIR") ?? "/var/cache/diamol-test/lint", "node_modules");
        Assert.IsTrue(Directory.Exists(Path.Combine(modules, "dockerfile-ast")), $"dockerfile-ast is not installed in {modules}; run eng/provision.sh");
        const string script = """
            const { DockerfileParser } = require("dockerfile-ast");
            const text = require("fs").readFileSync(process.argv[1], "utf8");
            const unquote = s => s.startsWith('"') && s.endsWith('"') && s.length > 1 ? s.slice(1, -1).replace(/\\(["\\$])/g, "$1") : s;
            const pairs = [];
            for (const instruction of DockerfileParser.parse(text).getInstructions()) {
              const keyword = instruction.getKeyword();
              if ((keyword === "ENV" || keyword === "LABEL") && instruction.getProperties) {
                for (const p of instruction.getProperties()) {
                  pairs.push([keyword + " " + unquote(p.getName()), (p.getValue() ?? "").replace(/\\\$/g, "$")]);
                }
              }
            }
            process.stdout.write(JSON.stringify(pairs));
            """;
        var result = ProcessRunner.Run("node", ["-e", script, dockerfile], environment: new Dictionary<string, string?> { ["NODE_PATH"] = modules },
            timeout: TimeSpan.FromMinutes(2)).EnsureSuccess("dockerfile-ast");
        var read = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in JsonDocument.Parse(result.Output).RootElement.EnumerateArray())
        {
            read[pair[0].GetString()!] = pair[1].GetString()!;
        }

        return read;
    }
}
