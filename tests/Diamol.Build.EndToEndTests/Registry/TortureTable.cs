namespace Diamol.Build.EndToEndTests.Registry;

/// <summary>
/// The side-by-side table of docs/registries.md ("The torture suite"), checked against what a case measured: a row per
/// case, named by the case in backquotes, whose Diamol.Build and PublishContainer cells start with the outcome
/// (<see cref="TortureOutcome.Summary"/>, then ": " and notes) and whose catcher cell says "none" or "sent" for each.
/// A PublishContainer cell that starts with "varies" is not compared: its outcome differed between runs.
/// </summary>
internal static class TortureTable
{
    private static string Document => Path.Combine(TestEnvironment.RepositoryRoot, "docs", "registries.md");

    public static void AssertDocumented(string caseName, TortureOutcome diamol, TortureOutcome sdk)
    {
        string prefix = $"| `{caseName}` |";
        string? row = File.ReadLines(Document).SingleOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal));
        Assert.IsNotNull(row, $"docs/registries.md has no row for the torture case `{caseName}`; measured {diamol}; {sdk}");
        string[] cells = row.Trim().Trim('|').Split('|').Select(c => c.Trim()).ToArray();
        Assert.AreEqual(5, cells.Length, "a torture row has five cells (case, registry, Diamol.Build, PublishContainer, catcher): " + row);
        string what = $"the documented row for `{caseName}` against the measurement ({diamol}; {sdk}): {row}";
        Assert.AreEqual(diamol.Summary, Outcome(cells[2]), what);
        bool varies = cells[3].StartsWith("varies", StringComparison.Ordinal);
        if (!varies) Assert.AreEqual(sdk.Summary, Outcome(cells[3]), what);
        string[] catcher = cells[4].Split('/').Select(c => c.Trim()).ToArray();
        Assert.AreEqual(2, catcher.Length, what);
        Assert.AreEqual(diamol.Leaked ? "sent" : "none", catcher[0], what);
        if (!varies) Assert.AreEqual(sdk.Leaked ? "sent" : "none", catcher[1], what);
    }

    private static string Outcome(string cell) => cell.Split(':')[0].Trim();
}
