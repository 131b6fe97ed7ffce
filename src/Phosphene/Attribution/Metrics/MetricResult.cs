using System.Globalization;
using System.Text.Json.Nodes;
using Phosphene.Results;

namespace Phosphene.Attribution.Metrics;

/// <summary>
/// The outcome of one metric on a batch of explanations: the score (the mean of the finite per-example values) and
/// the per-example values behind it. Metrics with more to show (curves, per-layer correlations) derive from it.
/// </summary>
public class MetricResult
{
    /// <summary>Creates a result; <see cref="Score"/> is the mean of the finite values of <paramref name="perExample"/>.</summary>
    /// <param name="metric">The registry name of the metric, e.g. <c>deletion</c>.</param>
    /// <param name="higherIsBetter">Whether a higher score means a better explanation.</param>
    /// <param name="perExample">One value per explained input (NaN where undefined, e.g. a correlation with a constant map).</param>
    public MetricResult(string metric, bool higherIsBetter, IReadOnlyList<double> perExample)
        : this(metric, higherIsBetter, perExample, FiniteMean(perExample)) { }

    /// <summary>Creates a result whose score is not the mean of its per-example values.</summary>
    /// <param name="metric">The registry name of the metric.</param>
    /// <param name="higherIsBetter">Whether a higher score means a better explanation.</param>
    /// <param name="perExample">One value per explained input, or per pair or layer where the metric says so.</param>
    /// <param name="score">The metric's single number.</param>
    public MetricResult(string metric, bool higherIsBetter, IReadOnlyList<double> perExample, double score)
    {
        Metric = metric;
        HigherIsBetter = higherIsBetter;
        PerExample = perExample;
        Score = score;
    }

    /// <summary>The registry name of the metric, e.g. <c>deletion</c>.</summary>
    public string Metric { get; }

    /// <summary>Whether a higher <see cref="Score"/> means a better explanation (false for Deletion, Complexity, ...).</summary>
    public bool HigherIsBetter { get; }

    /// <summary>The metric's value per explained input (see each metric for the exact meaning).</summary>
    public IReadOnlyList<double> PerExample { get; }

    /// <summary>The metric's single number; NaN when no example gave a finite value.</summary>
    public double Score { get; }

    /// <summary>The mean of the finite values of <paramref name="values"/>; NaN if there are none.</summary>
    public static double FiniteMean(IEnumerable<double> values)
    {
        double sum = 0;
        long count = 0;
        foreach (var v in values)
            if (double.IsFinite(v)) { sum += v; count++; }
        return count == 0 ? double.NaN : sum / count;
    }

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Metric}: {Score:G4} ({(HigherIsBetter ? "higher" : "lower")} is better, {PerExample.Count} values)");

    /// <summary>The result as saved in a <see cref="ResultFile"/>: its kind and values (a subclass adds its own).</summary>
    internal virtual JsonObject ToJson() => new()
    {
        ["kind"] = "scores",
        ["metric"] = Metric,
        ["higherIsBetter"] = HigherIsBetter,
        ["perExample"] = ResultFile.Numbers(PerExample),
        ["score"] = ResultFile.Number(Score),
    };

    /// <summary>A result saved by <see cref="ToJson"/>, of the same type.</summary>
    internal static MetricResult FromJson(JsonNode json)
    {
        var metric = (string)json["metric"]!;
        bool higherIsBetter = (bool)json["higherIsBetter"]!;
        return (string?)json["kind"] switch
        {
            "curve" => new CurveResult(metric, higherIsBetter, ResultFile.Numbers(json["fractions"]!),
                                       json["curves"]!.AsArray().Select(c => ResultFile.Numbers(c!)).ToArray()),
            "randomisation" => new RandomisationResult(Enum.Parse<RandomisationMode>((string)json["mode"]!), ResultFile.Strings(json["layers"]!),
                                                       ResultFile.Numbers(json["spearman"]!), ResultFile.Numbers(json["spearmanAbsolute"]!),
                                                       ResultFile.Numbers(json["ssim"]!), ResultFile.Numbers(json["perExample"]!)),
            _ => new MetricResult(metric, higherIsBetter, ResultFile.Numbers(json["perExample"]!), ResultFile.Number(json["score"]!)),
        };
    }
}
