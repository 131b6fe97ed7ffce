using System.Diagnostics;

namespace Phosphene.Notebook.Magics.Builtins;

/// <summary>
/// <c>%timeit code</c> / <c>%%timeit</c>: times C# as IPython's <c>%timeit</c> does. The code is compiled once into
/// a delegate; each of <c>--runs</c> runs calls it <c>--loops</c> times (by default the smallest power of ten whose
/// loop takes at least 0.2 s), and the result reports the mean ± standard deviation of the per-loop time over runs.
/// Declarations in the code stay local to the timing.
/// </summary>
public sealed class TimeitMagic : Magic
{
    private const double AutoRangeSeconds = 0.2;

    /// <inheritdoc/>
    public override string Name => "timeit";

    /// <inheritdoc/>
    public override string Summary => "Time C# over several runs of many loops: mean ± std. dev. per loop.";

    /// <inheritdoc/>
    public override MagicModes Modes => MagicModes.Line | MagicModes.Cell;

    /// <inheritdoc/>
    protected override void Declare(MagicDeclaration declaration)
    {
        declaration.TakesBody(MagicBodyKind.Code, "code", "A C# expression or statements, compiled once and called in a loop.");
        declaration.Option("runs", 7, "How many runs; the statistics are over runs.");
        declaration.Option("loops", 0, "Calls per run; 0 picks the smallest power of ten that takes at least 0.2 s.");
    }

    /// <inheritdoc/>
    public override object? Run(MagicInvocation invocation, IMagicContext context)
    {
        var runs = invocation.Get<int>("runs");
        var loops = invocation.Get<int>("loops");
        if (runs < 1)
            throw new MagicException($"%timeit: option '--runs' must be at least 1, got {runs}");
        if (loops < 0)
            throw new MagicException($"%timeit: option '--loops' must be 0 (automatic) or more, got {loops}");
        var body = Compile(invocation.Body, context);
        var token = context.CancellationToken;

        double Time(int count)
        {
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < count; i++)
            {
                token.ThrowIfCancellationRequested();
                body();
            }
            return clock.Elapsed.TotalSeconds;
        }

        if (loops == 0)
        {
            loops = 1;
            for (var power = 0; power < 10; power++)
            {
                loops = (int)Math.Pow(10, power);
                if (Time(loops) >= AutoRangeSeconds)
                    break;
            }
        }
        var perLoop = new double[runs];
        for (var run = 0; run < runs; run++)
            perLoop[run] = Time(loops) / loops;
        return new TimeitResult(runs, loops, perLoop);
    }

    // An expression becomes Func<object>; statements become an Action. Both capture the session's variables.
    private static Action Compile(string code, IMagicContext context)
    {
        try
        {
            if (context.Evaluate($"(global::System.Func<object>)(() => (object)(\n{code}\n))") is Func<object> function)
                return () => function();
        }
        catch (SessionCodeException)
        {
            // Not an expression (or a void call): try it as statements below.
        }
        try
        {
            return context.Evaluate($"(global::System.Action)(() => {{\n{code}\n}})") as Action
                ?? throw new MagicException("%timeit: the code did not compile to something that can be called");
        }
        catch (SessionCodeException e)
        {
            throw new MagicException($"%timeit: the code does not compile: {e.Message.Replace("(2,", "(1,", StringComparison.Ordinal)}");
        }
    }
}
