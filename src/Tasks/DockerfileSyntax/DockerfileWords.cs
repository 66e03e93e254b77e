using System.Text;

namespace Diamol.Build.DockerfileSyntax;

/// <summary>
/// Reads instruction arguments the way the Dockerfile frontend of the classic builder does, so the OCI writer gives
/// the same values the engine gives for the same text: <see cref="Split"/> is the parser's word split (quotes and
/// escapes kept, for ENV/LABEL/ARG pairs), <see cref="Expand"/> is its shell-like word processing (quotes removed,
/// escapes applied, <c>$NAME</c>, <c>${NAME}</c>, <c>${NAME:-word}</c>, <c>${NAME:+word}</c> substituted).
/// Errors are <see cref="FormatException"/>s with the engine's reason; callers name the instruction.
/// </summary>
internal static class DockerfileWords
{
    private const char Escape = '\\';

    /// <summary>Splits at unquoted white space, keeping quotes and escapes in the words.</summary>
    public static IReadOnlyList<string> Split(string text)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        bool inWord = false, blankOk = false;
        char quote = '\0';
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (quote != '\0')
            {
                if (c == quote)
                {
                    quote = '\0';
                }
                else if (c == Escape && quote != '\'')
                {
                    if (i + 1 == text.Length) continue;
                    word.Append(c);
                    c = text[++i];
                }

                word.Append(c);
                continue;
            }

            if (char.IsWhiteSpace(c))
            {
                if (inWord && (blankOk || word.Length > 0)) words.Add(word.ToString());
                word.Clear();
                inWord = blankOk = false;
                continue;
            }

            inWord = true;
            if (c is '\'' or '"')
            {
                quote = c;
                blankOk = true;
            }
            else if (c == Escape)
            {
                if (i + 1 == text.Length) continue;
                word.Append(c);
                c = text[++i];
            }

            word.Append(c);
        }

        if (inWord && (blankOk || word.Length > 0)) words.Add(word.ToString());
        return words;
    }

    /// <summary>Processes one word: quotes removed, escapes applied, variables substituted (unset ones are empty).</summary>
    /// <param name="lookup">A variable's value, or null when it is not set.</param>
    public static string Expand(string word, Func<string, string?> lookup)
    {
        var reader = new Reader(word, lookup);
        return reader.Process(stop: null);
    }

    private sealed class Reader(string text, Func<string, string?> lookup)
    {
        private int _at;

        private char? Peek => _at < text.Length ? text[_at] : null;

        public string Process(char? stop)
        {
            var result = new StringBuilder();
            while (Peek is char c)
            {
                if (stop == c)
                {
                    _at++;
                    return result.ToString();
                }

                switch (c)
                {
                    case '\'':
                        result.Append(SingleQuoted());
                        break;
                    case '"':
                        result.Append(DoubleQuoted());
                        break;
                    case '$':
                        result.Append(Dollar());
                        break;
                    case Escape:
                        _at++;
                        if (Peek is char escaped)
                        {
                            result.Append(escaped);
                            _at++;
                        }

                        break;
                    default:
                        result.Append(c);
                        _at++;
                        break;
                }
            }

            if (stop is not null) throw new FormatException($"syntax error: missing '{stop}'");
            return result.ToString();
        }

        private string SingleQuoted()
        {
            _at++;
            int end = text.IndexOf('\'', _at);
            if (end < 0) throw new FormatException("unexpected end of statement while looking for matching single-quote");
            string value = text[_at..end];
            _at = end + 1;
            return value;
        }

        private string DoubleQuoted()
        {
            _at++;
            var result = new StringBuilder();
            while (true)
            {
                if (Peek is not char c) throw new FormatException("unexpected end of statement while looking for matching double-quote");
                if (c == '"')
                {
                    _at++;
                    return result.ToString();
                }

                if (c == '$')
                {
                    result.Append(Dollar());
                    continue;
                }

                _at++;
                // Inside double quotes only \" \$ and \\ are escapes; any other backslash stays.
                if (c == Escape && Peek is '"' or '$' or Escape)
                {
                    c = text[_at++];
                }

                result.Append(c);
            }
        }

        private string Dollar()
        {
            _at++;
            if (Peek != '{')
            {
                string name = Name();
                return name.Length == 0 ? "$" : lookup(name) ?? "";
            }

            _at++;
            if (Peek is null) throw new FormatException("syntax error: missing '}'");
            if (Peek is '{' or '}' or ':') throw new FormatException("syntax error: bad substitution");
            string variable = Name();
            char? next = Peek;
            _at++;
            switch (next)
            {
                case '}':
                    return lookup(variable) ?? "";
                case ':':
                    char? modifier = Peek;
                    _at++;
                    string word = Process(stop: '}');
                    string? value = lookup(variable);
                    return modifier switch
                    {
                        '-' => string.IsNullOrEmpty(value) ? word : value,
                        '+' => string.IsNullOrEmpty(value) ? "" : word,
                        '?' => string.IsNullOrEmpty(value)
                            ? throw new FormatException($"{variable}: {(word.Length == 0 ? "is not allowed to be unset" : word)}")
                            : value,
                        _ => throw new FormatException($"unsupported modifier ({modifier}) in substitution"),
                    };
                case null:
                    throw new FormatException("syntax error: missing '}'");
                default:
                    throw new FormatException("missing ':' in substitution (the engine reads ${NAME}, ${NAME:-word}, ${NAME:+word} and ${NAME:?word})");
            }
        }

        // A name is letters, digits and '_'; one that starts with a digit is all digits; a special parameter is one character.
        private string Name()
        {
            int start = _at;
            if (Peek is char first && char.IsDigit(first))
            {
                while (Peek is char d && char.IsDigit(d)) _at++;
                return text[start.._at];
            }

            if (Peek is '*' or '#' or '@' or '?' or '-' or '$' or '!' or '0')
            {
                _at++;
                return text[start.._at];
            }

            while (Peek is char c && (char.IsLetterOrDigit(c) || c == '_')) _at++;
            return text[start.._at];
        }
    }
}
