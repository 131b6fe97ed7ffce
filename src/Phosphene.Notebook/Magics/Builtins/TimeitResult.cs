using System.Globalization;

namespace Phosphene.Notebook.Magics.Builtins;

/// <summary>The timings of <c>%timeit</c>: per-loop seconds of each run, and their statistics.</summary>
public sealed class TimeitResult
{
    /// <summary>Creates the result from each run's per-loop time.</summary>
    public TimeitResult(int runs, int loops, IReadOnlyList<double> perLoopSeconds)
    {
        Runs = runs;
        Loops = loops;
        PerLoopSeconds = perLoopSeconds;
        Mean = perLoopSeconds.Average();
        StandardDeviation = Math.Sqrt(perLoopSeconds.Sum(t => (t - Mean) * (t - Mean)) / perLoopSeconds.Count);
    }

    /// <summary>Number of runs.</summary>
    public int Runs { get; }

    /// <summary>Calls per run.</summary>
    public int Loops { get; }

    /// <summary>Per-loop time of each run, in seconds.</summary>
    public IReadOnlyList<double> PerLoopSeconds { get; }

    /// <summary>Mean per-loop time over runs, in seconds.</summary>
    public double Mean { get; }

    /// <summary>Population standard deviation of the per-loop time over runs, in seconds (as IPython reports).</summary>
    public double StandardDeviation { get; }

    /// <summary>Fastest run's per-loop time, in seconds.</summary>
    public double Best => PerLoopSeconds.Min();

    /// <summary>Slowest run's per-loop time, in seconds.</summary>
    public double Worst => PerLoopSeconds.Max();

    /// <summary>IPython's line: <c>1.23 ms ± 45.6 µs per loop (mean ± std. dev. of 7 runs, 100 loops each)</c>.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{TimeFormat.Seconds(Mean)} ± {TimeFormat.Seconds(StandardDeviation)} per loop (mean ± std. dev. of {Runs} run{(Runs == 1 ? "" : "s")}, {Loops:N0} loop{(Loops == 1 ? "" : "s")} each)");
}
