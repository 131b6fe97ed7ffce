using TorchSharp;
using static TorchSharp.torch;

namespace Phosphene.Sensitivity;

/// <summary>
/// An estimator of Sobol sensitivity indices (I. M. Sobol', 1993, "Sensitivity estimates for nonlinear mathematical
/// models") from model outputs on a <see cref="SaltelliDesign"/>: the first-order index S_i = V[E(Y|X_i)] / V(Y) (the
/// share of the output variance input i explains alone) and the total-order index S_Ti = E[V(Y|X_~i)] / V(Y) (its share
/// including every interaction).
/// </summary>
/// <remarks>
/// Every estimator takes f(A) and f(B) shaped […, N] and f(A_B^(i)) shaped […, d, N], any leading dimensions
/// broadcasting (one set of indices per image, say), and returns float64 indices […, d]. V(Y) is the population
/// variance of f(A) and f(B) pooled. A constant output (V = 0) has no variance to share: its indices are 0.
/// The default is <see cref="Jansen"/>, the estimator Fel et al. (2021) use for attribution.
/// </remarks>
public abstract class SobolEstimator
{
    static readonly SobolEstimator[] All =
        [new JansenEstimator(), new SaltelliEstimator(), new HommaEstimator(), new JanonEstimator(), new GlenIsaacsEstimator()];

    /// <summary>Jansen (1999) estimators, the default.</summary>
    public static SobolEstimator Jansen => All[0];

    /// <summary>The estimators' names: <c>jansen</c>, <c>saltelli</c>, <c>homma</c>, <c>janon</c>, <c>glen-isaacs</c>.</summary>
    public static IReadOnlyList<string> Names => All.Select(e => e.Name).ToArray();

    /// <summary>The estimator called <paramref name="name"/> (case-insensitive).</summary>
    /// <exception cref="PhospheneException">Unknown name; the message suggests the closest one.</exception>
    public static SobolEstimator FromName(string name) =>
        All.FirstOrDefault(e => string.Equals(e.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new PhospheneException(
            $"unknown Sobol estimator '{name}'{Suggestions.DidYouMean(name, Names)} (estimators: {string.Join(", ", Names)})");

    /// <summary>The estimator's name, e.g. <c>jansen</c>.</summary>
    public abstract string Name { get; }

    /// <summary>First-order indices S_i, float64 […, d].</summary>
    /// <exception cref="PhospheneException">Shapes of f(A), f(B), f(A_B) that do not fit together.</exception>
    public Tensor FirstOrder(Tensor fA, Tensor fB, Tensor fAB) => Estimate(fA, fB, fAB, total: false);

    /// <summary>Total-order indices S_Ti, float64 […, d].</summary>
    /// <exception cref="PhospheneException">Shapes of f(A), f(B), f(A_B) that do not fit together.</exception>
    public Tensor TotalOrder(Tensor fA, Tensor fB, Tensor fAB) => Estimate(fA, fB, fAB, total: true);

    /// <summary>First-order indices from f(A), f(B) […, 1, N], f(A_B) […, d, N] and V(Y) […, 1], all float64.</summary>
    protected abstract Tensor FirstOrderCore(Tensor fA, Tensor fB, Tensor fAB, Tensor variance);

    /// <summary>Total-order indices from f(A), f(B) […, 1, N], f(A_B) […, d, N] and V(Y) […, 1], all float64.</summary>
    protected abstract Tensor TotalOrderCore(Tensor fA, Tensor fB, Tensor fAB, Tensor variance);

    /// <summary>Pearson correlation of <paramref name="x"/> and <paramref name="y"/> along the last dimension (0 where either is constant).</summary>
    protected static Tensor Correlation(Tensor x, Tensor y)
    {
        var dx = x - x.mean([-1L], keepdim: true);
        var dy = y - y.mean([-1L], keepdim: true);
        var denominator = ((dx * dx).sum(-1) * (dy * dy).sum(-1)).sqrt();
        return where(denominator > 0, (dx * dy).sum(-1) / denominator, zeros_like(denominator));
    }

    Tensor Estimate(Tensor fA, Tensor fB, Tensor fAB, bool total)
    {
        if (fA.dim() < 1 || !fA.shape.SequenceEqual(fB.shape) || fAB.dim() != fA.dim() + 1
            || !fAB.shape[..^2].SequenceEqual(fA.shape[..^1]) || fAB.shape[^1] != fA.shape[^1] || fA.shape[^1] < 2)
            throw new PhospheneException(
                $"Sobol estimator expects f(A) and f(B) shaped […, N] with N ≥ 2 and f(A_B) shaped […, d, N]; got " +
                $"[{string.Join(", ", fA.shape)}], [{string.Join(", ", fB.shape)}], [{string.Join(", ", fAB.shape)}]");
        using var scope = NewDisposeScope();
        var a = fA.to_type(ScalarType.Float64).unsqueeze(-2);
        var b = fB.to_type(ScalarType.Float64).unsqueeze(-2);
        var ab = fAB.to_type(ScalarType.Float64);
        var variance = cat([a, b], -1).var([-1L], unbiased: false);
        var indices = total ? TotalOrderCore(a, b, ab, variance) : FirstOrderCore(a, b, ab, variance);
        // Broadcast back to […, d] for estimators that reduce over a constant output.
        indices = where(variance > 0, indices, zeros_like(indices)).expand(ab.shape[..^1]).contiguous();
        return indices.MoveToOuterDisposeScope();
    }
}

/// <summary>
/// Jansen's estimators (M. J. W. Jansen, 1999, "Analysis of variance designs for model output", Computer Physics
/// Communications 117): V_Ti = mean((f(A) − f(A_B^(i)))²) / 2 and V_i = V − mean((f(B) − f(A_B^(i)))²) / 2.
/// The total-order one is the most robust in Saltelli et al.'s (2010) comparison and the default of Fel et al. (2021).
/// </summary>
public sealed class JansenEstimator : SobolEstimator
{
    /// <inheritdoc />
    public override string Name => "jansen";

    /// <inheritdoc />
    protected override Tensor FirstOrderCore(Tensor fA, Tensor fB, Tensor fAB, Tensor variance) =>
        (variance - (fB - fAB).square().mean([-1L]) / 2) / variance;

    /// <inheritdoc />
    protected override Tensor TotalOrderCore(Tensor fA, Tensor fB, Tensor fAB, Tensor variance) =>
        (fA - fAB).square().mean([-1L]) / 2 / variance;
}

/// <summary>
/// Saltelli's first-order estimator (A. Saltelli et al., 2010, "Variance based sensitivity analysis of model output.
/// Design and estimator for the total sensitivity index"): V_i = mean(f(B)·(f(A_B^(i)) − f(A))); with Sobol's
/// total-order estimator (I. M. Sobol' et al., 2007, "Estimating the approximation error when fixing unessential
/// factors in global sensitivity analysis"): V_Ti = mean(f(A)·(f(A) − f(A_B^(i)))).
/// </summary>
public sealed class SaltelliEstimator : SobolEstimator
{
    /// <inheritdoc />
    public override string Name => "saltelli";

    /// <inheritdoc />
    protected override Tensor FirstOrderCore(Tensor fA, Tensor fB, Tensor fAB, Tensor variance) =>
        (fB * (fAB - fA)).mean([-1L]) / variance;

    /// <inheritdoc />
    protected override Tensor TotalOrderCore(Tensor fA, Tensor fB, Tensor fAB, Tensor variance) =>
        (fA * (fA - fAB)).mean([-1L]) / variance;
}

/// <summary>
/// Homma and Saltelli's estimators (T. Homma and A. Saltelli, 1996, "Importance measures in global sensitivity
/// analysis of nonlinear models", Reliability Engineering and System Safety 52): with f0² = mean(f(A))·mean(f(B)),
/// V_i = mean(f(B)·f(A_B^(i))) − f0² and V_Ti = V − (mean(f(A)·f(A_B^(i))) − f0²).
/// </summary>
public sealed class HommaEstimator : SobolEstimator
{
    /// <inheritdoc />
    public override string Name => "homma";

    /// <inheritdoc />
    protected override Tensor FirstOrderCore(Tensor fA, Tensor fB, Tensor fAB, Tensor variance) =>
        ((fB * fAB).mean([-1L]) - SquaredMean(fA, fB)) / variance;

    /// <inheritdoc />
    protected override Tensor TotalOrderCore(Tensor fA, Tensor fB, Tensor fAB, Tensor variance) =>
        (variance - ((fA * fAB).mean([-1L]) - SquaredMean(fA, fB))) / variance;

    static Tensor SquaredMean(Tensor fA, Tensor fB) => fA.mean([-1L]) * fB.mean([-1L]);
}

/// <summary>
/// Janon et al.'s estimator (A. Janon, T. Klein, A. Lagnoux, M. Nodet and C. Prieur, 2014, "Asymptotic normality and
/// efficiency of two Sobol index estimators", ESAIM: Probability and Statistics 18): for the pair y = f(B),
/// y' = f(A_B^(i)) sharing input i, S_i = (mean(y·y') − m²) / (mean((y² + y'²) / 2) − m²) with m = mean((y + y') / 2),
/// asymptotically efficient; the total index is 1 − the same statistic on f(A), f(A_B^(i)), which share all but i.
/// </summary>
public sealed class JanonEstimator : SobolEstimator
{
    /// <inheritdoc />
    public override string Name => "janon";

    /// <inheritdoc />
    protected override Tensor FirstOrderCore(Tensor fA, Tensor fB, Tensor fAB, Tensor variance) => Closed(fB, fAB);

    /// <inheritdoc />
    protected override Tensor TotalOrderCore(Tensor fA, Tensor fB, Tensor fAB, Tensor variance) => 1 - Closed(fA, fAB);

    static Tensor Closed(Tensor y, Tensor yPrime)
    {
        var m = ((y + yPrime) / 2).mean([-1L]);
        var denominator = ((y.square() + yPrime.square()) / 2).mean([-1L]) - m.square();
        return where(denominator > 0, ((y * yPrime).mean([-1L]) - m.square()) / denominator, zeros_like(denominator));
    }
}

/// <summary>
/// Glen and Isaacs's correlation estimators (G. Glen and K. Isaacs, 2012, "Estimating Sobol sensitivity indices using
/// correlations", Environmental Modelling and Software 37), in their basic form without the spurious-correlation
/// correction: S_i = corr(f(B), f(A_B^(i))) and S_Ti = 1 − corr(f(A), f(A_B^(i))).
/// </summary>
public sealed class GlenIsaacsEstimator : SobolEstimator
{
    /// <inheritdoc />
    public override string Name => "glen-isaacs";

    /// <inheritdoc />
    protected override Tensor FirstOrderCore(Tensor fA, Tensor fB, Tensor fAB, Tensor variance) =>
        Correlation(fB.expand_as(fAB), fAB);

    /// <inheritdoc />
    protected override Tensor TotalOrderCore(Tensor fA, Tensor fB, Tensor fAB, Tensor variance) =>
        1 - Correlation(fA.expand_as(fAB), fAB);
}
