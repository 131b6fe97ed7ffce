using static TorchSharp.torch;

namespace Phosphene.Attribution.Metrics;

/// <summary>
/// Complexity (Bhatt, Weller and Moura 2020, "Evaluating and Aggregating Feature-based Model Explanations"): the
/// Shannon entropy (natural log) of the map's fractional contributions p_i = |m_i| / Σ_j |m_j| over its H·W pixels.
/// A map that concentrates on few pixels is simpler: lower is better; 0 for a one-hot map, log(H·W) for a uniform
/// one (and for an all-zero map, which says nothing). Needs no model. Registry name <c>complexity</c>.
/// </summary>
public sealed class Complexity : AttributionMetric
{
    /// <summary>Creates the metric.</summary>
    public Complexity() : base("complexity") { }

    /// <inheritdoc />
    public override bool HigherIsBetter => false;

    /// <inheritdoc />
    public override string Summary => "entropy of the normalised |map|";

    /// <inheritdoc />
    protected override bool UsesModel => false;

    /// <summary>The entropy of each N×H×W map's normalised magnitude, one value per map.</summary>
    public static double[] Entropy(Tensor maps)
    {
        if (maps.dim() < 2) throw new PhospheneException($"complexity: maps must be N×H×W, got [{string.Join(", ", maps.shape)}]");
        using var scope = NewDisposeScope();
        var magnitude = maps.to_type(ScalarType.Float64).flatten(1).abs();
        var total = magnitude.sum([1], keepdim: true);
        // An all-zero map spreads its (absent) evidence evenly.
        var p = where(total.gt(0), magnitude / total.clamp_min(double.Epsilon), full_like(magnitude, 1.0 / magnitude.shape[1]));
        var terms = where(p.gt(0), -p * p.log(), zeros_like(p));
        using var entropy = terms.sum([1]).contiguous();
        return entropy.data<double>().ToArray();
    }

    /// <inheritdoc />
    protected override MetricResult Compute(MetricInput input) => new(Name, HigherIsBetter, Entropy(input.Maps));
}
