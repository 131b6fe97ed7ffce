namespace Phosphene.Kernel.Protocol;

/// <summary>Cursor positions: Jupyter counts Unicode code points, .NET strings count UTF-16 units.</summary>
internal static class CodePoints
{
    /// <summary>The UTF-16 index of code point <paramref name="codePoints"/> in <paramref name="text"/>.</summary>
    public static int ToUtf16(string text, int codePoints)
    {
        var index = 0;
        for (var n = 0; n < codePoints && index < text.Length; n++)
            index += char.IsHighSurrogate(text[index]) && index + 1 < text.Length ? 2 : 1;
        return index;
    }

    /// <summary>The code point count of the first <paramref name="utf16"/> units of <paramref name="text"/>.</summary>
    public static int FromUtf16(string text, int utf16)
    {
        var count = 0;
        for (var i = 0; i < utf16 && i < text.Length; i++)
            if (!char.IsLowSurrogate(text[i]))
                count++;
        return count;
    }
}
