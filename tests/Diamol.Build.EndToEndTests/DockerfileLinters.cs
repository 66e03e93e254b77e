using System.Text.Json;

namespace Diamol.Build.EndToEndTests;

/// <summary>The npm linters dockerfile-utils and dockerfilelint, installed by eng/provision.sh.</summary>
public static class DockerfileLinters
{
    private static string Bin => Path.Combine(
        Environment.GetEnvironmentVariable("DIAMOL_LINT_DIR") ?? "/var/cache/diamol-test/lint", "node_modules", ".bin");

    /// <summary>Every finding of both linters, as "tool: line: message" (empty when clean).</summary>
    public static string[] Lint(string dockerfile)
    {
        Assert.IsTrue(File.Exists(dockerfile), dockerfile + " is missing (dockerfilelint would lint the name as text)");
        string utils = Path.Combine(Bin, "dockerfile-utils");
        string lint = Path.Combine(Bin, "dockerfilelint");
        Assert.IsTrue(File.Exists(utils) && File.Exists(lint), $"the linters are not installed in {Bin}; run eng/provision.sh");

        var findings = new List<string>();
        var first = ProcessRunner.Run(utils, ["lint", "-j", dockerfile]);
        foreach (var finding in JsonDocument.Parse(first.Output).RootElement.EnumerateArray())
        {
            findings.Add($"dockerfile-utils: line {finding.GetProperty("range").GetProperty("start").GetProperty("line").GetInt32() + 1}: {finding.GetProperty("message").GetString()}");
        }

        var second = ProcessRunner.Run(lint, ["-j", dockerfile]);
        foreach (var file in JsonDocument.Parse(second.Output).RootElement.GetProperty("files").EnumerateArray())
        {
            foreach (var issue in file.GetProperty("issues").EnumerateArray())
            {
                findings.Add($"dockerfilelint: line {issue.GetProperty("line")}: {issue.GetProperty("title").GetString()}: {issue.GetProperty("description").GetString()}");
            }
        }

        return findings.ToArray();
    }
}
