using Diamol.Build.DockerfileSyntax;

namespace Diamol.Build.Tests.Dockerfile;

/// <summary>Every expected value here was read back from Docker 20.10's classic builder for the same text.</summary>
[TestClass]
public sealed class DockerfileWordsTests
{
    private static readonly Dictionary<string, string> Variables = new() { ["A"] = "aval", ["EMPTY"] = "" };

    private static string Expand(string word) => DockerfileWords.Expand(word, name => Variables.GetValueOrDefault(name));

    [TestMethod]
    [DataRow("\"a\\b\\\"c\\$d $A\"", "a\\b\"c$d aval", DisplayName = "double quotes: only \\\" \\$ \\\\ escape, variables expand")]
    [DataRow("'s $A \\x'", "s $A \\x", DisplayName = "single quotes are literal")]
    [DataRow("p\\ q\\$r", "p q$r", DisplayName = "a backslash outside quotes escapes any character")]
    [DataRow("${B:-def}", "def")]
    [DataRow("${EMPTY:-def}", "def")]
    [DataRow("${A:+alt}${B:+no}", "alt")]
    [DataRow("$1x", "x", DisplayName = "a positional parameter is unset")]
    [DataRow("$$", "", DisplayName = "a special parameter is unset")]
    [DataRow("${A}_$A_", "aval_", DisplayName = "a name takes letters, digits and underscores")]
    [DataRow("\\\\", "\\")]
    [DataRow("x\"y z\"w", "xy zw")]
    [DataRow("cost: 5$", "cost: 5$", DisplayName = "a dollar without a name stays")]
    [DataRow("${A:?boom}", "aval")]
    public void Words_read_as_the_engine_reads_them(string word, string expected) => Assert.AreEqual(expected, Expand(word));

    [TestMethod]
    [DataRow("${A-x}", "missing ':'")]
    [DataRow("${B:?is required}", "B: is required")]
    [DataRow("${A", "missing '}'")]
    [DataRow("${}", "bad substitution")]
    [DataRow("'open", "single-quote")]
    [DataRow("\"open", "double-quote")]
    public void What_the_engine_refuses_is_refused(string word, string reason) =>
        StringAssert.Contains(Assert.ThrowsExactly<FormatException>(() => Expand(word)).Message, reason);

    [TestMethod]
    public void Split_keeps_quotes_and_escapes_and_splits_at_unquoted_space()
    {
        CollectionAssert.AreEqual(new[] { "\"k 1\"=\"v 1\"", "k2=v\\ 2", "''" }, DockerfileWords.Split("  \"k 1\"=\"v 1\"   k2=v\\ 2 ''  ").ToArray());
        CollectionAssert.AreEqual(new[] { "a=\"x \\\" y\"" }, DockerfileWords.Split("a=\"x \\\" y\"").ToArray());
    }
}
