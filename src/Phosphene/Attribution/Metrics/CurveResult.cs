using System.Text.Json.Nodes;
using Phosphene.Results;

namespace Phosphene.Attribution.Metrics;

/// <summary>
/// The outcome of a Deletion or Insertion run: per input, the model's score as a growing fraction of its pixels is
/// removed or restored, and the area under that curve (the per-example value; <see cref="MetricResult.Score"/> is
/// their mean).
/// </summary>
public sealed class CurveResult : MetricResult
{
    /// <summary>Creates the result from the fractions and the per-example curves.</summary>
    /// <param name="metric">The registry name.</param>
    /// <param name="higherIsBetter">Whether a larger area is better (Insertion) or worse (Deletion).</param>
    /// <param name="fractions">The fractions of pixels perturbed at each step, 0 to 1.</param>
    /// <param name="curves">Per input, the score at each fraction.</param>
    public CurveResult(string metric, bool higherIsBetter, IReadOnlyList<double> fractions, IReadOnlyList<double[]> curves)
        : base(metric, higherIsBetter, curves.Select(c => Area(fractions, c)).ToArray())
    {
        Fractions = fractions;
        Curves = curves;
        var mean = new double[fractions.Count];
        foreach (var curve in curves)
            for (int k = 0; k < mean.Length; k++) mean[k] += curve[k] / curves.Count;
        MeanCurve = mean;
    }

    /// <summary>Fractions of the pixels perturbed at each step: 0, 1/steps, ..., 1.</summary>
    public IReadOnlyList<double> Fractions { get; }

    /// <summary>Per input (N), the watched score at each fraction (steps + 1 values).</summary>
    public IReadOnlyList<double[]> Curves { get; }

    /// <summary>The mean of <see cref="Curves"/> over the inputs, one value per fraction.</summary>
    public IReadOnlyList<double> MeanCurve { get; }

    internal override JsonObject ToJson()
    {
        var json = base.ToJson();
        json["kind"] = "curve";
        json["fractions"] = ResultFile.Numbers(Fractions);
        json["curves"] = new JsonArray(Curves.Select(c => (JsonNode)ResultFile.Numbers(c)).ToArray());
        return json;
    }

    /// <summary>The area under <paramref name="values"/> over <paramref name="x"/> by the trapezoid rule.</summary>
    public static double Area(IReadOnlyList<double> x, IReadOnlyList<double> values)
    {
        double area = 0;
        for (int k = 1; k < x.Count; k++) area += (x[k] - x[k - 1]) * (values[k] + values[k - 1]) / 2;
        return area;
    }
}
