using Phosphene.Attribution.Metrics;
using static TorchSharp.torch;

namespace Phosphene.Tests.Attribution.Metrics;

public class MuFidelityTests
{
    static (LinearClassifier Model, Tensor X, Tensor Y, Tensor Truth) Linear()
    {
        using var generator = new Generator(7);
        var model = new LinearClassifier(randn(2, 18 * 18, generator: generator));
        var x = rand(6, 1, 18, 18, generator: generator);
        var y = zeros(6, ScalarType.Int64);
        var truth = (x.flatten(1) * model.Weight[0].detach()).view(6, 18, 18);
        return (model, x, y, truth);
    }

    [Theory]
    [InlineData(CorrelationKind.Spearman)]
    [InlineData(CorrelationKind.Pearson)]
    public void TheExactLinearAttributionHasFidelityOne(CorrelationKind correlation)
    {
        var (model, x, y, truth) = Linear();
        using (model) using (x) using (y) using (truth)
        {
            // Removing S drops the logit by exactly Σ_S w ⊙ x: sums and drops are equal.
            var result = new MuFidelity { Correlation = correlation }.Evaluate(model, x, y, truth);
            Assert.All(result.PerExample, r => Assert.True(r > 0.9999, $"correlation {r}"));
            Assert.True(result.HigherIsBetter);
        }
    }

    [Fact]
    public void ARandomMapHasFidelityNearZero()
    {
        var (model, x, y, truth) = Linear();
        using (model) using (x) using (y) using (truth)
        using (var random = randn(6, 18, 18, generator: new Generator(11)))
        {
            var result = new MuFidelity().Evaluate(model, x, y, random);
            Assert.True(Math.Abs(result.Score) < 0.1, $"mean correlation {result.Score}");
            Assert.All(result.PerExample, r => Assert.True(Math.Abs(r) < 0.3, $"correlation {r}"));
        }
    }

    [Fact]
    public void SameSeedSameScoreAndOtherSeedOtherSubsets()
    {
        var (model, x, y, truth) = Linear();
        using (model) using (x) using (y) using (truth)
        using (var noisy = truth + randn(6, 18, 18, generator: new Generator(2)) * 0.05f)
        {
            var a = new MuFidelity { Seed = 4 }.Evaluate(model, x, y, noisy);
            var b = new MuFidelity { Seed = 4, BatchSize = 7 }.Evaluate(model, x, y, noisy);
            var c = new MuFidelity { Seed = 5 }.Evaluate(model, x, y, noisy);
            Assert.Equal(a.PerExample.Select(v => Math.Round(v, 9)), b.PerExample.Select(v => Math.Round(v, 9)));
            Assert.NotEqual(a.PerExample, c.PerExample);
        }
    }

    [Fact]
    public void EvaluateEachSharesTheForwardPassesAndGivesTheSameScores()
    {
        var (model, x, y, truth) = Linear();
        using (model) using (x) using (y) using (truth)
        using (var random = randn(6, 18, 18, generator: new Generator(11)))
        {
            var metric = new MuFidelity { Samples = 50 };
            var each = metric.EvaluateEach(model, x, y, [truth, random]);
            Assert.Equal(metric.Evaluate(model, x, y, truth).PerExample, each[0].PerExample);
            Assert.Equal(metric.Evaluate(model, x, y, random).PerExample, each[1].PerExample);
            var deletion = new Deletion().EvaluateEach(model, x, y, [truth, random]);
            Assert.Equal(new Deletion().Evaluate(model, x, y, random).Score, deletion[1].Score);
        }
    }
}
