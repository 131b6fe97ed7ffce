using System.Globalization;

namespace Phosphene.Benchmarks;

/// <summary>
/// Repeated measurements of one quantity: the median, which the tables compare, and the range, which shows the
/// run-to-run noise (20–40 % on the shared machine).
/// </summary>
sealed class Spread
{
    readonly double[] _sorted;

    public Spread(IEnumerable<double> values)
    {
        _sorted = values.Order().ToArray();
        if (_sorted.Length == 0) throw new ArgumentException("no measurements", nameof(values));
    }

    public int Count => _sorted.Length;

    public double Median => _sorted.Length % 2 == 1
        ? _sorted[_sorted.Length / 2]
        : (_sorted[_sorted.Length / 2 - 1] + _sorted[_sorted.Length / 2]) / 2;

    public double Min => _sorted[0];

    public double Max => _sorted[^1];

    /// <summary>The spread scaled by <paramref name="factor"/> (e.g. per image, or to milliseconds).</summary>
    public Spread Times(double factor) => new(_sorted.Select(v => v * factor));

    /// <summary><c>median (min–max)</c>, or the value alone for a single measurement.</summary>
    public string Format(string format) => _sorted.Length == 1
        ? Median.ToString(format, CultureInfo.InvariantCulture)
        : string.Create(CultureInfo.InvariantCulture, $"{Median.ToString(format, CultureInfo.InvariantCulture)} ({Min.ToString(format, CultureInfo.InvariantCulture)}–{Max.ToString(format, CultureInfo.InvariantCulture)})");

    /// <summary>Times a call <paramref name="repeats"/> times after one untimed warm-up call: wall and process CPU seconds.</summary>
    public static (Spread Wall, Spread Cpu) Time(Action run, int repeats, bool warmup = true)
    {
        if (warmup) run();
        var wall = new double[repeats];
        var cpu = new double[repeats];
        using var process = System.Diagnostics.Process.GetCurrentProcess();
        for (int i = 0; i < repeats; i++)
        {
            process.Refresh();
            var cpuStart = process.TotalProcessorTime;
            var clock = System.Diagnostics.Stopwatch.StartNew();
            run();
            wall[i] = clock.Elapsed.TotalSeconds;
            process.Refresh();
            cpu[i] = (process.TotalProcessorTime - cpuStart).TotalSeconds;
        }
        return (new Spread(wall), new Spread(cpu));
    }
}
