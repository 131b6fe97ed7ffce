using Phosphene.Probing;
using static TorchSharp.torch;

namespace Phosphene.Tests.Probing;

public class RidgeProbeTests
{
    static (Tensor X, Tensor Y) Linear(long n, long d, long t, double noise = 0.5, long seed = 0)
    {
        using var g = new Generator((ulong)seed);
        var x = randn(n, d, generator: g, dtype: ScalarType.Float64).add(0.3);
        var w = randn(d, t, generator: g, dtype: ScalarType.Float64);
        var y = x.mm(w).add(randn(n, t, generator: g, dtype: ScalarType.Float64).mul(noise)).add(2.0);
        return (x, y);
    }

    static Tensor ClosedForm(Tensor x, Tensor y, double alpha)
    {
        var xc = x.sub(x.mean([0]));
        var yc = y.sub(y.mean([0]));
        return linalg.solve(xc.t().mm(xc).add(eye(x.shape[1], dtype: ScalarType.Float64).mul(alpha)), xc.t().mm(yc));
    }

    [Theory]
    [InlineData(80, 12)]    // primal: N ≥ D
    [InlineData(30, 70)]    // dual: D > N
    public void MatchesTheClosedFormSolution(int n, int d)
    {
        using var scope = NewDisposeScope();
        var (x, y) = Linear(n, d, 3);
        using var probe = new RidgeProbe { Alpha = 2.5 };
        probe.Fit(x, y);
        var expected = ClosedForm(x, y, 2.5);
        Assert.True(probe.Coefficients!.sub(expected).abs().max().item<double>() < 1e-6);
        var intercept = y.mean([0]).sub(x.mean([0]).matmul(expected));
        Assert.True(probe.Intercept!.sub(intercept).abs().max().item<double>() < 1e-6);
    }

    [Theory]
    [InlineData(40, 8)]
    [InlineData(25, 60)]
    public void ChosenAlphaMatchesAnExhaustiveLeaveOneOutSearch(int n, int d)
    {
        using var scope = NewDisposeScope();
        var (x, y) = Linear(n, d, 2, noise: 2.0, seed: 5);
        var alphas = Enumerable.Range(0, 13).Select(i => Math.Pow(10, -2 + 0.5 * i)).ToArray();
        using var probe = new RidgeProbe { Alphas = alphas };
        probe.Fit(x, y);

        var exhaustive = new double[alphas.Length];
        for (int a = 0; a < alphas.Length; a++)
        {
            double sum = 0;
            for (int i = 0; i < n; i++)
            {
                var keep = tensor(Enumerable.Range(0, n).Where(j => j != i).Select(j => (long)j).ToArray());
                var (xk, yk) = (x.index_select(0, keep), y.index_select(0, keep));
                var w = ClosedForm(xk, yk, alphas[a]);
                var b = yk.mean([0]).sub(xk.mean([0]).matmul(w));
                sum += y[i].sub(x[i].matmul(w).add(b)).square().mean().item<double>();
            }
            exhaustive[a] = sum / n;
            Assert.Equal(exhaustive[a], probe.LeaveOneOutErrors[a], 1e-8);
        }
        Assert.Equal(alphas[Array.IndexOf(exhaustive, exhaustive.Min())], probe.ChosenAlpha);
    }

    [Fact]
    public void ScoresRSquaredOnHeldOutData()
    {
        using var scope = NewDisposeScope();
        var (x, y) = Linear(200, 10, 2, noise: 0.1);
        var folds = CrossValidation.KFold(200, 5);
        using var score = CrossValidation.Score(new RidgeProbe(), x, y, folds);
        Assert.True(score.Mean > 0.99, score.ToString());
        Assert.Equal(5, score.Probes.Count);
    }

    [Fact]
    public void KeepsTheHeldOutScoreOfEveryTarget()
    {
        using var scope = NewDisposeScope();
        var (x, y) = Linear(200, 10, 1, noise: 0.1);
        using var g = new Generator(9);
        var targets = cat([y, randn(200, 1, generator: g, dtype: ScalarType.Float64)], 1);   // predictable, then pure noise
        var folds = CrossValidation.KFold(200, 4);
        foreach (var metric in new[] { ProbeMetric.R2, ProbeMetric.Pearson })
        {
            using var score = CrossValidation.Score(new RidgeProbe(), x, targets, folds, metric);
            Assert.Equal(2, score.PerTarget.Count);
            Assert.True(score.PerTarget[0] > 0.99, $"{metric} of the linear target: {score.PerTarget[0]}");
            Assert.InRange(score.PerTarget[1], -0.3, 0.2);
            Assert.Equal(score.Mean, score.PerTarget.Average(), 12);
            // Each fold's score is the mean over targets of that fold's per-target score.
            var train = tensor(folds[0].Train);
            var test = tensor(folds[0].Test);
            using var fold = new RidgeProbe().Fit(x.index_select(0, train), targets.index_select(0, train));
            var expected = metric == ProbeMetric.R2
                ? ProbeMetrics.R2(targets.index_select(0, test), fold.Predict(x.index_select(0, test)))
                : ProbeMetrics.Pearson(targets.index_select(0, test), fold.Predict(x.index_select(0, test)));
            Assert.Equal(expected.Average(), score.FoldScores[0], 12);
        }
        using var accuracy = CrossValidation.Score(new LogisticRegressionProbe(), x, x[.., 0].gt(0.3).to(ScalarType.Int64), folds);
        Assert.Empty(accuracy.PerTarget);
    }
}
