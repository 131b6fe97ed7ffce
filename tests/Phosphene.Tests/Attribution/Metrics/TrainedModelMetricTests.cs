using Phosphene.Attribution;
using Phosphene.Attribution.Metrics;
using Phosphene.Data;
using Phosphene.Models;
using static TorchSharp.torch;

namespace Phosphene.Tests.Attribution.Metrics;

/// <summary>Metrics on a narrow CNN trained for two epochs on 1024 Fashion-MNIST images (a few seconds).</summary>
public class TrainedModelMetricTests : IClassFixture<TrainedModelMetricTests.TinyCnn>
{
    public sealed class TinyCnn : IDisposable
    {
        public ZooModel Model { get; }
        public Tensor X { get; }
        public Tensor Y { get; }

        public TinyCnn()
        {
            using var train = Datasets.FashionMnist(DatasetSplit.Train);
            using var test = Datasets.FashionMnist(DatasetSplit.Test);
            using var subset = train.Slice(0, 1024);
            Model = ModelZoo.Create("cnn", new SmallCnnHyperparameters { Conv1Channels = 8, Conv2Channels = 16, HiddenUnits = 32 }, seed: 1);
            Trainer.Train(Model, subset, new TrainingOptions { Epochs = 2, BatchSize = 64, Seed = 1 });
            X = test.Images.narrow(0, 0, 16).clone();
            Y = test.Labels.narrow(0, 0, 16).clone();
        }

        public void Dispose()
        {
            Model.Dispose();
            X.Dispose();
            Y.Dispose();
        }
    }

    readonly TinyCnn _cnn;

    public TrainedModelMetricTests(TinyCnn cnn) => this._cnn = cnn;

    [Fact]
    public void GradientTimesInputBeatsARandomMapOnDeletionAndInsertion()
    {
        using var map = TestExplainers.GradientTimesInput(_cnn.Model, _cnn.X, _cnn.Y);
        using var random = rand(16, 28, 28, generator: new Generator(2));

        double deletionTrue = new Deletion().Evaluate(_cnn.Model, _cnn.X, _cnn.Y, map).Score;
        double deletionRandom = new Deletion().Evaluate(_cnn.Model, _cnn.X, _cnn.Y, random).Score;
        double insertionTrue = new Insertion().Evaluate(_cnn.Model, _cnn.X, _cnn.Y, map).Score;
        double insertionRandom = new Insertion().Evaluate(_cnn.Model, _cnn.X, _cnn.Y, random).Score;

        Assert.True(deletionTrue < deletionRandom, $"deletion: gradient×input {deletionTrue:F3}, random {deletionRandom:F3}");
        Assert.True(insertionTrue > insertionRandom, $"insertion: gradient×input {insertionTrue:F3}, random {insertionRandom:F3}");
    }

    [Fact]
    public void AMapThatIgnoresTheModelPassesRandomisationUnchangedAndGradientsFall()
    {
        using var before = _cnn.Model.call(_cnn.X);
        using var intensity = TestExplainers.InputIntensity(_cnn.Model, _cnn.X, _cnn.Y);
        using var saliency = TestExplainers.Saliency(_cnn.Model, _cnn.X, _cnn.Y);

        var ignoring = new ModelRandomisation().Evaluate(_cnn.Model, _cnn.X, _cnn.Y, intensity, TestExplainers.InputIntensity);
        var gradient = new ModelRandomisation().Evaluate(_cnn.Model, _cnn.X, _cnn.Y, saliency, TestExplainers.Saliency);
        using var after = _cnn.Model.call(_cnn.X);

        // Layers with parameters, output side first.
        Assert.Equal(["classifier.3", "classifier.0", "features.5", "features.4", "features.1", "features.0"], gradient.Layers);
        Assert.All(ignoring.SpearmanAbsolute, r => Assert.Equal(1, r, 9));
        Assert.All(ignoring.Ssim, s => Assert.Equal(1, s, 6));
        Assert.Equal(1, ignoring.Score, 9);
        // Once every layer is random, the saliency map no longer ranks pixels as the trained model's did.
        Assert.True(gradient.SpearmanAbsolute[^1] < 0.5, $"final |Spearman| {gradient.SpearmanAbsolute[^1]:F3}");
        Assert.True(gradient.Score < 0.8, $"mean |Spearman| {gradient.Score:F3}");
        // The trained weights are back.
        Assert.Equal(before.data<float>().ToArray(), after.data<float>().ToArray());
    }

    [Fact]
    public void IndependentRandomisationOfNamedLayersAndUnknownLayerSuggestion()
    {
        using var saliency = TestExplainers.Saliency(_cnn.Model, _cnn.X, _cnn.Y);
        var result = new ModelRandomisation { Mode = RandomisationMode.Independent, Layers = ["classifier.3", "features.0"] }
            .Evaluate(_cnn.Model, _cnn.X, _cnn.Y, saliency, TestExplainers.Saliency);
        Assert.Equal(2, result.Spearman.Count);
        Assert.All(result.SpearmanAbsolute, r => Assert.InRange(r, -1, 0.99));

        var e = Assert.Throws<PhospheneException>(() =>
            new ModelRandomisation { Layers = ["features.O"] }.Evaluate(_cnn.Model, _cnn.X, _cnn.Y, saliency, TestExplainers.Saliency));
        Assert.StartsWith("randomisation: unknown layer 'features.O'; did you mean 'features.0'?", e.Message);
    }

    [Fact]
    public void RandomLogitSeparatesClassSensitiveFromClassBlindMaps()
    {
        using var intensity = TestExplainers.InputIntensity(_cnn.Model, _cnn.X, _cnn.Y);
        using var gradient = TestExplainers.Gradient(_cnn.Model, _cnn.X, _cnn.Y);

        var blind = new RandomLogit().Evaluate(_cnn.Model, _cnn.X, _cnn.Y, intensity, TestExplainers.InputIntensity);
        var sensitive = new RandomLogit().Evaluate(_cnn.Model, _cnn.X, _cnn.Y, gradient, TestExplainers.Gradient);

        Assert.All(blind.PerExample, s => Assert.Equal(1, s, 6));
        Assert.True(sensitive.Score < 0.7, $"gradient SSIM {sensitive.Score:F3}");
        Assert.False(sensitive.HigherIsBetter);
    }

    [Fact]
    public void TheCutoffSearchOfSaliencyAgreesWithTheForGradMethodAtTheChosenSigma()
    {
        var saliency = new Saliency();
        var result = new ForGradCutoffSearch { UseCache = false, Sigmas = [2, 4, 8, 20] }.Search(_cnn.Model, saliency, _cnn.X, _cnn.Y);

        Assert.Equal("saliency", result.Method);
        Assert.Equal([2.0, 4, 8, 20], result.Sigmas);
        Assert.Contains(result.BestSigma, result.Sigmas);
        Assert.Equal(result.Scores.Max(), result.BestScore);
        using var filtered = new ForGrad(saliency, result.BestSigma).Attribute(_cnn.Model, _cnn.X, _cnn.Y);
        Assert.Equal(result.BestScore, new MuFidelity().Evaluate(_cnn.Model, _cnn.X, _cnn.Y, filtered).Score, 9);
        Assert.Same(saliency.AsFunction(), saliency.AsFunction());
    }
}
