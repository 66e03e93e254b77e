using System.Text.RegularExpressions;

namespace Diamol.Build.Tests;

/// <summary>
/// The folders of src/Tasks import downward only: no folder uses a folder that uses it back, directly or round a longer
/// loop. A folder is its namespace (Diamol.Build.Folder); a file uses another folder by a using directive or by a
/// name qualified with that folder (Common.AtomicFile, Diamol.Build.Oci.X), the only two ways C# lets it, so reading
/// the source finds every import (comments and string literals left out).
/// </summary>
[TestClass]
public sealed partial class FolderImportsTests
{
    [TestMethod]
    public void No_folder_of_the_tasks_imports_a_folder_that_imports_it_back()
    {
        var imports = Imports();
        var loop = FindLoop(imports);
        Assert.IsNull(loop, loop is null ? "" : "these folders import each other round a loop: " + string.Join(" -> ", loop) +
            "; move what both need into a folder below them (Common/ for pieces every folder may use)");
    }

    [TestMethod]
    public void Common_imports_nothing_of_ours_but_Diagnostics()
    {
        var common = Imports()["Common"];
        CollectionAssert.AreEquivalent(new[] { "Diagnostics" }, common.Keys.ToArray(),
            "Common/ is what every folder may use: " + string.Join("; ", common.Select(i => $"{i.Key} by {i.Value}")));
    }

    /// <summary>Each folder's imports: the folder imported, and one file that does it (for the message).</summary>
    private static Dictionary<string, Dictionary<string, string>> Imports()
    {
        string root = Path.Combine(RepositoryRoot.Path, "src", "Tasks");
        string[] folders = Directory.GetDirectories(root).Select(Path.GetFileName).Where(f => f is not ("bin" or "obj")).ToArray()!;
        var imports = folders.ToDictionary(f => f, _ => new Dictionary<string, string>(StringComparer.Ordinal), StringComparer.Ordinal);
        foreach (string folder in folders)
        {
            foreach (string file in Directory.EnumerateFiles(Path.Combine(root, folder), "*.cs", SearchOption.AllDirectories))
            {
                string code = Code(File.ReadAllText(file));
                foreach (string other in folders.Where(o => o != folder))
                {
                    if (Regex.IsMatch(code, $@"using Diamol\.Build\.{other};|(?<![\w.])(Diamol\.Build\.)?{other}\.[A-Z]"))
                    {
                        imports[folder].TryAdd(other, Path.GetFileName(file));
                    }
                }
            }
        }

        return imports;
    }

    // Comments and string literals say names that are not imports.
    private static string Code(string source) => StringLiteral().Replace(Comment().Replace(source, ""), "\"\"");

    /// <summary>A loop of imports (the first folder again at its end), or null when the folders import downward only.</summary>
    private static List<string>? FindLoop(Dictionary<string, Dictionary<string, string>> imports)
    {
        var done = new HashSet<string>(StringComparer.Ordinal);
        var path = new List<string>();
        List<string>? Visit(string folder)
        {
            int seen = path.IndexOf(folder);
            if (seen >= 0) return [.. path.Skip(seen), folder];
            if (!done.Add(folder)) return null;
            path.Add(folder);
            foreach (string imported in imports[folder].Keys.Order(StringComparer.Ordinal))
            {
                if (Visit(imported) is { } loop) return loop;
            }

            path.RemoveAt(path.Count - 1);
            return null;
        }

        return imports.Keys.Order(StringComparer.Ordinal).Select(Visit).FirstOrDefault(loop => loop is not null);
    }

    [GeneratedRegex(@"//[^\n]*|/\*.*?\*/", RegexOptions.Singleline)]
    private static partial Regex Comment();

    [GeneratedRegex(@"@""(?:""""|[^""])*""|""(?:\\.|[^""\\\n])*""")]
    private static partial Regex StringLiteral();
}
