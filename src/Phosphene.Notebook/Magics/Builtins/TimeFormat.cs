using System.Globalization;

namespace Phosphene.Notebook.Magics.Builtins;

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
