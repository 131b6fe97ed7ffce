using System.Text;

namespace Phosphene.Kernel.Execution;

/// <summary>
/// A <see cref="TextWriter"/> for <c>Console.Out</c> / <c>Console.Error</c> that sends what user code writes to the
/// front end in batches, as ipykernel does: what was written within <see cref="FlushInterval"/> of the first pending
/// character goes out as one stream message, or sooner once <see cref="MaxBatch"/> characters are pending. A cell
/// printing line by line thus sends a few messages per second instead of one per line, which kept clients minutes
/// behind and overflowed the iopub queue. Writes from any thread (including tasks the cell started) go to the cell
/// that is running; batches go out in the order they were written.
/// </summary>
internal sealed class StreamWriterSink : TextWriter
{
    /// <summary>How long the first pending character waits for more output before it is sent.</summary>
    public static readonly TimeSpan FlushInterval = TimeSpan.FromMilliseconds(50);

    /// <summary>Pending characters that are sent at once, without waiting for the interval.</summary>
    public const int MaxBatch = 64 * 1024;

    private readonly string _name;
    private readonly Action<string, string> _send;
    private readonly StringBuilder _pending = new();
    private readonly Timer _timer;
    private readonly object _lock = new();
    // Held from taking a batch to having sent it, so a timer flush and a cell's own flush cannot swap two batches.
    private readonly object _sendLock = new();
    private bool _timerArmed;

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

    /// <summary>Sends what is pending now (the kernel calls it at the end of a cell and before a display).</summary>
    public override void Flush()
    {
        lock (_sendLock)
        {
            string text;
            lock (_lock)
            {
                _timerArmed = false;
                if (_pending.Length == 0)
                    return;
                text = _pending.ToString();
                _pending.Clear();
            }
            _send(_name, text);
        }
    }

    private void Append(string? value)
    {
        if (string.IsNullOrEmpty(value))
            return;
        bool flushNow, arm = false;
        lock (_lock)
        {
            _pending.Append(value);
            flushNow = _pending.Length >= MaxBatch;
            if (!flushNow && !_timerArmed)
                arm = _timerArmed = true;
        }
        if (flushNow)
            Flush();
        else if (arm)
            _timer.Change(FlushInterval, Timeout.InfiniteTimeSpan);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            _timer.Dispose();
        base.Dispose(disposing);
    }
}
