using System.Text.Json.Nodes;
using Phosphene.Results;
using TorchSharp;
using static TorchSharp.torch;

namespace Phosphene.Probing;

/// <summary>
/// Ridge regression (Hoerl and Kennard 1970, "Ridge regression: biased estimation for nonorthogonal problems") with an
/// unpenalised intercept, solved in closed form in float64; with <see cref="Alpha"/> null, α is chosen from
/// <see cref="Alphas"/> by exact leave-one-out error.
/// </summary>
/// <remarks>
/// One eigendecomposition of the smaller Gram matrix, XᵀX (D×D, primal) when N ≥ D or XXᵀ (N×N, dual) when D &gt; N,
/// gives the SVD X = U S Vᵀ of the centred features, and from it the leave-one-out error of every α (Golub, Heath and
/// Wahba 1979, "Generalized cross-validation as a method for choosing a good ridge parameter"; scikit-learn's
/// <c>RidgeCV</c>): residual eᵢ / (1 − Hᵢᵢ), H = 11ᵀ/N + U diag(s²/(s²+α)) Uᵀ.
/// Minimises ‖Y − XW − 1b‖² + α‖W‖² for targets N×T. One α is shared by all targets (the one with the lowest mean LOO
/// squared error), unless <see cref="AlphaPerTarget"/> is set. Memory: the Gram matrix, min(N, D)², plus U (N×rank).
/// </remarks>
public sealed class RidgeProbe : Probe
{
    Tensor? _coefficients;   // D'×T float64
    Tensor? _intercept;      // T float64

    /// <inheritdoc />
    public override string Name => "ridge";

    /// <inheritdoc />
    public override string Summary => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"ridge regression, α {(Alpha is null ? "by leave-one-out" : Alpha.Value.ToString())}");

    /// <inheritdoc />
    public override ProbeTask Task => ProbeTask.Regression;

    /// <summary>Penalty α; null (default) chooses it by leave-one-out error over <see cref="Alphas"/>.</summary>
    public double? Alpha { get; init; }

    /// <summary>The α values searched when <see cref="Alpha"/> is null; default 10⁻³ … 10⁷, 21 values evenly spaced in log.</summary>
    public IReadOnlyList<double> Alphas { get; init; } = Enumerable.Range(0, 21).Select(i => Math.Pow(10, -3 + 0.5 * i)).ToArray();

    /// <summary>Choose α separately for every target column; default false (one α for all).</summary>
    public bool AlphaPerTarget { get; init; }

    /// <summary>The α of the fit per target (all equal unless <see cref="AlphaPerTarget"/>).</summary>
    public IReadOnlyList<double> ChosenAlphas { get; private set; } = [];

    /// <summary>The α of the fit (the first target's when chosen per target).</summary>
    public double ChosenAlpha => ChosenAlphas.Count == 0 ? double.NaN : ChosenAlphas[0];

    /// <summary>Mean leave-one-out squared error per value of <see cref="Alphas"/> (mean over targets); empty unless α was chosen.</summary>
    public IReadOnlyList<double> LeaveOneOutErrors { get; private set; } = [];

    /// <summary>Weights D'×T (float64); null before fitting.</summary>
    public Tensor? Coefficients => _coefficients;

    /// <summary>Intercepts T (float64); null before fitting.</summary>
    public Tensor? Intercept => _intercept;

    /// <inheritdoc />
    public override Probe CloneUnfitted() => new RidgeProbe
    {
        Alpha = Alpha, Alphas = Alphas, AlphaPerTarget = AlphaPerTarget, PcaComponents = PcaComponents, Seed = Seed,
    };

    /// <inheritdoc />
    protected override void FitCore(Tensor features, Tensor targets)
    {
        if (Alpha is double a && !(a >= 0)) throw new PhospheneException($"ridge probe: alpha must be non-negative, got {a}");
        if (Alphas.Count == 0 || Alphas.Any(v => !(v >= 0)))
            throw new PhospheneException("ridge probe: the alpha grid must hold non-negative values");
        long n = features.shape[0], t = targets.shape[1];
        var xMean = features.mean([0]);
        var yMean = targets.mean([0]);
        var x = features.sub(xMean);
        var y = targets.sub(yMean);
        var (u, s2) = LeftSingularVectors(x);
        var uty = u.t().mm(y);                                  // rank×T
        double[] alphas;
        if (Alpha is double fixedAlpha) alphas = Enumerable.Repeat(fixedAlpha, (int)t).ToArray();
        else alphas = ChooseAlphas(u, s2, y, uty, n);
        var alphaTensor = tensor(alphas, dtype: ScalarType.Float64);            // T
        // W = Xᵀ U diag(1/(s² + α)) Uᵀ Y, column by column of α (equal to V diag(s/(s²+α)) UᵀY).
        var shrink = s2.unsqueeze(1).add(alphaTensor.unsqueeze(0)).reciprocal(); // rank×T
        var w = x.t().mm(u.mm(uty.mul(shrink)));
        _coefficients = w.DetachFromDisposeScope();
        _intercept = yMean.sub(xMean.matmul(w)).DetachFromDisposeScope();
        ChosenAlphas = alphas;
    }

    /// <summary>U (N×rank) and s² (rank) of the centred features, from the smaller Gram matrix.</summary>
    internal static (Tensor U, Tensor S2) LeftSingularVectors(Tensor x)
    {
        long n = x.shape[0], d = x.shape[1];
        Tensor u, s2;
        if (d > n)
        {
            var (values, vectors) = linalg.eigh(x.mm(x.t()));
            (u, s2) = (vectors, values);
        }
        else
        {
            var (values, vectors) = linalg.eigh(x.t().mm(x));
            s2 = values;
            u = x.mm(vectors);                                   // U S; normalised below
        }
        double top = s2.max().item<double>();
        var keep = s2.gt(Math.Max(top, 0) * Math.Max(n, d) * 1e-15).nonzero().squeeze(1);
        s2 = s2.index_select(0, keep);
        u = u.index_select(1, keep);
        if (d <= n) u = u.div(s2.sqrt().unsqueeze(0));
        return (u, s2);
    }

    double[] ChooseAlphas(Tensor u, Tensor s2, Tensor y, Tensor uty, long n)
    {
        var u2 = u.square();                                    // N×rank, for diag(H)
        var errors = new double[Alphas.Count][];
        for (int i = 0; i < Alphas.Count; i++)
        {
            using var scope = NewDisposeScope();
            var f = s2.div(s2.add(Alphas[i]));                  // rank
            var fitted = u.mm(uty.mul(f.unsqueeze(1)));          // centred predictions N×T
            var leverage = u2.mv(f).add(1.0 / n);                // Hᵢᵢ, intercept included
            var residual = y.sub(fitted).div(leverage.neg().add(1).clamp_min(1e-12).unsqueeze(1));
            errors[i] = residual.square().mean([0]).data<double>().ToArray();
        }
        int t = errors[0].Length;
        LeaveOneOutErrors = errors.Select(e => e.Average()).ToArray();
        if (!AlphaPerTarget)
        {
            int best = ArgMin(LeaveOneOutErrors);
            return Enumerable.Repeat(Alphas[best], t).ToArray();
        }
        return Enumerable.Range(0, t).Select(j => Alphas[ArgMin(errors.Select(e => e[j]).ToArray())]).ToArray();
    }

    static int ArgMin(IReadOnlyList<double> values)
    {
        int best = 0;
        for (int i = 1; i < values.Count; i++) if (values[i] < values[best]) best = i;
        return best;
    }

    /// <inheritdoc />
    protected override Tensor DecisionCore(Tensor features) => features.mm(_coefficients!).add(_intercept!);

    private protected override JsonObject Settings() => new()
    {
        ["alpha"] = ResultFile.Number(Alpha), ["alphas"] = ResultFile.Numbers(Alphas), ["alphaPerTarget"] = AlphaPerTarget,
    };

    internal static RidgeProbe FromSettings(JsonObject s, int? pcaComponents, long seed) => new()
    {
        Alpha = ResultFile.OptionalNumber(s["alpha"]), Alphas = ResultFile.Numbers(s["alphas"]!),
        AlphaPerTarget = (bool)s["alphaPerTarget"]!, PcaComponents = pcaComponents, Seed = seed,
    };

    private protected override JsonObject FittedValues() => new()
    {
        ["chosenAlphas"] = ResultFile.Numbers(ChosenAlphas), ["leaveOneOutErrors"] = ResultFile.Numbers(LeaveOneOutErrors),
    };

    private protected override IEnumerable<(string, Tensor)> FittedTensors() => [("coefficients", _coefficients!), ("intercept", _intercept!)];

    private protected override void RestoreFitted(JsonObject values, Func<string, Tensor> tensor)
    {
        ChosenAlphas = ResultFile.Numbers(values["chosenAlphas"]!);
        LeaveOneOutErrors = ResultFile.Numbers(values["leaveOneOutErrors"]!);
        _coefficients = tensor("coefficients");
        _intercept = tensor("intercept");
    }

    /// <inheritdoc />
    protected override void ReleaseFitted()
    {
        _coefficients?.Dispose();
        _intercept?.Dispose();
        _coefficients = _intercept = null;
    }
}
