using static TorchSharp.torch;

namespace Phosphene.Attribution.Metrics;

/// <summary>
/// The random-logit test (Sixt, Granz and Landgraf 2020, "When Explanations Lie: Why Many Modified BP Attributions
/// Fail"): each input is explained again for a class drawn uniformly among the other K − 1, and the SSIM between the
/// min–max rescaled maps of the target and of the random class is recorded. A class-sensitive explanation differs for
/// another class: lower is better. Needs the explainer. Registry name <c>random-logit</c>.
/// </summary>
public sealed class RandomLogit : AttributionMetric
{
    /// <summary>Creates the test.</summary>
    public RandomLogit() : base("random-logit") { }

    /// <inheritdoc />
    public override bool HigherIsBetter => false;

    /// <inheritdoc />
    public override string Summary => "SSIM between the maps of the target and of a random other class";

    /// <inheritdoc />
    public override bool RequiresExplainer => true;

    /// <inheritdoc />
    protected override MetricResult Compute(MetricInput input)
    {
        long k = input.ClassCount, n = input.Count;
        if (k < 2) throw new PhospheneException("random-logit: the model has a single class; there is no other class to explain");
        using var generator = NewGenerator();
        var offset = randint(1, k, [n], dtype: ScalarType.Int64, generator: generator);
        var others = (input.Targets + offset).remainder(k);
        var maps = Explain(input, n, index => (input.Inputs.index_select(0, index), others.index_select(0, index)),
            done: d => input.Progress?.Report(new MetricProgress(Name, d, n)));
        var ssim = MapSimilarity.Ssim(MapSimilarity.MinMaxNormalise(input.Maps), MapSimilarity.MinMaxNormalise(maps));
        return new MetricResult(Name, HigherIsBetter, ssim);
    }
}
