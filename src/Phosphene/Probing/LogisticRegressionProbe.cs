using System.Text.Json.Nodes;
using Phosphene.Results;
using TorchSharp;
using static TorchSharp.torch;

namespace Phosphene.Probing;

/// <summary>
/// Multinomial logistic regression with an L2 penalty, fitted to convergence by L-BFGS in float64: the linear probe of
/// Alain and Bengio (2017, "Understanding intermediate layers using linear classifier probes") and of the 3D-PC
/// benchmark's linear read-outs (Linsley et al. 2024, "The 3D-PC: a benchmark for visual perspective taking in humans
/// and machines"). It minimises scikit-learn's objective, <c>C·Σᵢ −log p(yᵢ|xᵢ) + ½‖W‖²</c> (intercept not
/// penalised), so equal <see cref="C"/> gives scikit-learn's <c>LogisticRegression(multi_class="multinomial")</c> model.
/// </summary>
/// <remarks>
/// With <see cref="C"/> null ("auto"), C is chosen from <see cref="CGrid"/> by stratified inner cross-validation on
/// the training data (highest mean accuracy, smallest C on ties, as <c>LogisticRegressionCV</c>), then the probe is
/// refitted on all of it with that C.
/// </remarks>
public sealed class LogisticRegressionProbe : Probe
{
    Tensor? _weights;   // (D + 1)×K float64: D weight rows, then the intercept row

    /// <inheritdoc />
    public override string Name => "logistic";

    /// <inheritdoc />
    public override string Summary => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"multinomial logistic regression with an L2 penalty (L-BFGS), C {(C is null ? "by inner cross-validation" : C.Value.ToString())}");

    /// <inheritdoc />
    public override ProbeTask Task => ProbeTask.Classification;

    /// <summary>Inverse regularisation strength (scikit-learn's C); null chooses it by inner cross-validation. Default 1.</summary>
    public double? C { get; init; } = 1.0;

    /// <summary>The C values tried when <see cref="C"/> is null; default 10⁻⁴ … 10⁴, ten values evenly spaced in log.</summary>
    public IReadOnlyList<double> CGrid { get; init; } = Enumerable.Range(0, 10).Select(i => Math.Pow(10, -4 + 8.0 * i / 9)).ToArray();

    /// <summary>Folds of the inner cross-validation that chooses C; default 3.</summary>
    public int InnerFolds { get; init; } = 3;

    /// <summary>Number of classes K; default the largest training label + 1.</summary>
    public int? Classes { get; init; }

    /// <summary>
    /// Convergence tolerance on the largest gradient entry of the mean-scaled objective (scikit-learn's <c>tol</c>, whose
    /// default is 1e-4); default 1e-6.
    /// </summary>
    public double Tolerance { get; init; } = 1e-6;

    /// <summary>L-BFGS iteration limit; default 1000.</summary>
    public int MaxIterations { get; init; } = 1000;

    /// <summary>
    /// L-BFGS iteration limit of each fit of the inner cross-validation that chooses C (warm-started along the grid);
    /// default 100, scikit-learn's <c>LogisticRegressionCV</c> default: enough to rank the values of C, and it keeps
    /// large C on separable features from running to <see cref="MaxIterations"/>. The final fit uses <see cref="MaxIterations"/>.
    /// </summary>
    public int InnerMaxIterations { get; init; } = 100;

    /// <summary>The C of the fitted model (the chosen one when <see cref="C"/> is null).</summary>
    public double ChosenC { get; private set; }

    /// <summary>Mean inner cross-validated accuracy per value of <see cref="CGrid"/> (empty unless C was chosen).</summary>
    public IReadOnlyList<double> CGridScores { get; private set; } = [];

    /// <summary>L-BFGS iterations and objective evaluations of the final fit, and whether it converged.</summary>
    public (int Iterations, int Evaluations, bool Converged) Optimisation { get; private set; }

    /// <summary>Weights D'×K (float64, D' the width after PCA); null before fitting.</summary>
    public Tensor? Coefficients => _weights?.narrow(0, 0, _weights.shape[0] - 1);

    /// <summary>Intercepts K (float64); null before fitting.</summary>
    public Tensor? Intercept => _weights?[-1];

    /// <inheritdoc />
    public override Probe CloneUnfitted() => new LogisticRegressionProbe
    {
        C = C, CGrid = CGrid, InnerFolds = InnerFolds, Classes = Classes, Tolerance = Tolerance,
        MaxIterations = MaxIterations, InnerMaxIterations = InnerMaxIterations, PcaComponents = PcaComponents, Seed = Seed,
    };

    /// <summary>Mean negative log-likelihood of <paramref name="labels"/> under the fitted model (scikit-learn's <c>log_loss</c>).</summary>
    public double LogLoss(Tensor features, Tensor labels)
    {
        using var scope = NewDisposeScope();
        var logProbabilities = PredictProbabilities(features).log();
        return -logProbabilities.gather(1, labels.unsqueeze(1)).mean().item<double>();
    }

    /// <inheritdoc />
    protected override void FitCore(Tensor features, Tensor labels)
    {
        if (C is double c && !(c > 0)) throw new PhospheneException($"logistic probe: C must be positive, got {c}");
        if (InnerMaxIterations < 1) throw new PhospheneException($"logistic probe: inner iterations must be at least 1, got {InnerMaxIterations}");
        if (CGrid.Count == 0 || CGrid.Any(v => !(v > 0)))
            throw new PhospheneException("logistic probe: the C grid must hold positive values");
        int k = Classes ?? (int)(labels.max().item<long>() + 1);
        if (labels.max().item<long>() >= k)
            throw new PhospheneException($"logistic probe: label {labels.max().item<long>()} is outside the {k} classes; raise Classes");
        k = Math.Max(k, 2);
        double chosen = C ?? ChooseC(features, labels, k);
        var lbfgs = new Lbfgs { GradientTolerance = Tolerance, MaxIterations = MaxIterations };
        _weights = Solve(lbfgs, features, labels, k, chosen, null);
        ChosenC = chosen;
        Optimisation = (lbfgs.Iterations, lbfgs.Evaluations, lbfgs.Converged);
    }

    double ChooseC(Tensor features, Tensor labels, int k)
    {
        var folds = CrossValidation.StratifiedKFold(labels, InnerFolds, Seed);
        var grid = CGrid.OrderBy(v => v).ToArray();
        var scores = new double[grid.Length];
        foreach (var fold in folds)
        {
            using var scope = NewDisposeScope();
            var train = tensor(fold.Train);
            var test = tensor(fold.Test);
            var xTrain = features.index_select(0, train);
            var yTrain = labels.index_select(0, train);
            var xTest = features.index_select(0, test);
            var yTest = labels.index_select(0, test);
            Tensor? warm = null;
            for (int i = 0; i < grid.Length; i++)
            {
                var lbfgs = new Lbfgs { GradientTolerance = Math.Max(Tolerance, 1e-5), MaxIterations = Math.Min(InnerMaxIterations, MaxIterations) };
                var w = Solve(lbfgs, xTrain, yTrain, k, grid[i], warm);
                warm?.Dispose();
                warm = w;
                scores[i] += ProbeMetrics.Accuracy(yTest, Logits(xTest, w).argmax(1)) / folds.Count;
            }
            warm?.Dispose();
        }
        CGridScores = grid.Zip(scores).OrderBy(p => Array.IndexOf(CGrid.ToArray(), p.First)).Select(p => p.Second).ToArray();
        int best = 0;
        for (int i = 1; i < grid.Length; i++) if (scores[i] > scores[best] + 1e-12) best = i;
        return grid[best];
    }

    /// <summary>Minimises the mean-scaled objective: mean NLL + ‖W‖²/(2·C·N). Returns (D + 1)×K weights.</summary>
    static Tensor Solve(Lbfgs lbfgs, Tensor x, Tensor labels, int k, double c, Tensor? warmStart)
    {
        long n = x.shape[0], d = x.shape[1];
        double penalty = 1.0 / (c * n);
        using var outer = NewDisposeScope();
        // The intercept is a weight on a constant feature: one matrix product gives the logits, one the gradient.
        // L-BFGS runs on columns divided by √(variance + penalty), which balances the curvature of the data term and of
        // the penalty (a diagonal preconditioner for badly scaled activations); the penalty stays in the original
        // units, so the optimum is scikit-learn's.
        var scale = x.var(0, unbiased: false).add(penalty).sqrt();
        var xa = cat([x.div(scale), ones(n, 1, dtype: ScalarType.Float64)], 1);
        var xat = xa.t().contiguous();
        var onehot = nn.functional.one_hot(labels, k).to(ScalarType.Float64);
        var rows = labels.unsqueeze(1);
        var unscale = cat([scale.reciprocal(), zeros(1, dtype: ScalarType.Float64)]).unsqueeze(1);   // intercept not penalised
        var rowScale = cat([scale, ones(1, dtype: ScalarType.Float64)]).unsqueeze(1);
        (double, Tensor) Objective(Tensor theta)
        {
            using var scope = NewDisposeScope();
            var w = theta.view(d + 1, k);
            var logp = xa.mm(w).log_softmax(1);
            double nll = -logp.gather(1, rows).mean().item<double>();
            var original = w.mul(unscale);                       // weights in the original units (0 for the intercept)
            double value = nll + 0.5 * penalty * original.square().sum().item<double>();
            var residual = logp.exp_().sub_(onehot);
            var gradient = xat.mm(residual).div_(n).add_(original.mul_(unscale).mul_(penalty));
            return (value, gradient.flatten().MoveToOuterDisposeScope());
        }
        var start = warmStart?.mul(rowScale).flatten() ?? zeros((d + 1) * k, dtype: ScalarType.Float64);
        using var solution = lbfgs.Minimize(Objective, start);
        return solution.view(d + 1, k).div(rowScale).DetachFromDisposeScope();
    }

    static Tensor Logits(Tensor x, Tensor w) => x.mm(w.narrow(0, 0, w.shape[0] - 1)).add(w[-1]);

    /// <inheritdoc />
    protected override Tensor DecisionCore(Tensor features) => Logits(features, _weights!);

    private protected override JsonObject Settings() => new()
    {
        ["c"] = ResultFile.Number(C), ["cGrid"] = ResultFile.Numbers(CGrid), ["innerFolds"] = InnerFolds,
        ["classes"] = Classes, ["tolerance"] = Tolerance, ["maxIterations"] = MaxIterations, ["innerMaxIterations"] = InnerMaxIterations,
    };

    internal static LogisticRegressionProbe FromSettings(JsonObject s, int? pcaComponents, long seed) => new()
    {
        C = ResultFile.OptionalNumber(s["c"]), CGrid = ResultFile.Numbers(s["cGrid"]!), InnerFolds = (int)s["innerFolds"]!,
        Classes = (int?)s["classes"], Tolerance = (double)s["tolerance"]!, MaxIterations = (int)s["maxIterations"]!,
        InnerMaxIterations = (int)s["innerMaxIterations"]!, PcaComponents = pcaComponents, Seed = seed,
    };

    private protected override JsonObject FittedValues() => new()
    {
        ["chosenC"] = ResultFile.Number(ChosenC), ["cGridScores"] = ResultFile.Numbers(CGridScores),
        ["iterations"] = Optimisation.Iterations, ["evaluations"] = Optimisation.Evaluations, ["converged"] = Optimisation.Converged,
    };

    private protected override IEnumerable<(string, Tensor)> FittedTensors() => [("weights", _weights!)];

    private protected override void RestoreFitted(JsonObject values, Func<string, Tensor> tensor)
    {
        ChosenC = ResultFile.Number(values["chosenC"]!);
        CGridScores = ResultFile.Numbers(values["cGridScores"]!);
        Optimisation = ((int)values["iterations"]!, (int)values["evaluations"]!, (bool)values["converged"]!);
        _weights = tensor("weights");
    }

    /// <inheritdoc />
    protected override void ReleaseFitted()
    {
        _weights?.Dispose();
        _weights = null;
    }
}
