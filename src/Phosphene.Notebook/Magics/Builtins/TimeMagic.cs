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
