using System.Globalization;
using System.Text.RegularExpressions;

namespace Phosphene.Notebook.Claims;

/// <summary>
/// The test a claim's measured value must pass, written as a reader would: <c>&lt;= 1e-3</c>, <c>&gt; 0</c>,
/// <c>within 0.03 of 0.71</c> (|value − 0.71| ≤ 0.03) or <c>in [0.1, 0.2]</c> (bounds included).
/// </summary>
public sealed partial class ClaimCriterion
{
    private readonly Func<double, bool> _test;

    private ClaimCriterion(string text, Func<double, bool> test)
    {
        Text = text;
        _test = test;
    }

    /// <summary>The criterion as written, normalised (e.g. <c>&lt;= 0.001</c>).</summary>
    public string Text { get; }

    /// <summary>True when <paramref name="value"/> passes (never for NaN).</summary>
    public bool IsMetBy(double value) => !double.IsNaN(value) && _test(value);

    /// <inheritdoc />
    public override string ToString() => Text;

    /// <summary>Reads a criterion.</summary>
    /// <exception cref="PhospheneException">The text is none of the four forms; the message shows them.</exception>
    public static ClaimCriterion Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var t = text.Trim();
        if (Comparison().Match(t) is { Success: true } c && Number(c.Groups[2].Value) is { } bound)
        {
            string op = c.Groups[1].Value switch { "≤" => "<=", "≥" => ">=", var o => o };
            Func<double, bool> test = op switch
            {
                "<=" => v => v <= bound,
                "<" => v => v < bound,
                ">=" => v => v >= bound,
                _ => v => v > bound,
            };
            return new ClaimCriterion($"{op} {Show(bound)}", test);
        }
        if (Within().Match(t) is { Success: true } w && Number(w.Groups[1].Value) is { } tolerance && Number(w.Groups[2].Value) is { } target)
        {
            if (tolerance < 0)
                throw new PhospheneException($"claim criterion '{text}': the tolerance must be at least 0");
            return new ClaimCriterion($"within {Show(tolerance)} of {Show(target)}", v => Math.Abs(v - target) <= tolerance);
        }
        if (Interval().Match(t) is { Success: true } i && Number(i.Groups[1].Value) is { } low && Number(i.Groups[2].Value) is { } high)
        {
            if (low > high)
                throw new PhospheneException($"claim criterion '{text}': the interval's lower bound {Show(low)} is above its upper bound {Show(high)}");
            return new ClaimCriterion($"in [{Show(low)}, {Show(high)}]", v => v >= low && v <= high);
        }
        throw new PhospheneException(
            $"claim criterion '{text}' is not understood; write one of '<= 0.001', '> 0', 'within 0.03 of 0.71', 'in [0.1, 0.2]'");
    }

    private static double? Number(string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v) ? v : null;

    private static string Show(double v) => v.ToString("G6", CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^(<=|>=|<|>|≤|≥)\s*(\S+)$")]
    private static partial Regex Comparison();

    [GeneratedRegex(@"^within\s+(\S+)\s+of\s+(\S+)$", RegexOptions.IgnoreCase)]
    private static partial Regex Within();

    [GeneratedRegex(@"^in\s*\[\s*([^,\s]+)\s*,\s*([^\]\s]+)\s*\]$", RegexOptions.IgnoreCase)]
    private static partial Regex Interval();
}
