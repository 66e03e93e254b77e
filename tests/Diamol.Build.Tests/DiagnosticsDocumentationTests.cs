using System.Text.RegularExpressions;
using Diamol.Build.Diagnostics;

namespace Diamol.Build.Tests;

/// <summary>Every DIAM code is documented, and the documentation names no code that does not exist.</summary>
[TestClass]
public sealed class DiagnosticsDocumentationTests
{
    [TestMethod]
    public void The_table_in_docs_matches_the_codes()
    {
        string doc = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "docs", "diagnostics.md"));
        var documented = Regex.Matches(doc, @"^\| (DIAM\d{4}) \|", RegexOptions.Multiline).Select(m => m.Groups[1].Value).ToArray();
        var defined = Enum.GetNames<DiagnosticCode>();
        CollectionAssert.AreEquivalent(defined, documented);
    }

    [TestMethod]
    public void The_targets_use_only_documented_codes()
    {
        string targets = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "src", "Sdk", "build", "Diamol.Build.targets"));
        foreach (Match code in Regex.Matches(targets, @"DIAM\d{4}"))
        {
            Assert.IsTrue(Enum.IsDefined(typeof(DiagnosticCode), code.Value), code.Value);
        }
    }
}
