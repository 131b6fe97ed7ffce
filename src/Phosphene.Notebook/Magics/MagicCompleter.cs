namespace Phosphene.Notebook.Magics;

/// <summary>Completions at a cursor in a magic line: the replaced span and the candidates.</summary>
/// <param name="Start">Start of the replaced text (a UTF-16 offset in the cell).</param>
/// <param name="End">End of the replaced text (the cursor).</param>
/// <param name="Matches">The candidates, in order.</param>
public sealed record MagicCompletions(int Start, int End, IReadOnlyList<string> Matches);

/// <summary>
/// Completes magic names after <c>%</c> / <c>%%</c>, subcommands, option names after <c>--</c> (those of the
/// subcommand written on the line, then the shared ones), and the choices of an option's value.
/// </summary>
public static class MagicCompleter
{
    /// <summary>
    /// The completions at <paramref name="cursor"/> when it is on a magic line of <paramref name="code"/>; null when
    /// it is in C# (the host then completes C#).
    /// </summary>
    public static MagicCompletions? Complete(MagicRegistry registry, string code, int cursor)
    {
        cursor = Math.Clamp(cursor, 0, code.Length);
        var lineStart = code.LastIndexOf('\n', Math.Max(0, cursor - 1)) + 1;
        if (cursor > 0 && code[cursor - 1] == '\n')
            lineStart = cursor;
        var lineEnd = code.IndexOf('\n', cursor);
        var line = code[lineStart..(lineEnd < 0 ? code.Length : lineEnd)];
        var column = cursor - lineStart;
        var trimmed = line.TrimStart();
        if (!trimmed.StartsWith('%'))
            return null;
        var indent = line.Length - trimmed.Length;
        var isCell = trimmed.StartsWith("%%", StringComparison.Ordinal);
        var nameStart = indent + (isCell ? 2 : 1);
        if (column < nameStart)
            return null;
        // A '%' line in the middle of an expression is C#: only complete lines the splitter would run as magics.
        var before = code[..lineStart];
        if (isCell ? before.Trim().Length > 0 : !IsMagicLineAt(code, lineStart))
            return null;

        var nameEnd = nameStart;
        while (nameEnd < line.Length && (char.IsLetterOrDigit(line[nameEnd]) || line[nameEnd] is '-' or '_'))
            nameEnd++;
        if (column <= nameEnd)
        {
            var prefix = line[nameStart..column];
            var names = registry.Magics.Where(m => m.Modes.HasFlag(isCell ? MagicModes.Cell : MagicModes.Line))
                .Select(m => m.Name).Where(n => n.StartsWith(prefix, StringComparison.Ordinal)).ToList();
            return new MagicCompletions(lineStart + nameStart, cursor, names);
        }
        if (!registry.TryGet(line[nameStart..nameEnd], out var magic))
            return new MagicCompletions(cursor, cursor, []);

        var declaration = magic.Declaration;
        var tokens = MagicTokenizer.Tokenize(line[..column], nameEnd, lenient: true);
        var current = tokens.Count > 0 && tokens[^1].End == column ? tokens[^1] : null;
        var previous = tokens.Where(t => t != current).ToList();
        var word = current?.Text ?? "";
        var wordStart = current?.Start ?? column;
        var subcommand = previous.FirstOrDefault() is { Kind: MagicTokenKind.Bare } first ? declaration.FindSubcommand(first.Text) : null;

        IEnumerable<string> candidates;
        if (word.StartsWith('-'))
        {
            var options = declaration.OptionsOf(subcommand).Where(o => !o.IsPositional).Select(o => "--" + o.Name)
                .Append("--as").Append("--help");
            candidates = options.Where(o => o.StartsWith(word, StringComparison.Ordinal)).Distinct();
        }
        else if (previous.Count > 0 && previous[^1].Text.StartsWith("--", StringComparison.Ordinal)
                 && declaration.OptionsOf(subcommand).FirstOrDefault(o => o.Name == previous[^1].Text[2..]) is { IsFlag: false } valued
                 && (valued.Choices ?? (valued.Kind is { Words.Count: > 0 } k ? k.Words : null) ?? (valued.AcceptsAuto ? ["auto"] : null)) is { } choices)
        {
            candidates = choices.Concat(valued.Aliases.Keys).Distinct().Where(c => c.StartsWith(word, StringComparison.Ordinal));
        }
        else if (subcommand is null && previous.Count == 0 && declaration.Subcommands.Count > 0)
        {
            candidates = declaration.Subcommands.Select(s => s.Name).Where(n => n.StartsWith(word, StringComparison.Ordinal));
        }
        else
        {
            return word.Length == 0
                ? new MagicCompletions(cursor, cursor, declaration.OptionsOf(subcommand).Where(o => !o.IsPositional).Select(o => "--" + o.Name).ToList())
                : null;
        }
        return new MagicCompletions(lineStart + wordStart, cursor, candidates.ToList());
    }

    private static bool IsMagicLineAt(string code, int lineStart)
    {
        var lineNumber = code[..lineStart].Count(c => c == '\n');
        // Complete the line as if the name were already a magic: splitting only looks at the lines before it.
        var lines = code.Replace("\r\n", "\n").Split('\n');
        lines[lineNumber] = "%x";
        return MagicCell.Split(string.Join("\n", lines)).Any(s => s.Kind == CellSegmentKind.LineMagic && s.FirstLine == lineNumber);
    }
}
