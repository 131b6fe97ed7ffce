namespace Phosphene.Attribution.Metrics;

/// <summary>
/// MeGe, mean generalisability (Fel, Vigouroux, Cadène and Serre 2022, "How Good is your Explanation? Algorithmic
/// Stability Measures to Assess the Quality of Explanations for Deep Neural Networks"): how close the explanations of
/// models trained on different splits of the data are, 1 / (1 + mean distance); higher is better. See
/// <see cref="AlgorithmicStability"/>. Registry name <c>mege</c>.
/// </summary>
/// <remarks>
/// It explains the examples of <see cref="AlgorithmicStabilityMetric.Splits"/>' data with its k retrained models. The
/// per-example values of the result are the S⁼ distances.
/// </remarks>
public sealed class MeGe : AlgorithmicStabilityMetric
{
    /// <summary>Creates the metric on models retrained on k splits (see <see cref="SplitModels.Train"/>).</summary>
    public MeGe(SplitModels? splits) : base("mege", splits) { }

    /// <inheritdoc />
    public override string Summary => "similarity of the explanations of models retrained on k splits";

    private protected override (IReadOnlyList<double> Values, double Score) Select(AlgorithmicStabilityResult result)
        => (result.EqualDistances, result.MeGe);
}
