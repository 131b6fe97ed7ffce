using static TorchSharp.torch;

namespace Phosphene.Attribution;

/// <summary>
/// Integrated Gradients (M. Sundararajan, A. Taly and Q. Yan, 2017, "Axiomatic attribution for deep networks"): the
/// input's difference from a baseline times the gradient averaged along the straight path from the baseline to the input.
/// </summary>
/// <remarks>
/// Map: Σ_c (x_c − b_c)·Σ_k w_k ∂f/∂x_c(b + α_k (x − b)), float32 N×H×W, signed; summing over channels keeps
/// completeness: the map sums to about f(x) − f(b). Defaults: 50 steps, baseline 0 (a black image), trapezoid rule.
/// N·steps forward and backward passes, in batches of the batch size over (input, step) pairs.
/// </remarks>
public sealed class IntegratedGradients : GradientAttribution
{
    /// <inheritdoc />
    public override string Name => "integrated-gradients";

    /// <inheritdoc />
    public override bool SignedMaps => true;

    /// <summary>Number of points on the path; default 50.</summary>
    public int Steps { get; init; } = 50;

    /// <summary>Constant baseline value b when <see cref="BaselineImage"/> is null; default 0.</summary>
    public double Baseline { get; init; }

    /// <summary>A baseline image (C×H×W, or N×C×H×W one per input); default null (the constant <see cref="Baseline"/>).</summary>
    public Tensor? BaselineImage { get; init; }

    /// <summary>Quadrature rule; default <see cref="IntegrationRule.Trapezoid"/>.</summary>
    public IntegrationRule Rule { get; init; } = IntegrationRule.Trapezoid;

    /// <inheritdoc />
    public override string Parameters =>
        $"steps {Steps}, baseline {(BaselineImage is null ? Baseline.ToString(System.Globalization.CultureInfo.InvariantCulture) : "image")}, " +
        $"rule {(Rule == IntegrationRule.Trapezoid ? "trapezoid" : "gauss-legendre")}";

    /// <inheritdoc />
    protected override void Validate(Tensor inputs)
    {
        if (Steps < (Rule == IntegrationRule.Trapezoid ? 2 : 1))
            throw Invalid(nameof(Steps), Steps, Rule == IntegrationRule.Trapezoid ? "at least 2 for the trapezoid rule" : "at least 1");
    }

    /// <inheritdoc />
    protected override Tensor Compute(AttributionRun run, Tensor inputs, Tensor targets)
    {
        var (alphas, weights) = Rule == IntegrationRule.Trapezoid ? Trapezoid(Steps) : GaussLegendre(Steps);
        var baseline = ExpandBaseline(BaselineImage, Baseline, inputs);
        var delta = inputs - baseline;
        long n = inputs.shape[0], total = n * Steps;
        var averaged = zeros_like(inputs);
        var alpha = tensor(alphas, ScalarType.Float32);
        var weight = tensor(weights, ScalarType.Float32);
        run.Expect(total);
        foreach (var (start, length) in run.Batches(total))
        {
            using var scope = NewDisposeScope();
            // Pair p = image·steps + step: consecutive pairs walk one image's path, then the next image's.
            var pair = arange(start, start + length, ScalarType.Int64);
            var image = pair.div(Steps, rounding_mode: RoundingMode.floor);
            var step = pair.remainder(Steps);
            var a = alpha.index_select(0, step).view(-1, 1, 1, 1);
            var points = baseline.index_select(0, image) + a * delta.index_select(0, image);
            var (gradients, _) = run.Gradients(points, targets.index_select(0, image));
            averaged.index_add_(0, image, gradients * weight.index_select(0, step).view(-1, 1, 1, 1), 1);
        }
        return SumOverChannels(delta * averaged);
    }

    /// <summary>Trapezoid nodes and weights on [0, 1] with <paramref name="points"/> equally spaced points (ends included).</summary>
    public static (double[] Nodes, double[] Weights) Trapezoid(int points)
    {
        var nodes = new double[points];
        var weights = new double[points];
        for (int k = 0; k < points; k++)
        {
            nodes[k] = (double)k / (points - 1);
            weights[k] = (k == 0 || k == points - 1 ? 0.5 : 1.0) / (points - 1);
        }
        return (nodes, weights);
    }

    /// <summary>Gauss–Legendre nodes and weights mapped to [0, 1] (Newton iterations on the Legendre polynomial).</summary>
    public static (double[] Nodes, double[] Weights) GaussLegendre(int points)
    {
        var nodes = new double[points];
        var weights = new double[points];
        for (int i = 0; i < (points + 1) / 2; i++)
        {
            double x = Math.Cos(Math.PI * (i + 0.75) / (points + 0.5)), derivative = 0;
            for (int iteration = 0; iteration < 100; iteration++)
            {
                double p0 = 1, p1 = x;
                for (int k = 2; k <= points; k++) (p0, p1) = (p1, ((2 * k - 1) * x * p1 - (k - 1) * p0) / k);
                derivative = points * (x * p1 - p0) / (x * x - 1);
                double dx = p1 / derivative;
                x -= dx;
                if (Math.Abs(dx) < 1e-15) break;
            }
            double w = 2 / ((1 - x * x) * derivative * derivative);
            // Map [−1, 1] → [0, 1]: node (1 ∓ x)/2, weight w/2; ascending order.
            nodes[i] = (1 - x) / 2;
            nodes[points - 1 - i] = (1 + x) / 2;
            weights[i] = weights[points - 1 - i] = w / 2;
        }
        return (nodes, weights);
    }
}
