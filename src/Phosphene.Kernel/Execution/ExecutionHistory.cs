using System.Text.RegularExpressions;

namespace Phosphene.Kernel.Execution;

/// <summary>One stored cell: session number, execution count, source, and its text result if any.</summary>
internal sealed record HistoryEntry(int Session, int Line, string Input, string? Output);

/// <summary>
/// The cells run in this kernel session, answering <c>history_request</c>'s three access types:
/// <c>tail</c> (last n), <c>range</c> (session, start ≤ line &lt; stop) and <c>search</c> (glob pattern, optionally unique).
/// </summary>
internal sealed class ExecutionHistory
{
    /// <summary>This kernel's session number (history is kept per kernel process).</summary>
    public const int Session = 1;

    private readonly List<HistoryEntry> _entries = [];
    private readonly object _lock = new();

    /// <summary>Stores cell <paramref name="line"/>.</summary>
    public void Add(int line, string input)
    {
        lock (_lock)
            _entries.Add(new HistoryEntry(Session, line, input, null));
    }

    /// <summary>Records the text result of cell <paramref name="line"/>.</summary>
    public void SetOutput(int line, string output)
    {
        lock (_lock)
        {
            var i = _entries.FindLastIndex(e => e.Line == line);
            if (i >= 0)
                _entries[i] = _entries[i] with { Output = output };
        }
    }

    /// <summary>The last <paramref name="n"/> cells.</summary>
    public IReadOnlyList<HistoryEntry> Tail(int n)
    {
        lock (_lock)
            return _entries.TakeLast(Math.Max(n, 0)).ToList();
    }

    /// <summary>Cells <paramref name="start"/> ≤ line &lt; <paramref name="stop"/> of <paramref name="session"/> (0 or 1 is this one; stop 0 means to the end).</summary>
    public IReadOnlyList<HistoryEntry> Range(int session, int start, int stop)
    {
        if (session != 0 && session != Session)
            return [];
        lock (_lock)
            return _entries.Where(e => e.Line >= start && (stop <= 0 || e.Line < stop)).ToList();
    }

    /// <summary>Cells whose whole source matches the glob <paramref name="pattern"/> (<c>*</c>, <c>?</c>), the last <paramref name="n"/> (all when n ≤ 0).</summary>
    public IReadOnlyList<HistoryEntry> Search(string pattern, int n, bool unique)
    {
        var regex = new Regex("^" + Regex.Escape(pattern).Replace(@"\*", ".*").Replace(@"\?", ".") + "$", RegexOptions.Singleline);
        List<HistoryEntry> matches;
        lock (_lock)
            matches = _entries.Where(e => regex.IsMatch(e.Input)).ToList();
        if (unique)
        {
            var seen = new HashSet<string>();
            matches = matches.AsEnumerable().Reverse().Where(e => seen.Add(e.Input)).Reverse().ToList();
        }
        return n > 0 ? matches.TakeLast(n).ToList() : matches;
    }
}
