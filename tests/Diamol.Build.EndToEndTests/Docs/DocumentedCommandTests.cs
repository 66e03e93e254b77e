using System.Diagnostics;

namespace Diamol.Build.EndToEndTests.Docs;

/// <summary>
/// The documentation's commands work: every command in a shell fence of the repository's Markdown (README.md,
/// src/Sdk/README.md, docs/, any new document) either runs here, as written, against a sample project or a copy of
/// the repository (<see cref="DocumentedCommandRules"/>), or is listed as not runnable here with a reason. A new
/// command is run as soon as it is written; one that fails, fails this test with its document, line and output.
/// </summary>
[TestClass]
public sealed class DocumentedCommandTests
{
    private static string Root => TestEnvironment.RepositoryRoot;

    private static IEnumerable<FencedBlock> Blocks =>
        FencedBlock.Documents(Root).SelectMany(document => FencedBlock.In(Root, document));

    private static IReadOnlyList<DocumentedCommand> Commands => Blocks.SelectMany(DocumentedCommand.In).ToArray();

    private static bool IsNotRunnableHere(DocumentedCommand command) =>
        DocumentedCommandRules.NotRunnableHere.ContainsKey((command.Document, command.Command));

    [TestMethod]
    public void Every_fence_names_its_language()
    {
        // Without a language a block of commands would escape this test unseen.
        var bare = Blocks.Where(b => b.Language.Length == 0).Select(b => $"{b.Document}:{b.Line}").ToArray();
        Assert.AreEqual(0, bare.Length,
            "a fence without a language: write ```sh for commands (this test runs them) or ```text for anything else: " + string.Join(", ", bare));
    }

    [TestMethod]
    public void Every_documented_command_runs_here_or_says_why_not()
    {
        var commands = Commands;
        Assert.IsTrue(commands.Count > 0, "no documented commands found: is the fence convention still the one DocumentedCommand reads?");

        var unplaced = commands
            .Where(c => !IsNotRunnableHere(c) && !DocumentedCommandRules.IsRepositoryScript(c) && !DocumentedCommandRules.ProjectOf.ContainsKey(c.Document))
            .Select(c => c.ToString()).ToArray();
        Assert.AreEqual(0, unplaced.Length,
            "commands in a document with no project to run in: add the document to DocumentedCommandRules.ProjectOf, or the command to NotRunnableHere with a reason:\n"
            + string.Join("\n", unplaced));

        AssertNotRunnableHereIsCurrent(commands);

        var idle = DocumentedCommandRules.ProjectOf.Keys.Where(d => !commands.Any(c => c.Document == d && !IsNotRunnableHere(c))).ToArray();
        Assert.AreEqual(0, idle.Length, "ProjectOf names documents with no command to run: " + string.Join(", ", idle));
    }

    [TestMethod]
    public void The_documented_commands_run_as_written()
    {
        // A stale entry may mean a command that must not run here (eng/test.sh would run this suite again) is about to.
        var commands = Commands;
        AssertNotRunnableHereIsCurrent(commands);
        var failures = new List<string>();
        using var workspace = new DocumentedCommandWorkspace();
        foreach (var command in commands.Where(c => !IsNotRunnableHere(c)))
        {
            string? folder = workspace.FolderFor(command);
            if (folder is null)
            {
                failures.Add($"{command}\n  no rule says where it runs (see Every_documented_command_runs_here_or_says_why_not)");
                continue;
            }

            string asRun = DocumentedCommandRules.AsRunHere(command.Text);
            var clock = Stopwatch.StartNew();
            var result = ProcessRunner.Run("bash", ["-o", "pipefail", "-c", asRun], folder, DocumentedCommandRules.Environment, TimeSpan.FromMinutes(10));
            Console.WriteLine($"{command} -> exit {result.ExitCode} in {clock.Elapsed.TotalSeconds:0.0} s");
            if (result.ExitCode != 0)
            {
                failures.Add($"{command}\n  ran as: {asRun}\n  in: {folder}\n  exit code {result.ExitCode}\n--- output ---\n{Tail(result.All)}");
            }
        }

        Assert.AreEqual(0, failures.Count, $"{failures.Count} documented command(s) failed:\n\n" + string.Join("\n\n", failures));
    }

    /// <summary>An entry that matches no command means the list is stale, or the command's text moved away from it.</summary>
    private static void AssertNotRunnableHereIsCurrent(IReadOnlyList<DocumentedCommand> commands)
    {
        var stale = DocumentedCommandRules.NotRunnableHere.Keys
            .Where(key => !commands.Any(c => (c.Document, c.Command) == key))
            .Select(key => $"{key.Document}: {key.Command}").ToArray();
        Assert.AreEqual(0, stale.Length, "NotRunnableHere names commands no document shows any more:\n" + string.Join("\n", stale));
    }

    private static string Tail(string text) => text.Length <= 6000 ? text : "..." + text[^6000..];
}
