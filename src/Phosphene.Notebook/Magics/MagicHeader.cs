namespace Phosphene.Notebook.Magics;

/// <summary>The start of a magic line: <c>%name</c> or <c>%%name</c>, optionally followed by <c>?</c>.</summary>
internal sealed record MagicHeader(bool IsCell, string Name, int NameStart, int NameEnd, bool HelpSuffix, int RestStart)
{
    /// <summary>Reads the header of <paramref name="line"/>; null when the line does not start with % and a name.</summary>
    public static MagicHeader? Read(string line)
    {
        var i = 0;
        while (i < line.Length && char.IsWhiteSpace(line[i]))
            i++;
        if (i >= line.Length || line[i] != '%')
            return null;
        i++;
        var isCell = i < line.Length && line[i] == '%';
        if (isCell)
            i++;
        var nameStart = i;
        while (i < line.Length && (char.IsLetterOrDigit(line[i]) || line[i] is '-' or '_'))
            i++;
        if (i == nameStart || !char.IsLetter(line[nameStart]))
            return null;
        var nameEnd = i;
        var help = i < line.Length && line[i] == '?';
        if (help)
            i++;
        if (i < line.Length && !char.IsWhiteSpace(line[i]))
            return null;
        return new MagicHeader(isCell, line[nameStart..nameEnd], nameStart, nameEnd, help, i);
    }
}
