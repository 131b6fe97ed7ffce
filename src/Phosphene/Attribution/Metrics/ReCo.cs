namespace Phosphene.Attribution.Metrics;

/// <summary>
/// ReCo, relative consistency (Fel, Vigouroux, Cadène and Serre 2022, "How Good is your Explanation? Algorithmic
/// Stability Measures to Assess the Quality of Explanations for Deep Neural Networks"): how well the distance between
/// two retrained models' explanations tells whether the models agree (both right) or not (one wrong), the best
/// TPR + TNR − 1 over thresholds, in [0, 1]; higher is better. See <see cref="AlgorithmicStability"/>. Registry name
/// <c>reco</c>.
/// </summary>
/// <remarks>
/// Like <see cref="MeGe"/>, it explains <see cref="Splits"/>' data with the k retrained models (the model, inputs and
/// maps given to Evaluate are not used); MeGe and ReCo of one explainer share a single run. The per-example values of
/// the result are the S≠ distances.
/// </remarks>
public sealed class ReCo : AttributionMetric
{
    /// <summary>Creates the metric on models retrained on k splits (see <see cref="SplitModels.Train"/>).</summary>
    public ReCo(SplitModels splits) : base("reco") => Splits = splits ?? throw new ArgumentNullException(nameof(splits));

    /// <summary>The k leave-one-split-out models and their data.</summary>
    public SplitModels Splits { get; }

    /// <inheritdoc />
    public override bool HigherIsBetter => true;

    /// <inheritdoc />
    public override bool RequiresExplainer => true;

    /// <inheritdoc />
    protected override bool UsesModel => false;

    /// <inheritdoc />
    protected override MetricResult Compute(MetricInput input)
    {
        var result = Splits.Evaluate(input.Explainer!, BatchSize,
            new MeGe.Progress(Name, Splits.K, input.Progress), input.Cancellation);
        return new MetricResult(Name, HigherIsBetter, result.DifferentDistances, result.ReCo);
    }
}
