using System.Text;

namespace Phosphene.Kernel.Execution;

/// <summary>
/// A <see cref="TextWriter"/> for <c>Console.Out</c> / <c>Console.Error</c> that sends what user code writes to
/// the front end as it is produced: whole lines at once, and any partial line after a short delay.
/// Writes from any thread (including tasks the cell started) go to the cell that is running.
/// </summary>
internal sealed class StreamWriterSink : TextWriter
{
    private static readonly TimeSpan FlushDelay = TimeSpan.FromMilliseconds(50);

    private readonly string _name;
    private readonly Action<string, string> _send;
    private readonly StringBuilder _pending = new();
    private readonly Timer _timer;
    private readonly object _lock = new();

    /// <summary>Creates the writer for stream <paramref name="name"/> (<c>stdout</c> or <c>stderr</c>).</summary>
    public StreamWriterSink(string name, Action<string, string> send)
    {
        _name = name;
        _send = send;
        _timer = new Timer(_ => Flush());
    }

    public override Encoding Encoding => Encoding.UTF8;

    public override void Write(char value) => Append(value.ToString());

    public override void Write(string? value) => Append(value);

    public override void Write(char[] buffer, int index, int count) => Append(new string(buffer, index, count));

    public override void WriteLine(string? value) => Append(value + NewLine);

    public override void Flush()
    {
        string text;
        lock (_lock)
        {
            if (_pending.Length == 0)
                return;
            text = _pending.ToString();
            _pending.Clear();
        }
        _send(_name, text);
    }

    private void Append(string? value)
    {
        if (string.IsNullOrEmpty(value))
            return;
        bool flushNow;
        lock (_lock)
        {
            _pending.Append(value);
            flushNow = value.Contains('\n') || _pending.Length > 8192;
        }
        if (flushNow)
            Flush();
        else
            _timer.Change(FlushDelay, Timeout.InfiniteTimeSpan);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            _timer.Dispose();
        base.Dispose(disposing);
    }
}
