namespace Phosphene.Notebook.Magics;

/// <summary>
/// The one walk over magic-line text that knows quotes and braces: characters inside <c>"…"</c> / <c>'…'</c>
/// (with <c>\</c> escapes) are skipped, and <c>{ … }</c> nest. The tokenizer, the <c>{expression}</c> classifier and
/// list splitting all stop at different characters of the same walk.
/// </summary>
internal static class MagicScanner
{
    /// <summary>Where a walk stopped, the brace depth there, and the quote still open at the end (or <c>'\0'</c>).</summary>
    public readonly record struct Stop(int Index, int Depth, char OpenQuote);

    /// <summary>
    /// Walks <paramref name="text"/> from <paramref name="start"/> and stops at the first character outside quotes for
    /// which <paramref name="stopsAt"/>(character, depth after it) holds; at the end of the text when none does.
    /// </summary>
    public static Stop Scan(string text, int start, Func<char, int, bool> stopsAt)
    {
        var depth = 0;
        var quote = '\0';
        for (var i = start; i < text.Length; i++)
        {
            var c = text[i];
            if (quote != '\0')
            {
                if (c == '\\') i++;
                else if (c == quote) quote = '\0';
                continue;
            }
            if (c is '"' or '\'') quote = c;
            else if (c == '{') depth++;
            else if (c == '}') depth--;
            if (quote == '\0' && stopsAt(c, depth))
                return new Stop(i, depth, '\0');
        }
        return new Stop(text.Length, depth, quote);
    }

    /// <summary>The index of the quote closing the string that opens at <paramref name="text"/>[0], or -1.</summary>
    public static int ClosingQuote(string text)
    {
        if (text.Length == 0 || text[0] is not ('"' or '\''))
            return -1;
        // Stops at the first character after the closing quote (or runs to the end with the quote closed on the last one).
        var stop = Scan(text, 0, (_, _) => true);
        return stop.OpenQuote == '\0' ? stop.Index - 1 : -1;
    }

    /// <summary>The index of the brace closing the one that opens at <paramref name="text"/>[0], or -1.</summary>
    public static int ClosingBrace(string text)
    {
        if (text.Length == 0 || text[0] != '{')
            return -1;
        var stop = Scan(text, 0, (c, depth) => c == '}' && depth == 0);
        return stop.Index < text.Length ? stop.Index : -1;
    }
}
