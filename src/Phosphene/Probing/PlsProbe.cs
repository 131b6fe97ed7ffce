using System.Text.Json.Nodes;
using Phosphene.Results;
using TorchSharp;
using static TorchSharp.torch;

namespace Phosphene.Probing;

/// <summary>
/// Partial least squares regression (Wold 1975, NIPALS; "PLS2" with regression deflation, Wegelin 2000, "A survey of
/// partial least squares (PLS) methods") with standardised features and targets, as scikit-learn's
/// <c>PLSRegression(scale=True)</c>: the mapping Brain-Score and Schrimpf et al. (2018, "Brain-Score: which artificial
/// neural network for object recognition is most brain-like?") fit from a layer to neural responses.
/// </summary>
/// <remarks>
/// Default 25 components, capped at min(N − 1, D). For each component, the power (NIPALS) iteration finds the
/// weights w maximising cov(Xw, Yc); X and Y are then deflated by their regression on the score Xw.
/// </remarks>
public sealed class PlsProbe : Probe
{
    Tensor? _coefficients, _xMean, _xStd, _yMean;

    /// <inheritdoc />
    public override string Name => "pls";

    /// <inheritdoc />
    public override string Summary => $"partial least squares regression, {Components} components";

    /// <inheritdoc />
    public override ProbeTask Task => ProbeTask.Regression;

    /// <summary>Number of latent components; default 25.</summary>
    public int Components { get; init; } = 25;

    /// <summary>
    /// Convergence tolerance of each NIPALS iteration, on the squared change of the weights; default 1e-12, tighter
    /// than scikit-learn's 1e-6 so that the weights are converged rather than approximate (the cost is a few more
    /// matrix–vector products).
    /// </summary>
    public double Tolerance { get; init; } = 1e-12;

    /// <summary>NIPALS iteration limit per component; default 500.</summary>
    public int MaxIterations { get; init; } = 500;

    /// <summary>The number of components of the fit (after capping).</summary>
    public int FittedComponents { get; private set; }

    /// <summary>Weights D'×T on the raw (unscaled) centred features (float64); null before fitting.</summary>
    public Tensor? Coefficients => _coefficients;

    /// <inheritdoc />
    public override Probe CloneUnfitted() => new PlsProbe
    {
        Components = Components, Tolerance = Tolerance, MaxIterations = MaxIterations, PcaComponents = PcaComponents, Seed = Seed,
    };

    /// <inheritdoc />
    protected override void FitCore(Tensor features, Tensor targets)
    {
        if (Components < 1) throw new PhospheneException($"pls probe: components must be at least 1, got {Components}");
        long n = features.shape[0], d = features.shape[1];
        if (n < 2) throw new PhospheneException("pls probe needs at least 2 examples");
        int k = (int)Math.Min(Components, Math.Min(n - 1, d));
        var mx = features.mean([0]);
        var sx = Scale(features);
        var my = targets.mean([0]);
        var sy = Scale(targets);
        var x = features.sub(mx).div(sx);
        var y = targets.sub(my).div(sy);
        var weights = new List<Tensor>();
        var xLoadings = new List<Tensor>();
        var yLoadings = new List<Tensor>();
        for (int c = 0; c < k; c++)
        {
            var w = FirstWeights(x, y);
            if (w is null) break;                                // Y fully explained: stop early
            var score = x.mv(w);
            double ss = score.dot(score).item<double>();
            if (ss < 1e-300) break;
            var p = x.t().mv(score).div(ss);
            var q = y.t().mv(score).div(ss);
            x = x.sub(score.outer(p));
            y = y.sub(score.outer(q));
            weights.Add(w); xLoadings.Add(p); yLoadings.Add(q);
        }
        if (weights.Count == 0) throw new PhospheneException("pls probe: the targets are constant; there is nothing to fit");
        var weightMatrix = stack(weights, 1);                    // W, D×k
        var xLoadingMatrix = stack(xLoadings, 1);                // P
        var yLoadingMatrix = stack(yLoadings, 1);                // Q, T×k
        var rotations = weightMatrix.mm(linalg.pinv(xLoadingMatrix.t().mm(weightMatrix)));
        var beta = rotations.mm(yLoadingMatrix.t());                          // on standardised X and Y
        _coefficients = beta.div(sx.unsqueeze(1)).mul(sy.unsqueeze(0)).DetachFromDisposeScope();
        _xMean = mx.DetachFromDisposeScope();
        _xStd = sx.DetachFromDisposeScope();
        _yMean = my.DetachFromDisposeScope();
        FittedComponents = weights.Count;
    }

    /// <summary>Standard deviation per column (ddof 1), with 1 in place of 0 so constant columns stay finite.</summary>
    static Tensor Scale(Tensor v)
    {
        var s = v.std(0, unbiased: true);
        return where(s.gt(0), s, ones_like(s));
    }

    /// <summary>The NIPALS (power-iteration) weights of the first singular pair of XᵀY; null when Y is zero.</summary>
    Tensor? FirstWeights(Tensor x, Tensor y)
    {
        var norms = y.abs().max(0).values.data<double>().ToArray();
        int first = Array.FindIndex(norms, v => v > 1e-12);
        if (first < 0) return null;
        var yScore = y[.., first];
        Tensor? w = null;
        for (int i = 0; i < MaxIterations; i++)
        {
            var next = x.t().mv(yScore);
            next = next.div(next.norm().clamp_min(1e-300));
            var xScore = x.mv(next);
            var c = y.t().mv(xScore).div(xScore.dot(xScore).clamp_min(1e-300));
            yScore = y.mv(c).div(c.dot(c).clamp_min(1e-300));
            bool done = w is not null && next.sub(w).dot(next.sub(w)).item<double>() < Tolerance || y.shape[1] == 1;
            w = next;
            if (done) break;
        }
        return w;
    }

    /// <inheritdoc />
    protected override Tensor DecisionCore(Tensor features) => features.sub(_xMean!).mm(_coefficients!).add(_yMean!);

    private protected override JsonObject Settings() => new()
    {
        ["components"] = Components, ["tolerance"] = Tolerance, ["maxIterations"] = MaxIterations,
    };

    internal static PlsProbe FromSettings(JsonObject s, int? pcaComponents, long seed) => new()
    {
        Components = (int)s["components"]!, Tolerance = (double)s["tolerance"]!, MaxIterations = (int)s["maxIterations"]!,
        PcaComponents = pcaComponents, Seed = seed,
    };

    private protected override JsonObject FittedValues() => new() { ["fittedComponents"] = FittedComponents };

    private protected override IEnumerable<(string, Tensor)> FittedTensors() =>
        [("coefficients", _coefficients!), ("x_mean", _xMean!), ("x_std", _xStd!), ("y_mean", _yMean!)];

    private protected override void RestoreFitted(JsonObject values, Func<string, Tensor> tensor)
    {
        FittedComponents = (int)values["fittedComponents"]!;
        (_coefficients, _xMean, _xStd, _yMean) = (tensor("coefficients"), tensor("x_mean"), tensor("x_std"), tensor("y_mean"));
    }

    /// <inheritdoc />
    protected override void ReleaseFitted()
    {
        foreach (var t in new[] { _coefficients, _xMean, _xStd, _yMean }) t?.Dispose();
        _coefficients = _xMean = _xStd = _yMean = null;
    }
}
