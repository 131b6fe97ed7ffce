namespace Phosphene.Benchmarks;

/// <summary>
/// A benchmark's result as markdown: printed, and appended to the file named by <c>--report</c> (benchmarks/run-all.sh
/// collects these files into benchmarks/README.md).
/// </summary>
static class MarkdownReport
{
    /// <summary>Prints a section (a heading, the conditions, a table and notes) and appends it to the report file.</summary>
    public static void Write(CommandLine options, string title, IEnumerable<string> lines)
    {
        var section = new List<string> { $"### {title}", "" };
        section.AddRange(lines);
        section.Add("");
        Console.WriteLine();
        foreach (var line in section) Console.WriteLine(line);
        if (options.Has("report"))
            File.AppendAllLines(options.Get("report", ""), section);
    }
}
