using System.Text;

namespace Phosphene.Notebook.Magics;

/// <summary>How a token was written.</summary>
internal enum MagicTokenKind
{
    /// <summary>As is: a word, a number, a range, a list, an option name.</summary>
    Bare,
    /// <summary>In double or single quotes (the text is unquoted, with <c>\"</c> and <c>\\</c> unescaped).</summary>
    Quoted,
    /// <summary>In braces: a C# expression (the text is inside the braces).</summary>
    Braced,
}

/// <summary>One token of a magic line and its span in the line.</summary>
internal sealed record MagicToken(MagicTokenKind Kind, string Text, int Start, int End);

/// <summary>
/// Splits the arguments of a magic line at whitespace; quotes and braces (nested, with strings inside) keep
/// whitespace within a token.
/// </summary>
internal static class MagicTokenizer
{
    /// <summary>The tokens of <paramref name="text"/>, starting at <paramref name="from"/>.</summary>
    public static List<MagicToken> Tokenize(string text, int from, bool lenient = false)
    {
        var tokens = new List<MagicToken>();
        var i = from;
        while (true)
        {
            while (i < text.Length && char.IsWhiteSpace(text[i]))
                i++;
            if (i >= text.Length)
                return tokens;
            var start = i;
            var stop = MagicScanner.Scan(text, start, (c, level) => char.IsWhiteSpace(c) && level <= 0);
            i = stop.Index;
            var quote = stop.OpenQuote;
            var depth = stop.Depth;
            if (!lenient && quote != '\0')
                throw new MagicException($"unterminated {(quote == '"' ? "double" : "single")} quote in '{text[start..].Trim()}'; close it with {quote}");
            if (!lenient && depth > 0)
                throw new MagicException($"unbalanced braces in '{text[start..].Trim()}'; close the C# expression with }}");
            tokens.Add(Classify(text[start..Math.Min(i, text.Length)], start));
        }
    }

    /// <summary>Classifies one token's raw text: a whole <c>{…}</c> is an expression, a whole quoted string is text.</summary>
    public static MagicToken Classify(string raw, int start)
    {
        var end = start + raw.Length;
        if (raw.Length >= 2 && raw[0] == '{' && raw[^1] == '}' && MagicScanner.ClosingBrace(raw) == raw.Length - 1)
            return new MagicToken(MagicTokenKind.Braced, raw[1..^1].Trim(), start, end);
        if (raw.Length >= 2 && raw[0] is '"' or '\'' && raw[^1] == raw[0] && MagicScanner.ClosingQuote(raw) == raw.Length - 1)
            return new MagicToken(MagicTokenKind.Quoted, Unescape(raw[1..^1]), start, end);
        return new MagicToken(MagicTokenKind.Bare, raw, start, end);
    }

    private static string Unescape(string text)
    {
        var builder = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\\' && i + 1 < text.Length)
            {
                var next = text[++i];
                builder.Append(next switch { 'n' => '\n', 't' => '\t', _ => next });
            }
            else
            {
                builder.Append(text[i]);
            }
        }
        return builder.ToString();
    }
}
