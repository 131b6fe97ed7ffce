using System.Diagnostics;
using System.Globalization;
using System.Net;
using Phosphene.Data;
using Phosphene.Models;

namespace Phosphene.Notebook.Display;

/// <summary>
/// A progress bar for long operations that updates in place (Jupyter <c>update_display_data</c>): percentage, count,
/// rate, elapsed time and time left. Pass it as the <c>IProgress&lt;T&gt;</c> of the toolkit's long operations.
/// </summary>
/// <remarks>
/// It reports steps (<see cref="Report(long)"/>, <see cref="Advance"/>), fractions (<see cref="Report(double)"/>),
/// training and download progress directly, and anything else through <see cref="Adapt{T}"/>. Updates are sent at most
/// every <see cref="Interval"/> (and always for the final state), so reporting every batch costs nothing. Thread-safe.
/// </remarks>
public sealed class ProgressDisplay : IProgress<long>, IProgress<double>, IProgress<TrainingProgress>, IProgress<DownloadProgress>, IDisposable
{
    private readonly IDisplayHandle _handle;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly object _lock = new();
    private readonly object _sendLock = new();
    private long _taken;
    private long _sent;
    private readonly string _label;
    private long _done;
    private long _total;
    private double? _fraction;
    private string? _message;
    private TimeSpan? _lastUpdate;
    private bool _finished;

    private ProgressDisplay(IDisplayTarget target, string label, long total)
    {
        _label = label;
        _total = Math.Max(0, total);
        _handle = target.Display(Snapshot());
    }

    /// <summary>Minimum time between two updates of the display; default 0.1 s.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(0.1);

    /// <summary>Shows a progress bar called <paramref name="label"/> for <paramref name="total"/> steps (0 when unknown).</summary>
    public static ProgressDisplay Show(IDisplayTarget target, string label, long total = 0)
    {
        ArgumentNullException.ThrowIfNull(target);
        return new ProgressDisplay(target, label, total);
    }

    /// <summary>The display id of the bar (its updates replace it).</summary>
    public string DisplayId => _handle.Id;

    /// <summary>The current state, as shown.</summary>
    public ProgressSnapshot Snapshot()
    {
        lock (_lock)
        {
            var elapsed = _clock.Elapsed;
            var fraction = _fraction ?? (_total > 0 ? Math.Min(1.0, (double)_done / _total) : (double?)null);
            double? rate = elapsed.TotalSeconds > 0 && _done > 0 ? _done / elapsed.TotalSeconds : null;
            TimeSpan? left = fraction is > 0 and < 1 ? TimeSpan.FromSeconds(elapsed.TotalSeconds * (1 - fraction.Value) / fraction.Value)
                : fraction >= 1 ? TimeSpan.Zero : null;
            return new ProgressSnapshot(_label, _done, _total, fraction, rate, elapsed, left, _message, _finished);
        }
    }

    /// <summary>Sets the number of steps done.</summary>
    public void Report(long done) => Update(() => { _done = done; _fraction = null; });

    /// <summary>Adds <paramref name="steps"/> to the steps done.</summary>
    public void Advance(long steps = 1) => Update(() => { _done += steps; _fraction = null; });

    /// <summary>Sets the fraction done, in [0, 1] (for operations that count in their own units).</summary>
    public void Report(double fraction) => Update(() => _fraction = Math.Clamp(fraction, 0, 1));

    /// <summary>Training progress: batches done over all epochs, with the loss and accuracy as the message.</summary>
    public void Report(TrainingProgress value) => Update(() =>
    {
        _total = (long)value.Epochs * value.Batches;
        _done = (long)(value.Epoch - 1) * value.Batches + value.Batch;
        _fraction = null;
        _message = string.Create(CultureInfo.InvariantCulture, $"epoch {value.Epoch}/{value.Epochs}, loss {value.Loss:F4}, accuracy {value.Accuracy * 100:F1}%");
    });

    /// <summary>Download progress: bytes received of the total.</summary>
    public void Report(DownloadProgress value) => Update(() =>
    {
        _total = value.TotalBytes;
        _done = value.BytesReceived;
        _fraction = null;
        _message = value.FileName;
    });

    /// <summary>Sets the text shown after the numbers (e.g. the current loss).</summary>
    public void SetMessage(string? message) => Update(() => _message = message);

    /// <summary>An <c>IProgress&lt;T&gt;</c> for another progress type: <paramref name="map"/> gives (done, total, message).</summary>
    public IProgress<T> Adapt<T>(Func<T, (long Done, long Total, string? Message)> map)
        => new Progress<T>(map, this);

    /// <summary>Marks the operation finished and shows the final state.</summary>
    public void Complete()
    {
        lock (_lock)
        {
            if (_finished)
                return;
            _finished = true;
            if (_total > 0 && _fraction is null)
                _done = Math.Max(_done, _total);
            _fraction = _fraction is null ? null : 1;
        }
        SendFinal();
    }

    /// <summary>Shows the final state (without marking an unfinished count done).</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            if (_finished)
                return;
            _finished = true;
        }
        SendFinal();
    }

    private void SendFinal()
    {
        ProgressSnapshot snapshot;
        long sequence;
        lock (_lock)
        {
            snapshot = Snapshot();
            sequence = ++_taken;
        }
        Send(snapshot, sequence);
    }

    private void Update(Action change)
    {
        ProgressSnapshot? snapshot = null;
        long sequence = 0;
        lock (_lock)
        {
            change();
            var now = _clock.Elapsed;
            var complete = _fraction >= 1 || _total > 0 && _done >= _total;
            if (complete || _lastUpdate is not { } last || now - last >= Interval)
            {
                _lastUpdate = now;
                snapshot = Snapshot();
                sequence = ++_taken;
            }
        }
        if (snapshot is not null)
            Send(snapshot, sequence);
    }

    // Reports from several threads: send in the order the snapshots were taken, dropping one overtaken by a newer.
    private void Send(ProgressSnapshot snapshot, long sequence)
    {
        lock (_sendLock)
        {
            if (sequence <= _sent)
                return;
            _sent = sequence;
            _handle.Update(snapshot);
        }
    }

    private sealed class Progress<T>(Func<T, (long Done, long Total, string? Message)> map, ProgressDisplay owner) : IProgress<T>
    {
        public void Report(T value)
        {
            var (done, total, message) = map(value);
            owner.Update(() =>
            {
                owner._done = done;
                owner._total = total;
                owner._fraction = null;
                owner._message = message;
            });
        }
    }
}

/// <summary>One state of a <see cref="ProgressDisplay"/>: what its text and HTML show.</summary>
/// <param name="Label">What is being done.</param>
/// <param name="Done">Steps done.</param>
/// <param name="Total">Steps in all (0 when unknown).</param>
/// <param name="Fraction">Fraction done in [0, 1], or null when unknown.</param>
/// <param name="Rate">Steps per second so far, or null before the first step.</param>
/// <param name="Elapsed">Time since the bar was shown.</param>
/// <param name="Remaining">Estimated time left (linear extrapolation), or null when unknown.</param>
/// <param name="Message">Extra text, such as the current loss.</param>
/// <param name="Finished">True once the operation ended.</param>
public sealed record ProgressSnapshot(string Label, long Done, long Total, double? Fraction, double? Rate, TimeSpan Elapsed,
                                      TimeSpan? Remaining, string? Message, bool Finished)
{
    private const int BarWidth = 30;

    /// <summary><c>label  45% |█████████████·················| 450/1000 [00:03&lt;00:04, 123.4 it/s] message</c>.</summary>
    public override string ToString()
    {
        var filled = (int)Math.Round((Fraction ?? 0) * BarWidth);
        var percent = Fraction is { } f ? string.Create(CultureInfo.InvariantCulture, $"{f * 100,3:0}%") : "  ?%";
        var count = Total > 0 ? $"{Done}/{Total}" : Done.ToString(CultureInfo.InvariantCulture);
        return $"{Label} {percent} |{new string('█', filled)}{new string('·', BarWidth - filled)}| {count} [{Times()}]" + (Message is null ? "" : " " + Message);
    }

    /// <summary>The bar as HTML: a filled track with the numbers beside it.</summary>
    public string ToHtml()
    {
        var percent = (Fraction ?? 0) * 100;
        var colour = Finished && Fraction >= 1 ? "#2e7d32" : "#1f77b4";
        var numbers = Fraction is { } f ? string.Create(CultureInfo.InvariantCulture, $"{f * 100:0}%") : "";
        return string.Create(CultureInfo.InvariantCulture,
            $"<div class=\"phosphene-progress\" style=\"font-family:monospace;font-size:12px;display:flex;align-items:center;gap:8px\">"
            + $"<span>{WebUtility.HtmlEncode(Label)}</span>"
            + $"<span style=\"display:inline-block;width:240px;height:10px;background:#e0e0e0;border-radius:3px;overflow:hidden\">"
            + $"<span style=\"display:block;height:100%;width:{percent:0.#}%;background:{colour}\"></span></span>"
            + $"<span>{numbers} {(Total > 0 ? $"{Done}/{Total}" : Done.ToString(CultureInfo.InvariantCulture))} [{WebUtility.HtmlEncode(Times())}]"
            + $"{(Message is null ? "" : " " + WebUtility.HtmlEncode(Message))}</span></div>");
    }

    private string Times()
    {
        var rate = Rate is not { } r ? "? it/s"
            : r >= 1 ? string.Create(CultureInfo.InvariantCulture, $"{r:0.#} it/s") : string.Create(CultureInfo.InvariantCulture, $"{1 / r:0.#} s/it");
        return Finished ? $"{Clock(Elapsed)}, {rate}" : $"{Clock(Elapsed)}<{(Remaining is { } left ? Clock(left) : "?")}, {rate}";
    }

    private static string Clock(TimeSpan time)
        => time.TotalHours >= 1 ? time.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture) : time.ToString(@"mm\:ss", CultureInfo.InvariantCulture);
}
