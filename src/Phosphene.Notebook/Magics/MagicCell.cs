namespace Phosphene.Notebook.Magics;

/// <summary>What a piece of a cell is.</summary>
public enum CellSegmentKind
{
    /// <summary>C# code.</summary>
    Code,
    /// <summary>A line magic: <c>%name …</c>.</summary>
    LineMagic,
    /// <summary>A cell magic: <c>%%name …</c> on the first line; <see cref="CellSegment.Body"/> is the rest of the cell.</summary>
    CellMagic,
}

/// <summary>A piece of a cell, run in order with the others.</summary>
/// <param name="Kind">C# code, a line magic or a cell magic.</param>
/// <param name="Text">The code, or the magic line.</param>
/// <param name="FirstLine">The 0-based line of the cell where the piece starts (to report errors at the cell's lines).</param>
/// <param name="Body">For a cell magic, the lines after the first; otherwise null.</param>
public sealed record CellSegment(CellSegmentKind Kind, string Text, int FirstLine, string? Body = null);

/// <summary>
/// Splits a cell into C# code and magic lines. A line is a magic when it starts (after indentation) with <c>%</c>
/// and a name, at a statement boundary: the previous line of code ends a statement (<c>;</c>, <c>{</c>, <c>}</c>), is
/// a directive, or there is none. So a continuation line of an expression that starts with the modulo operator
/// (<c>% n</c>, or <c>%n</c> for a variable n) stays C#. <c>%%name</c> on the first line makes the cell a cell magic.
/// </summary>
public static class MagicCell
{
    /// <summary>The cell's pieces in order; blank code pieces are dropped.</summary>
    public static IReadOnlyList<CellSegment> Split(string code)
    {
        var lines = code.Replace("\r\n", "\n").Split('\n');
        var first = Array.FindIndex(lines, l => l.Trim().Length > 0);
        if (first >= 0 && MagicHeader.Read(lines[first]) is { IsCell: true })
            return [new CellSegment(CellSegmentKind.CellMagic, lines[first].Trim(), first, string.Join("\n", lines.Skip(first + 1)))];

        var segments = new List<CellSegment>();
        var chunk = new List<string>();
        var chunkStart = 0;
        var boundary = true;
        var inBlockComment = false;
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (boundary && !inBlockComment && MagicHeader.Read(line) is not null)
            {
                Flush(segments, chunk, chunkStart);
                segments.Add(new CellSegment(CellSegmentKind.LineMagic, line.Trim(), i));
                chunkStart = i + 1;
                continue;
            }
            if (chunk.Count == 0)
                chunkStart = i;
            chunk.Add(line);
            boundary = EndsStatement(line, boundary, ref inBlockComment);
        }
        Flush(segments, chunk, chunkStart);
        return segments;
    }

    /// <summary>True when <paramref name="code"/> has at least one magic line (or is a cell magic).</summary>
    public static bool HasMagic(string code) => Split(code).Any(s => s.Kind != CellSegmentKind.Code);

    private static void Flush(List<CellSegment> segments, List<string> chunk, int start)
    {
        if (chunk.Any(l => l.Trim().Length > 0))
            segments.Add(new CellSegment(CellSegmentKind.Code, string.Join("\n", chunk), start));
        chunk.Clear();
    }

    // Whether the code after `line` starts a new statement. Blank and comment-only lines keep the previous answer.
    private static bool EndsStatement(string line, bool before, ref bool inBlockComment)
    {
        var text = line.Trim();
        if (inBlockComment)
        {
            var close = text.IndexOf("*/", StringComparison.Ordinal);
            if (close < 0)
                return before;
            inBlockComment = false;
            text = text[(close + 2)..].Trim();
        }
        var lineComment = text.IndexOf("//", StringComparison.Ordinal);
        if (lineComment >= 0 && !InString(text, lineComment))
            text = text[..lineComment].TrimEnd();
        var open = text.LastIndexOf("/*", StringComparison.Ordinal);
        if (open >= 0 && text.IndexOf("*/", open, StringComparison.Ordinal) < 0 && !InString(text, open))
        {
            inBlockComment = true;
            text = text[..open].TrimEnd();
        }
        if (text.Length == 0)
            return before;
        return text[0] == '#' || text[^1] is ';' or '{' or '}';
    }

    private static bool InString(string text, int position)
    {
        var quotes = 0;
        for (var i = 0; i < position; i++)
            if (text[i] == '"' && (i == 0 || text[i - 1] != '\\'))
                quotes++;
        return quotes % 2 == 1;
    }
}
