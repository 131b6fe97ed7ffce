namespace Phosphene.Attribution.Metrics;

/// <summary>
/// Base of the two algorithmic-stability metrics (<see cref="MeGe"/>, <see cref="ReCo"/>; Fel, Vigouroux, Cadène and
/// Serre 2022): both explain <see cref="Splits"/>' data with its k retrained models and read one score and one
/// distance set off the same <see cref="AlgorithmicStabilityResult"/>.
/// </summary>
/// <remarks>
/// The model, inputs and maps passed to <see cref="AttributionMetric.Evaluate"/> are checked but not used, only the
/// explainer is.
/// </remarks>
public abstract class AlgorithmicStabilityMetric : AttributionMetric
{
    readonly SplitModels? _splits;

    /// <summary>Creates the metric on models retrained on k splits (see <see cref="SplitModels.Train"/>).</summary>
    private protected AlgorithmicStabilityMetric(string name, SplitModels? splits) : base(name) => this._splits = splits;

    /// <summary>The k leave-one-split-out models and their data.</summary>
    /// <exception cref="PhospheneException">The metric was made without them.</exception>
    public SplitModels Splits => _splits ?? throw MissingSplits(Name);

    /// <summary>Whether the metric was given its split models (it cannot run without).</summary>
    internal bool HasSplits => _splits is not null;

    /// <summary>The error of a MeGe or ReCo made without split models, saying how to build them.</summary>
    internal static PhospheneException MissingSplits(string name) => new(
        $"metric '{name}' compares models retrained on k splits of the data: build them with SplitModels.Train(data, k) " +
        "and pass them as MetricSettings.Splits");

    /// <inheritdoc />
    protected override void Validate()
    {
        if (_splits is null) throw MissingSplits(Name);
    }

    /// <inheritdoc />
    public override bool HigherIsBetter => true;

    /// <inheritdoc />
    public override bool RequiresExplainer => true;

    /// <inheritdoc />
    protected override bool UsesModel => false;

    /// <summary>This metric's per-example values and score from the shared result.</summary>
    private protected abstract (IReadOnlyList<double> Values, double Score) Select(AlgorithmicStabilityResult result);

    /// <inheritdoc />
    protected override MetricResult Compute(MetricInput input)
    {
        var result = Splits.Evaluate(input.Explainer!, BatchSize, new Progress(Name, Splits.K, input.Progress), input.Cancellation);
        var (values, score) = Select(result);
        return new MetricResult(Name, HigherIsBetter, values, score);
    }

    sealed class Progress(string metric, int k, IProgress<MetricProgress>? inner) : IProgress<int>
    {
        public void Report(int value) => inner?.Report(new MetricProgress(metric, value, k));
    }
}
