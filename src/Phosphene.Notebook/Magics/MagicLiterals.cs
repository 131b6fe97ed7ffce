using System.Globalization;

namespace Phosphene.Notebook.Magics;

/// <summary>
/// The literals of a magic line: numbers (with <c>_</c> separators), ranges <c>start:stop[:step]</c>, lists
/// <c>a,b,c</c> (split at top-level commas by <see cref="MagicScanner"/>), and C# identifiers (session variables).
/// </summary>
internal static class MagicLiterals
{
    /// <summary>Reads an int (a long when it does not fit) or a double; words such as NaN are names, not numbers.</summary>
    public static bool TryParseNumber(string text, out object number)
    {
        var clean = text.Replace("_", "");
        if (long.TryParse(clean, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
        {
            number = integer is >= int.MinValue and <= int.MaxValue ? (int)integer : integer;
            return true;
        }
        // A number starts with a digit or a point.
        var unsigned = clean.TrimStart('-', '+');
        if (unsigned.Length > 0 && (char.IsDigit(unsigned[0]) || unsigned[0] == '.')
            && double.TryParse(clean, NumberStyles.Float, CultureInfo.InvariantCulture, out var real))
        {
            number = real;
            return true;
        }
        number = 0;
        return false;
    }

    /// <summary>Reads <c>start:stop</c> or <c>start:stop:step</c> (stop excluded, step not 0).</summary>
    public static MagicRange ParseRange(string text, string what)
    {
        var parts = text.Split(':');
        if (parts.Length is < 2 or > 3 || parts.Any(p => !TryParseNumber(p, out _)))
            throw new MagicException($"{what} expects a range start:stop or start:stop:step of numbers (stop excluded), got '{text}'");
        var numbers = parts.Select(p => { TryParseNumber(p, out var n); return Convert.ToDouble(n, CultureInfo.InvariantCulture); }).ToArray();
        var step = numbers.Length == 3 ? numbers[2] : 1;
        if (step == 0)
            throw new MagicException($"{what}: the range '{text}' has step 0; use a non-zero step, e.g. {parts[0]}:{parts[1]}:1");
        return new MagicRange(numbers[0], numbers[1], step);
    }

    /// <summary>True for a C# identifier: what names a session variable.</summary>
    public static bool IsIdentifier(string text)
        => text.Length > 0 && (char.IsLetter(text[0]) || text[0] == '_') && text.All(c => char.IsLetterOrDigit(c) || c == '_');

    /// <summary>Splits <c>a,{x[0]},"b,c"</c> at top-level commas.</summary>
    public static List<MagicToken> SplitList(string text, string what)
    {
        var items = new List<MagicToken>();
        for (var start = 0; start <= text.Length;)
        {
            var end = MagicScanner.Scan(text, start, (c, depth) => c == ',' && depth == 0).Index;
            if (end == start)
                throw new MagicException($"{what}: the list '{text}' has an empty item; write items separated by single commas, e.g. 1,2,3");
            items.Add(MagicTokenizer.Classify(text[start..end], 0));
            start = end + 1;
        }
        return items;
    }
}
