using System.Diagnostics;
using System.Globalization;

namespace Phosphene.Notebook.Magics.Builtins;

/// <summary>
/// <c>%time code</c> / <c>%%time</c>: runs C# once in the session (its declarations are kept) and prints the CPU and
/// wall-clock time, as IPython does; the result is the code's value.
/// </summary>
public sealed class TimeMagic : Magic
{
    /// <inheritdoc/>
    public override string Name => "time";

    /// <inheritdoc/>
    public override string Summary => "Run C# once and print its CPU and wall-clock time; the result is the code's value.";

    /// <inheritdoc/>
    public override MagicModes Modes => MagicModes.Line | MagicModes.Cell;

    /// <inheritdoc/>
    protected override void Declare(MagicDeclaration declaration)
        => declaration.TakesBody(MagicBodyKind.Code, "code", "C# statements or an expression, run in the session.");

    /// <inheritdoc/>
    public override object? Run(MagicInvocation invocation, IMagicContext context)
    {
        using var process = Process.GetCurrentProcess();
        var user = process.UserProcessorTime;
        var system = process.PrivilegedProcessorTime;
        var clock = Stopwatch.StartNew();
        CodeOutcome outcome;
        try
        {
            outcome = context.Run(invocation.Body);
        }
        finally
        {
            clock.Stop();
            process.Refresh();
            var userTime = (process.UserProcessorTime - user).TotalSeconds;
            var systemTime = (process.PrivilegedProcessorTime - system).TotalSeconds;
            context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"CPU times: user {TimeFormat.Seconds(userTime)}, sys: {TimeFormat.Seconds(systemTime)}, total: {TimeFormat.Seconds(userTime + systemTime)}"));
            context.Out.WriteLine($"Wall time: {TimeFormat.Seconds(clock.Elapsed.TotalSeconds)}");
            context.Out.Flush();
        }
        return outcome.HasValue ? outcome.Value : null;
    }
}

/// <summary>Durations with three significant digits and the unit IPython picks (s, ms, µs, ns).</summary>
public static class TimeFormat
{
    /// <summary><c>1.23 ms</c>, <c>45.6 µs</c>, <c>2.5 s</c>, <c>1min 3s</c>.</summary>
    public static string Seconds(double seconds)
    {
        if (double.IsNaN(seconds))
            return "NaN";
        if (seconds >= 60)
        {
            var whole = TimeSpan.FromSeconds(Math.Round(seconds));
            return whole.TotalHours >= 1
                ? string.Create(CultureInfo.InvariantCulture, $"{(int)whole.TotalHours}h {whole.Minutes}min {whole.Seconds}s")
                : string.Create(CultureInfo.InvariantCulture, $"{whole.Minutes}min {whole.Seconds}s");
        }
        var (value, unit) = seconds switch
        {
            >= 1 => (seconds, "s"),
            >= 1e-3 => (seconds * 1e3, "ms"),
            >= 1e-6 => (seconds * 1e6, "µs"),
            _ => (seconds * 1e9, "ns"),
        };
        return string.Create(CultureInfo.InvariantCulture, $"{Significant(value)} {unit}");
    }

    private static string Significant(double value)
    {
        if (value == 0)
            return "0";
        var digits = Math.Max(0, 2 - (int)Math.Floor(Math.Log10(Math.Abs(value))));
        return Math.Round(value, digits).ToString("0.###", CultureInfo.InvariantCulture);
    }
}
