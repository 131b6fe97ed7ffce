namespace Phosphene.Notebook.Magics;

/// <summary>
/// Reads .NET Interactive's spelling of magics, <c>#!name …</c>, as ours, so a notebook written for either host runs
/// on the other: <c>#!attribute …</c> is <c>%attribute …</c>; a bare <c>#!time</c> opening a cell applies to the rest
/// of the cell as in .NET Interactive (<c>%%time</c>) when the magic has a cell form; the C# kernel selectors
/// (<c>#!csharp</c>, <c>#!c#</c>) name the only language this session runs and are dropped. Line numbers are kept.
/// A cell that opens with another language's selector (<c>#!fsharp</c>, <c>#!javascript</c>, …) is .NET Interactive's
/// alone: <see cref="OtherLanguage"/> names it so a C#-only host can say it skipped the cell.
/// </summary>
public static class DirectiveSpelling
{
    private static readonly string[] CSharpSelectors = ["#!csharp", "#!c#", "#!C#"];

    // .NET Interactive's other kernels and their aliases, by the name users read.
    private static readonly Dictionary<string, string> OtherLanguages = new(StringComparer.Ordinal)
    {
        ["fsharp"] = "F#", ["f#"] = "F#", ["F#"] = "F#", ["javascript"] = "JavaScript", ["js"] = "JavaScript",
        ["pwsh"] = "PowerShell", ["powershell"] = "PowerShell", ["html"] = "HTML", ["mermaid"] = "Mermaid",
        ["sql"] = "SQL", ["kql"] = "KQL", ["http"] = "HTTP", ["value"] = "a value",
    };

    /// <summary>
    /// The language of a cell whose first line selects another of .NET Interactive's kernels (<c>#!fsharp</c> gives
    /// <c>F#</c>), unless <paramref name="registry"/> has a magic of that name; otherwise null.
    /// </summary>
    public static string? OtherLanguage(string code, MagicRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(code);
        ArgumentNullException.ThrowIfNull(registry);
        var first = code.Replace("\r\n", "\n").Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0);
        if (first is null || !first.StartsWith("#!", StringComparison.Ordinal))
            return null;
        var name = first[2..];
        return OtherLanguages.TryGetValue(name, out var language) && !registry.TryGet(name, out _) ? language : null;
    }

    /// <summary>True when <paramref name="code"/> has a line in .NET Interactive's directive spelling.</summary>
    public static bool Uses(string code) => code.Contains("#!", StringComparison.Ordinal);

    /// <summary>
    /// <paramref name="code"/> with every <c>#!name</c> line rewritten as a magic line of <paramref name="registry"/>
    /// (an unknown name becomes <c>%name</c> too, so the registry's error names it and suggests the nearest).
    /// </summary>
    public static string Rewrite(string code, MagicRegistry registry)
    {
        if (!Uses(code))
            return code;
        var lines = code.Replace("\r\n", "\n").Split('\n');
        var firstCode = Array.FindIndex(lines, l => l.Trim().Length > 0);
        for (var i = 0; i < lines.Length; i++)
        {
            var text = lines[i].TrimStart();
            if (!text.StartsWith("#!", StringComparison.Ordinal) || text.Length < 3 || !char.IsLetter(text[2]))
                continue;
            if (CSharpSelectors.Contains(text.TrimEnd()))
            {
                lines[i] = "";
                if (firstCode == i)
                    firstCode = Array.FindIndex(lines, i + 1, l => l.Trim().Length > 0);
                continue;
            }
            var indent = lines[i][..^text.Length];
            var name = new string(text.Skip(2).TakeWhile(c => char.IsLetterOrDigit(c) || c is '-' or '_').ToArray());
            var bare = text.TrimEnd().Length == name.Length + 2;
            var cellForm = bare && i == firstCode && registry.TryGet(name, out var magic) && magic.Modes.HasFlag(MagicModes.Cell);
            lines[i] = indent + (cellForm ? "%%" : "%") + text[2..];
        }
        return string.Join("\n", lines);
    }
}
