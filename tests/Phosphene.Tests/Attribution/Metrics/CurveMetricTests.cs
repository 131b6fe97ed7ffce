using Phosphene.Attribution;
using Phosphene.Attribution.Metrics;
using static TorchSharp.torch;

namespace Phosphene.Tests.Attribution.Metrics;

public class CurveMetricTests
{
    [Fact]
    public void DeletionCurveOfAConstantLinearModelFallsLinearlyAndHasAreaOneHalfOfTheStart()
    {
        // logit = Σ x over 10×10 ones: deleting k/10 of the pixels leaves 100 − 10k; AUC = ∫ 100(1 − t) dt = 50.
        using var model = new LinearClassifier(ones(2, 100) * tensor(new float[] { 1, 0 }).unsqueeze(1));
        using var x = ones(1, 1, 10, 10);
        using var y = zeros(1, ScalarType.Int64);
        using var map = ones(1, 10, 10);

        var result = new Deletion { Steps = 10, Head = OutputHead.Logit }.Evaluate(model, x, y, map);

        Assert.Equal(Enumerable.Range(0, 11).Select(k => k / 10.0), result.Fractions);
        Assert.Equal(Enumerable.Range(0, 11).Select(k => 100.0 - 10 * k), result.Curves[0].Select(v => Math.Round(v, 4)));
        Assert.Equal(50.0, result.Score, 4);
        Assert.False(result.HigherIsBetter);
    }

    [Fact]
    public void DeletionRemovesTheHighestRankedPixelsFirst()
    {
        // Weights 1..16 on a 4×4 image of ones; the map ranks pixel i by w_i, so step k removes the k largest weights.
        var w = arange(1, 17, ScalarType.Float32);
        using var model = new LinearClassifier(stack([w, zeros(16)]));
        using var x = ones(1, 1, 4, 4);
        using var y = zeros(1, ScalarType.Int64);
        using var map = w.view(1, 4, 4);

        var result = new Deletion { Steps = 16, Head = OutputHead.Logit }.Evaluate(model, x, y, map);
        var insertion = new Insertion { Steps = 16, Head = OutputHead.Logit }.Evaluate(model, x, y, map);

        // After k deletions: 136 − (16 + 15 + … + (17 − k)) = 136 − 16k + k(k − 1)/2.
        var expected = Enumerable.Range(0, 17).Select(k => 136.0 - 16 * k + k * (k - 1) / 2.0).ToArray();
        Assert.Equal(expected, result.Curves[0].Select(v => Math.Round(v, 3)));
        // Inserting the same order restores exactly what deletion removed.
        Assert.Equal(expected.Select(v => 136 - v), insertion.Curves[0].Select(v => Math.Round(v, 3)));
        double area = 0;
        for (int k = 0; k < 16; k++) area += (expected[k] + expected[k + 1]) / 2 / 16;
        Assert.Equal(area, result.Score, 3);
        Assert.Equal(136 - area, insertion.Score, 3);
    }

    [Fact]
    public void TheTrueMapOfALinearModelBeatsARandomMapOnDeletionAndInsertion()
    {
        using var generator = new Generator(3);
        var w = randn(2, 64, generator: generator);
        using var model = new LinearClassifier(w * 0.5f);
        using var x = rand(16, 1, 8, 8, generator: generator);
        using var y = zeros(16, ScalarType.Int64);
        using var truth = (x.flatten(1) * model.Weight[0].detach()).view(16, 8, 8);   // w₀ ⊙ x
        using var random = rand(16, 8, 8, generator: generator);

        double deletionTrue = new Deletion().Evaluate(model, x, y, truth).Score;
        double deletionRandom = new Deletion().Evaluate(model, x, y, random).Score;
        double insertionTrue = new Insertion().Evaluate(model, x, y, truth).Score;
        double insertionRandom = new Insertion().Evaluate(model, x, y, random).Score;

        Assert.True(deletionTrue < deletionRandom - 0.1, $"deletion: true {deletionTrue:F3}, random {deletionRandom:F3}");
        Assert.True(insertionTrue > insertionRandom + 0.1, $"insertion: true {insertionTrue:F3}, random {insertionRandom:F3}");
    }

    [Fact]
    public void BaselineImagesReplaceTheConstantBaseline()
    {
        using var model = new LinearClassifier(ones(2, 4) * tensor(new float[] { 1, 0 }).unsqueeze(1));
        using var x = ones(1, 1, 2, 2);
        using var y = zeros(1, ScalarType.Int64);
        using var map = tensor(new float[] { 4, 3, 2, 1 }).view(1, 2, 2);
        using var blurred = full(1, 1, 2, 2, 0.5f);

        var result = new Deletion { Steps = 4, Head = OutputHead.Logit, BaselineInputs = blurred }.Evaluate(model, x, y, map);

        Assert.Equal(new[] { 4.0, 3.5, 3.0, 2.5, 2.0 }, result.Curves[0].Select(v => Math.Round(v, 5)));
    }

    [Fact]
    public void CurvesAreBatchedWithoutChangingTheResult()
    {
        using var generator = new Generator(1);
        using var model = new LinearClassifier(randn(3, 36, generator: generator));
        using var x = rand(5, 1, 6, 6, generator: generator);
        using var y = tensor(new long[] { 0, 1, 2, 0, 1 });
        using var map = rand(5, 6, 6, generator: generator);

        var small = new Deletion { BatchSize = 3 }.Evaluate(model, x, y, map);
        var large = new Deletion { BatchSize = 500 }.Evaluate(model, x, y, map);

        Assert.Equal(large.PerExample.Select(v => Math.Round(v, 5)), small.PerExample.Select(v => Math.Round(v, 5)));
    }
}
