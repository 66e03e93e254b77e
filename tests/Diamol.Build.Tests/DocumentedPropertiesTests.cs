using System.Text.RegularExpressions;
using Microsoft.Build.Locator;

namespace Diamol.Build.Tests;

/// <summary>
/// The README's property tables name only properties something still reads: Diamol.Build's own settings and outputs
/// are read or set by the package's props and targets; the SDK container settings it reuses (the "property / item"
/// table) by them or by the SDK's container targets, whose ComputeContainerConfig our targets call. A cheap text check.
/// </summary>
[TestClass]
public sealed class DocumentedPropertiesTests
{
    [TestMethod]
    public void Every_property_in_the_readme_tables_is_still_read()
    {
        string build = Path.Combine(RepositoryRoot.Path, "src", "Sdk", "build");
        string ours = File.ReadAllText(Path.Combine(build, "Diamol.Build.props")) + File.ReadAllText(Path.Combine(build, "Diamol.Build.targets"));
        string sdk = File.ReadAllText(Path.Combine(MSBuildLocator.QueryVisualStudioInstances().First().MSBuildPath,
            "Containers", "build", "Microsoft.NET.Build.Containers.targets"));

        var checkedNames = new List<string>();
        var unread = new List<string>();
        foreach (var (header, name) in FirstColumnNames(File.ReadAllLines(Path.Combine(RepositoryRoot.Path, "README.md"))))
        {
            // Our own tables also name the items that carry DiamolLayer metadata (Content, None, ...): only Diamol* are ours.
            bool sdkSetting = header == "property / item";
            if (!sdkSetting && (header is not ("property" or "name") || !name.StartsWith("Diamol", StringComparison.Ordinal))) continue;
            checkedNames.Add(name);
            if (!Reads(ours, name) && !(sdkSetting && Reads(sdk, name))) unread.Add($"{name} ({header} table)");
        }

        Assert.IsTrue(checkedNames.Count > 40, "the README's property tables were not found: " + string.Join(", ", checkedNames));
        Assert.AreEqual(0, unread.Count, "documented in README but read by no targets: " + string.Join(", ", unread));
    }

    private static bool Reads(string targets, string name) => Regex.IsMatch(targets, $@"\b{name}\b");

    /// <summary>The `Name`s in the first cell of each table row, with the table's first header cell; (metadata) left out.</summary>
    private static IEnumerable<(string Header, string Name)> FirstColumnNames(string[] lines)
    {
        string header = "";
        for (int i = 0; i < lines.Length; i++)
        {
            if (!lines[i].StartsWith('|')) continue;
            string first = lines[i].Split('|', StringSplitOptions.TrimEntries)[1];
            if (i == 0 || !lines[i - 1].StartsWith('|'))
            {
                header = first;
                continue;
            }

            foreach (Match name in Regex.Matches(Regex.Replace(first, @"\(.*?\)", ""), @"`([A-Za-z_][A-Za-z0-9_]*)`"))
            {
                yield return (header, name.Groups[1].Value);
            }
        }
    }
}
