using System.Text.RegularExpressions;

namespace Diamol.Build.EndToEndTests.Docs;

/// <summary>A fenced code block of a Markdown document: where it opens, its language, and its lines as numbered in the file.</summary>
public sealed record FencedBlock(string Document, int Line, string Language, IReadOnlyList<(int Line, string Text)> Body)
{
    /// <summary>
    /// Every Markdown file of the repository (build output, dependencies and hidden folders aside), as paths relative
    /// to the root with '/', in ordinal order: README.md comes before docs/, so the docs' commands find its publish.
    /// </summary>
    public static IReadOnlyList<string> Documents(string root) =>
        Directory.EnumerateFiles(root, "*.md", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(root, f).Replace('\\', '/'))
            .Where(f => !f.Split('/').Any(p => p is "bin" or "obj" or "artifacts" or "node_modules" or "TestResults" || p.StartsWith('.')))
            .Order(StringComparer.Ordinal)
            .ToArray();

    private static readonly Regex Fence = new(@"^\s*(`{3,}|~{3,})\s*([^\s`]*)", RegexOptions.Compiled);

    /// <summary>The fenced blocks of one document (CommonMark fences: ``` or ~~~, closed by a fence as long or longer).</summary>
    public static IEnumerable<FencedBlock> In(string root, string document)
    {
        string[] lines = File.ReadAllLines(Path.Combine(root, document));
        for (int i = 0; i < lines.Length; i++)
        {
            var open = Fence.Match(lines[i]);
            if (!open.Success) continue;
            string marker = open.Groups[1].Value;
            var body = new List<(int, string)>();
            int j = i + 1;
            for (; j < lines.Length; j++)
            {
                string trimmed = lines[j].Trim();
                if (trimmed.Length >= marker.Length && trimmed.All(c => c == marker[0])) break;
                body.Add((j + 1, lines[j]));
            }

            yield return new FencedBlock(document, i + 1, open.Groups[2].Value.ToLowerInvariant(), body);
            i = j;
        }
    }
}
