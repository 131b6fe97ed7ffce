using TorchSharp;
using static TorchSharp.torch;

namespace Phosphene.Attribution.Metrics;

/// <summary>
/// The shared base of <see cref="Deletion"/> and <see cref="Insertion"/> (Petsiuk, Das and Saenko 2018, "RISE:
/// Randomized Input Sampling for Explanation of Black-box Models"): pixels are ranked by the map, most important
/// first, and perturbed in that order in <see cref="Steps"/> equal steps; the model's score is recorded at each step
/// and the metric is the area under the curve over the fraction of pixels perturbed (trapezoid rule on [0, 1]).
/// </summary>
/// <remarks>
/// Ordering: by decreasing map value (signed, or by magnitude when <see cref="RankByMagnitude"/>); ties are broken
/// by pixel position, row-major, first first. At step k the first round(k·H·W/Steps) pixels of that order are
/// perturbed in every channel. The curve holds Steps + 1 points, the unperturbed state included.
/// </remarks>
public abstract class PixelPerturbationCurve : AttributionMetric
{
    /// <summary>Creates the base for the named metric.</summary>
    protected PixelPerturbationCurve(string name) : base(name) { }

    /// <summary>Number of equal steps from no pixel to every pixel; default 20 (21 points on the curve).</summary>
    public int Steps { get; init; } = 20;

    /// <summary>The value a removed pixel takes in every channel; default 0 (black).</summary>
    public double Baseline { get; init; }

    /// <summary>Optional float32 N×C×H×W baseline images (e.g. blurred inputs) used instead of <see cref="Baseline"/>.</summary>
    public Tensor? BaselineInputs { get; init; }

    /// <summary>The watched score: default the target's softmax probability, as in the RISE paper.</summary>
    public OutputHead Head { get; init; } = OutputHead.Softmax;

    /// <summary>Rank pixels by |map| instead of the signed map; default false.</summary>
    public bool RankByMagnitude { get; init; }

    /// <summary>True for Insertion (pixels are restored onto the baseline), false for Deletion.</summary>
    protected abstract bool Inserts { get; }

    /// <inheritdoc />
    protected override void Validate()
    {
        if (Steps < 1) throw Invalid(nameof(Steps), Steps, "at least 1");
        if (!double.IsFinite(Baseline)) throw Invalid(nameof(Baseline), Baseline, "a finite number");
    }

    /// <summary>Runs the curve and returns a <see cref="CurveResult"/> with the curves and their areas.</summary>
    public new CurveResult Evaluate(nn.Module<Tensor, Tensor> model, Tensor inputs, Tensor targets, Tensor maps,
                                    AttributionFunction? explainer = null, IProgress<MetricProgress>? progress = null,
                                    CancellationToken cancellation = default) =>
        (CurveResult)base.Evaluate(model, inputs, targets, maps, explainer, progress, cancellation);

    /// <inheritdoc />
    protected override MetricResult Compute(MetricInput input)
    {
        long h = input.Inputs.shape[2], w = input.Inputs.shape[3], pixels = h * w;
        if (BaselineInputs is { } b && !b.shape.SequenceEqual(input.Inputs.shape))
            throw new PhospheneException(
                $"{Name}: BaselineInputs must have the inputs' shape [{string.Join(", ", input.Inputs.shape)}], got [{string.Join(", ", b.shape)}]");
        var baseline = BaselineInputs?.to_type(ScalarType.Float32) ?? full_like(input.Inputs, Baseline);

        // rank[n, p] = position of pixel p in example n's order (0 = most important).
        var keys = input.Maps.flatten(1);
        if (RankByMagnitude) keys = keys.abs();
        var (_, order) = keys.sort(1, descending: true, stable: true);
        var rank = order.argsort(1);
        var counts = tensor(Enumerable.Range(0, Steps + 1).Select(k => (long)Math.Round((double)k * pixels / Steps)).ToArray());

        var scores = PerturbedScores(input, Steps + 1, (example, step) =>
        {
            var perturbed = rank.index_select(0, example).lt(counts.index_select(0, step).unsqueeze(1)).view(-1, 1, h, w);
            var x = input.Inputs.index_select(0, example);
            var x0 = baseline.index_select(0, example);
            return Inserts ? where(perturbed, x, x0) : where(perturbed, x0, x);
        }, Head);
        var fractions = Enumerable.Range(0, Steps + 1).Select(k => (double)k / Steps).ToArray();
        return new CurveResult(Name, HigherIsBetter, fractions, Rows(scores));
    }
}
