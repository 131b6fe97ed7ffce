using Phosphene.Probing;
using static TorchSharp.torch;

namespace Phosphene.Tests.Probing;

public class LogisticRegressionProbeTests
{
    /// <summary>Four overlapping Gaussian classes in 20 dimensions (not separable, so the optimum is finite and unique).</summary>
    internal static (Tensor X, Tensor Y) Blobs(long n, long d = 20, int classes = 4, double spread = 1.5, long seed = 0)
    {
        using var g = new Generator((ulong)seed);
        var centres = randn(classes, d, generator: g, dtype: ScalarType.Float64);
        var y = randint(0, classes, [n], generator: g);
        var x = centres.index_select(0, y).add(randn(n, d, generator: g, dtype: ScalarType.Float64).mul(spread));
        return (x.to(ScalarType.Float32), y);
    }

    [Fact]
    public void MatchesScikitLearnAccuracyAndLogLoss()
    {
        using var scope = NewDisposeScope();
        var (x, y) = Blobs(400);
        var (xTest, yTest) = Blobs(200, seed: 1);
        using var probe = new LogisticRegressionProbe { C = 0.05, Tolerance = 1e-10 };
        probe.Fit(x, y);
        Assert.True(probe.Optimisation.Converged);
        var reference = PythonReference.RunJson("""
            from sklearn.linear_model import LogisticRegression
            from sklearn.metrics import log_loss, accuracy_score
            m = LogisticRegression(C=0.05, multi_class="multinomial", solver="lbfgs", tol=1e-10, max_iter=10000).fit(x, y)
            out = {"train_acc": accuracy_score(y, m.predict(x)), "train_loss": log_loss(y, m.predict_proba(x)),
                   "test_acc": accuracy_score(yt, m.predict(xt)), "test_loss": log_loss(yt, m.predict_proba(xt)),
                   "coef00": m.coef_[0, 0]}
            """, ("x", x), ("y", y), ("xt", xTest), ("yt", yTest));
        Assert.Equal(reference.GetProperty("train_acc").GetDouble(), probe.Score(x, y), 1e-3);
        Assert.Equal(reference.GetProperty("test_acc").GetDouble(), probe.Score(xTest, yTest), 1e-3);
        Assert.Equal(reference.GetProperty("train_loss").GetDouble(), probe.LogLoss(x, y), 1e-3);
        Assert.Equal(reference.GetProperty("test_loss").GetDouble(), probe.LogLoss(xTest, yTest), 1e-3);
        // scikit-learn's multinomial coefficients are centred over classes; compare after the same centring.
        var coef = probe.Coefficients!;
        double centred = coef[0, 0].item<double>() - coef[0].mean().item<double>();
        Assert.Equal(reference.GetProperty("coef00").GetDouble(), centred, 1e-3);
    }

    [Fact]
    public void AutoCPicksFromTheGridByInnerCrossValidation()
    {
        using var scope = NewDisposeScope();
        var (x, y) = Blobs(300);
        using var probe = new LogisticRegressionProbe { C = null, CGrid = [1e-4, 1e-2, 1] };
        probe.Fit(x, y);
        Assert.Equal(3, probe.CGridScores.Count);
        Assert.Contains(probe.ChosenC, probe.CGrid);
        // 1e-4 shrinks every weight to almost zero, so it cannot beat the others on these separable-ish blobs.
        Assert.True(probe.CGridScores[0] < probe.CGridScores.Max());
        Assert.NotEqual(1e-4, probe.ChosenC);
    }

    [Fact]
    public void ShuffledLabelsScoreAtChance()
    {
        using var scope = NewDisposeScope();
        var (x, y) = Blobs(400, classes: 4, spread: 0.8);
        var probe = new LogisticRegressionProbe { C = 1 };
        var folds = CrossValidation.StratifiedKFold(y, 5);
        using var real = CrossValidation.Score(probe, x, y, folds);
        var nullScores = CrossValidation.PermutationNull(probe, x, y, folds, permutations: 10, seed: 3);
        Assert.True(real.Mean > 0.8, $"real accuracy {real.Mean}");
        Assert.Equal(0.25, nullScores.Average(), 0.04);
        Assert.Equal(nullScores, CrossValidation.PermutationNull(probe, x, y, folds, permutations: 10, seed: 3));
    }

    [Fact]
    public void BadInputIsAClearError()
    {
        using var scope = NewDisposeScope();
        var (x, y) = Blobs(50);
        using var probe = new LogisticRegressionProbe();
        var e = Assert.Throws<PhospheneException>(() => probe.Fit(x, y.narrow(0, 0, 40)));
        Assert.Equal("probe 'logistic': features have 50 rows but targets have 40; pass one target row per example", e.Message);
        e = Assert.Throws<PhospheneException>(() => probe.Predict(x));
        Assert.Equal("probe 'logistic' is not fitted; call Fit(features, targets) first", e.Message);
        probe.Fit(x, y);
        e = Assert.Throws<PhospheneException>(() => probe.Predict(x.narrow(1, 0, 5)));
        Assert.Equal("probe 'logistic' was fitted on 20 features but got 5; pass features from the same layer and pooling as the fit", e.Message);
        e = Assert.Throws<PhospheneException>(() => probe.Fit(x, y.to(ScalarType.Float32)));
        Assert.Equal("probe 'logistic' is a classifier and expects int64 labels N, got Float32 [50]", e.Message);
    }
}
