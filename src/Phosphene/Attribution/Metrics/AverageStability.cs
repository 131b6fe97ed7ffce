using static TorchSharp.torch;

namespace Phosphene.Attribution.Metrics;

/// <summary>
/// Average Stability, the sensitivity of the explanation to small input changes (Yeh, Hsieh, Suggala, Inouye and
/// Ravikumar 2019, "On the (In)fidelity and Sensitivity of Explanations"): how far maps move under uniform noise of
/// radius <see cref="Radius"/>. Lower is better; registry name <c>stability</c>.
/// </summary>
/// <remarks>
/// Each input is perturbed <see cref="Samples"/> times by uniform noise in the L∞ ball of radius <see cref="Radius"/>,
/// re-explained, and the change ‖Φ(x + δ) − Φ(x)‖₂ / ‖Φ(x)‖₂ of its map is recorded (relative to the map's norm unless
/// <see cref="Relative"/> is false); per input the maximum (max-sensitivity, default) or the mean. Needs the explainer.
/// Defaults: radius 0.1 (on [0, 1] images), 10 samples, max, relative; perturbed inputs are not clipped.
/// </remarks>
public sealed class AverageStability : AttributionMetric
{
    /// <summary>Creates the metric with its defaults.</summary>
    public AverageStability() : base("stability") { }

    /// <inheritdoc />
    public override bool HigherIsBetter => false;

    /// <inheritdoc />
    public override string Summary => "max relative change of the map under 10 uniform input perturbations of radius 0.1";

    /// <inheritdoc />
    public override bool RequiresExplainer => true;

    /// <summary>Half-width of the uniform noise on every input value; default 0.1.</summary>
    public double Radius { get; init; } = 0.1;

    /// <summary>Perturbations per input; default 10.</summary>
    public int Samples { get; init; } = 10;

    /// <summary>Max (default) or mean over the perturbations of an input.</summary>
    public StabilityAggregation Aggregation { get; init; } = StabilityAggregation.Max;

    /// <summary>Divide each change by the norm of the unperturbed map; default true.</summary>
    public bool Relative { get; init; } = true;

    /// <inheritdoc />
    protected override void Validate()
    {
        if (!(Radius > 0) || !double.IsFinite(Radius)) throw Invalid(nameof(Radius), Radius, "a positive number");
        if (Samples < 1) throw Invalid(nameof(Samples), Samples, "at least 1");
    }

    /// <inheritdoc />
    protected override MetricResult Compute(MetricInput input)
    {
        long n = input.Count, total = n * Samples;
        var item = input.Inputs.shape.Skip(1).ToArray();
        using var generator = NewGenerator();
        var reference = input.Maps.flatten(1).to_type(ScalarType.Float64);
        var explained = Explain(input, total, pair =>
        {
            var example = pair.div(Samples, rounding_mode: RoundingMode.floor);
            long size = pair.shape[0];
            var noise = (rand([size, .. item], generator: generator) * 2 - 1) * Radius;
            return (input.Inputs.index_select(0, example) + noise, input.Targets.index_select(0, example));
        }, done: d => input.Progress?.Report(new MetricProgress(Name, d, total)));
        var example = arange(total, ScalarType.Int64).div(Samples, rounding_mode: RoundingMode.floor);
        var original = reference.index_select(0, example);
        var distance = (explained.flatten(1).to_type(ScalarType.Float64) - original).norm(1);
        if (Relative) distance /= original.norm(1).clamp_min(1e-12);
        var rows = distance.view(n, Samples);
        var perInput = Aggregation == StabilityAggregation.Max ? rows.amax([1]) : rows.mean([1]);
        return new MetricResult(Name, HigherIsBetter, Values(perInput));
    }
}
