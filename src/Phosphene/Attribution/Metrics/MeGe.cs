
namespace Phosphene.Attribution.Metrics;

/// <summary>
/// MeGe, mean generalisability (Fel, Vigouroux, Cadène and Serre 2022, "How Good is your Explanation? Algorithmic
/// Stability Measures to Assess the Quality of Explanations for Deep Neural Networks"): how close the explanations of
/// models trained on different splits of the data are, 1 / (1 + mean distance); higher is better. See
/// <see cref="AlgorithmicStability"/>. Registry name <c>mege</c>.
/// </summary>
/// <remarks>
/// It explains the examples of <see cref="Splits"/>' data with its k retrained models: the model, inputs and maps
/// passed to <see cref="AttributionMetric.Evaluate"/> are checked but not used, only the explainer is. The per-example
/// values of the result are the S⁼ distances.
/// </remarks>
public sealed class MeGe : AttributionMetric
{
    /// <summary>Creates the metric on models retrained on k splits (see <see cref="SplitModels.Train"/>).</summary>
    public MeGe(SplitModels splits) : base("mege") => Splits = splits ?? throw new ArgumentNullException(nameof(splits));

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
            new Progress(Name, Splits.K, input.Progress), input.Cancellation);
        return new MetricResult(Name, HigherIsBetter, result.EqualDistances, result.MeGe);
    }

    internal sealed class Progress(string metric, int k, IProgress<MetricProgress>? inner) : IProgress<int>
    {
        public void Report(int value) => inner?.Report(new MetricProgress(metric, value, k));
    }
}
