namespace Phosphene.Attribution.Metrics;

/// <summary>
/// ReCo, relative consistency (Fel, Vigouroux, Cadène and Serre 2022, "How Good is your Explanation? Algorithmic
/// Stability Measures to Assess the Quality of Explanations for Deep Neural Networks"): how well the distance between
/// two retrained models' explanations tells whether the models agree (both right) or not (one wrong), the best
/// TPR + TNR − 1 over thresholds, in [0, 1]; higher is better. See <see cref="AlgorithmicStability"/>. Registry name
/// <c>reco</c>.
/// </summary>
/// <remarks>
/// Like <see cref="MeGe"/>, it explains <see cref="AlgorithmicStabilityMetric.Splits"/>' data with the k retrained
/// models; MeGe and ReCo of one explainer share a single run. The per-example values of the result are the S≠
/// distances.
/// </remarks>
public sealed class ReCo : AlgorithmicStabilityMetric
{
    /// <summary>Creates the metric on models retrained on k splits (see <see cref="SplitModels.Train"/>).</summary>
    public ReCo(SplitModels? splits) : base("reco", splits) { }

    /// <inheritdoc />
    public override string Summary => "how well explanation distance separates agreeing from disagreeing retrained models";

    private protected override (IReadOnlyList<double> Values, double Score) Select(AlgorithmicStabilityResult result)
        => (result.DifferentDistances, result.ReCo);
}
