using static TorchSharp.torch;

namespace Phosphene.Attribution.Metrics;

/// <summary>
/// Sparseness (Chalasani, Chen, Chowdhury, Wu and Jha 2020, "Concise Explanations of Neural Networks using
/// Adversarial Training"): the Gini index of the map's magnitudes over its n = H·W pixels,
/// G = Σ_i (2i − n − 1) a_(i) / (n Σ_i a_(i)) with a_(1) ≤ … ≤ a_(n) the sorted |m|. 0 for a constant (or all-zero) map,
/// (n − 1)/n for a one-hot map: higher is better. Needs no model. Registry name <c>sparseness</c>.
/// </summary>
public sealed class Sparseness : AttributionMetric
{
    /// <summary>Creates the metric.</summary>
    public Sparseness() : base("sparseness") { }

    /// <inheritdoc />
    public override bool HigherIsBetter => true;

    /// <inheritdoc />
    public override string Summary => "Gini index of the |map|";

    /// <inheritdoc />
    protected override bool UsesModel => false;

    /// <summary>The Gini index of each N×H×W map's magnitudes, one value per map.</summary>
    public static double[] Gini(Tensor maps)
    {
        if (maps.dim() < 2) throw new PhospheneException($"sparseness: maps must be N×H×W, got [{string.Join(", ", maps.shape)}]");
        using var scope = NewDisposeScope();
        var (sorted, _) = maps.to_type(ScalarType.Float64).flatten(1).abs().sort(1);
        long n = sorted.shape[1];
        var weights = arange(1, n + 1, ScalarType.Float64) * 2 - n - 1;
        var total = sorted.sum([1]);
        var gini = where(total.gt(0), (sorted * weights).sum([1]) / (total.clamp_min(double.Epsilon) * n), zeros_like(total));
        using var result = gini.contiguous();
        return result.data<double>().ToArray();
    }

    /// <inheritdoc />
    protected override MetricResult Compute(MetricInput input) => new(Name, HigherIsBetter, Gini(input.Maps));
}
