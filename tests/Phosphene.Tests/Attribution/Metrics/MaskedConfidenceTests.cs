using Phosphene.Attribution.Metrics;
using static TorchSharp.torch;

namespace Phosphene.Tests.Attribution.Metrics;

public class MaskedConfidenceTests
{
    static double Sigmoid(double z) => 1 / (1 + Math.Exp(-z));

    // logits = [Σ x, 0]: the probability of class 0 is σ(Σ x).
    static LinearClassifier SumModel() => new(stack([ones(4), zeros(4)]));

    // Example 0: x = 1 everywhere (Y = σ(4)); map [1, 0, 0, 0.5] keeps 1.5 of it (O = σ(1.5)): a drop.
    // Example 1: x = [−1, −1, 1, 1] (Y = σ(0) = ½); map [0, 0, 1, 1] keeps only the positive pixels (O = σ(2)): a gain.
    static (Tensor X, Tensor Y, Tensor Maps) Cases() => (
        tensor(new float[] { 1, 1, 1, 1, -1, -1, 1, 1 }).view(2, 1, 2, 2),
        zeros(2, ScalarType.Int64),
        tensor(new float[] { 1, 0, 0, 0.5f, 0, 0, 1, 1 }).view(2, 2, 2));

    [Fact]
    public void AverageDropIncreaseAndGainMatchTheHandComputedValues()
    {
        using var model = SumModel();
        var (x, y, maps) = Cases();
        using (x) using (y) using (maps)
        {
            double drop0 = 100 * (Sigmoid(4) - Sigmoid(1.5)) / Sigmoid(4);
            double gain1 = 100 * (Sigmoid(2) - 0.5) / 0.5;

            var drop = new AverageDrop().Evaluate(model, x, y, maps);
            var increase = new AverageIncrease().Evaluate(model, x, y, maps);
            var gain = new AverageGain().Evaluate(model, x, y, maps);

            Assert.Equal(drop0, drop.PerExample[0], 4);
            Assert.Equal(0, drop.PerExample[1], 6);
            Assert.Equal(drop0 / 2, drop.Score, 4);
            Assert.Equal(new[] { 0.0, 100.0 }, increase.PerExample);
            Assert.Equal(50, increase.Score);
            Assert.Equal(0, gain.PerExample[0], 6);
            Assert.Equal(gain1, gain.PerExample[1], 4);
            Assert.Equal(gain1 / 2, gain.Score, 4);
            Assert.False(drop.HigherIsBetter);
            Assert.True(increase.HigherIsBetter);
            Assert.True(gain.HigherIsBetter);
        }
    }
}
