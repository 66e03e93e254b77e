namespace Diamol.Build.EndToEndTests.Docs;

/// <summary>
/// A shell command the documentation shows, as written, with the document and line it starts on.
/// The convention: a fence in one of <see cref="ShellLanguages"/> holds commands. In `console` blocks a command is a
/// line starting with "$ " (the rest is output); in the others every line is a command, except blank lines and
/// `#` comments. A line ending in '\' goes on on the next.
/// </summary>
public sealed record DocumentedCommand(string Document, int Line, string Text)
{
    /// <summary>Languages whose blocks are commands; Windows shells included, so that none slips by unclassified.</summary>
    public static readonly IReadOnlySet<string> ShellLanguages =
        new HashSet<string>(["sh", "bash", "shell", "zsh", "console", "shell-session", "pwsh", "powershell", "ps1", "cmd", "bat"]);

    /// <summary>The command without a trailing `# comment`: what the allow-list names, so a reworded comment keeps its entry.</summary>
    public string Command => WithoutComment(Text);

    /// <summary>Cuts at the first `#` that starts a word outside quotes, as the shell reads a comment.</summary>
    private static string WithoutComment(string text)
    {
        char quote = '\0';
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (quote != '\0') { if (c == quote) quote = '\0'; }
            else if (c is '\'' or '"') quote = c;
            else if (c == '\\') i++;
            else if (c == '#' && (i == 0 || char.IsWhiteSpace(text[i - 1]))) return text[..i].TrimEnd();
        }

        return text;
    }

    public override string ToString() => $"{Document}:{Line}: {Text}";

    public static IEnumerable<DocumentedCommand> In(FencedBlock block)
    {
        if (!ShellLanguages.Contains(block.Language)) yield break;
        bool prompted = block.Language is "console" or "shell-session";
        for (int i = 0; i < block.Body.Count; i++)
        {
            var (line, text) = block.Body[i];
            text = text.Trim();
            if (prompted)
            {
                if (!text.StartsWith("$ ", StringComparison.Ordinal)) continue;
                text = text[2..].Trim();
            }
            else if (text.Length == 0 || text.StartsWith('#'))
            {
                continue;
            }

            while (text.EndsWith('\\') && i + 1 < block.Body.Count)
            {
                text = text[..^1].TrimEnd() + " " + block.Body[++i].Text.Trim();
            }

            yield return new DocumentedCommand(block.Document, line, text);
        }
    }
}
