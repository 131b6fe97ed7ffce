using Phosphene.Attribution.Metrics;
using Phosphene.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Phosphene.Tests.Attribution.Metrics;

public class AlgorithmicStabilityTests
{
    // Two models, two examples (example 0 in split 0, example 1 in split 1), maps of 4 pixels.
    // Example 0: maps [1,2,3,4] and [1,3,2,4]: Σd² = 2, ρ = 1 − 6·2/60 = 0.8, distance √0.2; both models right → S⁼.
    // Example 1: maps [1,2,3,4] and [2,1,4,3]: Σd² = 4, ρ = 0.6, distance √0.4; only model 0 right → S≠.
    static AlgorithmicStabilityResult Compute(float[] model1Example1)
    {
        using var maps = tensor(new float[] { 1, 2, 3, 4, 1, 2, 3, 4, 1, 3, 2, 4 }.Concat(model1Example1).ToArray()).view(2, 2, 2, 2);
        using var predictions = tensor(new long[] { 5, 6, 5, 0 }).view(2, 2);
        using var labels = tensor(new long[] { 5, 6 });
        return AlgorithmicStability.Compute(maps, predictions, labels, [0, 1]);
    }

    [Fact]
    public void MeGeAndReCoFromHandMadeMaps()
    {
        var result = Compute([2, 1, 4, 3]);
        Assert.Single(result.EqualDistances);
        Assert.Equal(Math.Sqrt(0.2), result.EqualDistances[0], 9);
        Assert.Single(result.DifferentDistances);
        Assert.Equal(Math.Sqrt(0.4), result.DifferentDistances[0], 9);
        Assert.Equal(1 / (1 + Math.Sqrt(0.2)), result.MeGe, 9);
        Assert.Equal(1, result.ReCo, 12);        // S⁼ below S≠: a threshold separates them perfectly
    }

    [Fact]
    public void ReCoIsZeroWhenAgreeingModelsExplainLessAlikeThanDisagreeingOnes()
    {
        // Model 1's map of example 1 equals model 0's: distance 0 in S≠, below S⁼'s √0.2.
        var result = Compute([1, 2, 3, 4]);
        Assert.Equal(0, result.DifferentDistances[0], 9);
        Assert.Equal(0, result.ReCo, 12);
        Assert.Equal(0.5, AlgorithmicStability.ReCo([0.1, 0.5], [0.3, 0.6]), 12);
    }

    // A nearest-class-mean linear classifier: weights = the class means of the training images. Fast and deterministic.
    static nn.Module<Tensor, Tensor> ClassMeans(ImageDataset train, ImageDataset heldOut, int split)
    {
        using var scope = NewDisposeScope();
        var flat = train.Images.flatten(1);
        var onehot = nn.functional.one_hot(train.Labels, 10).to_type(ScalarType.Float32);
        var means = onehot.t().matmul(flat) / onehot.sum([0]).clamp_min(1).unsqueeze(1);
        var bias = -0.5f * (means * means).sum([1]);
        return new LinearClassifier(means, bias);
    }

    [Fact]
    public void SplitModelsTrainedWithADelegateGiveAHighMeGeForTheirGradientAndALowOneForNoise()
    {
        using var all = Datasets.FashionMnist(DatasetSplit.Test);
        using var data = all.Slice(0, 400);
        using var splits = SplitModels.Train(data, k: 4, trainer: ClassMeans);
        using var generator = new Generator(9);
        AttributionFunction noise = (model, inputs, targets) => rand(inputs.shape[0], 28, 28, generator: generator);

        var gradient = splits.Evaluate(TestExplainers.Gradient);
        var random = splits.Evaluate(noise);

        Assert.Equal(4, splits.K);
        Assert.Equal([0, 0, 1, 3], new[] { splits.Split[0], splits.Split[99], splits.Split[100], splits.Split[399] });
        // Class means of 300-image training sets sharing 200 images: nearly the same gradient everywhere.
        Assert.True(gradient.MeGe > 0.8, $"gradient MeGe {gradient.MeGe:F3}");
        Assert.True(random.MeGe < 0.55, $"noise MeGe {random.MeGe:F3}");
        Assert.NotEmpty(gradient.DifferentDistances);

        // The registry's metrics share the run and report the same numbers.
        var settings = new MetricSettings { Splits = splits };
        using var x = data.Images.narrow(0, 2, 2);
        using var y = data.Labels.narrow(0, 2, 2);
        using var maps = zeros(2, 28, 28);
        var mege = AttributionMetrics.Create("mege", settings).Evaluate(splits.Models[0], x, y, maps, TestExplainers.Gradient);
        var reco = AttributionMetrics.Create("reco", settings).Evaluate(splits.Models[0], x, y, maps, TestExplainers.Gradient);
        Assert.Equal(gradient.MeGe, mege.Score);
        Assert.Equal(gradient.ReCo, reco.Score);
    }
}
