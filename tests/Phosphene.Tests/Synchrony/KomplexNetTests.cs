using Phosphene.Data;
using Phosphene.Models;
using Phosphene.Synchrony;
using TorchSharp;
using static TorchSharp.torch;

namespace Phosphene.Tests.Synchrony;

public class KomplexNetTests
{
    [Fact]
    public void AlignedPhasesAddAndOpposedPhasesCancel()
    {
        using var scope = NewDisposeScope();
        using var sum = nn.Conv2d(2, 1, 1, bias: false);
        using (no_grad()) sum.weight!.fill_(1f);
        var zero = zeros(1, 1, 1);
        // Two unit inputs at phase 0.7 and 0.7 (aligned) or 0.7 and 0.7 + π (opposed).
        Tensor Magnitude(double second)
        {
            var phases = tensor(new[] { 0.7f, (float)second }).view(1, 2, 1, 1);
            var (re, im) = KomplexNet.ComplexLayer(phases.cos(), phases.sin(), sum, zero);
            return KomplexNet.Magnitude(re, im);
        }
        Assert.Equal(2f, Magnitude(0.7).item<float>(), 4);
        Assert.Equal(0f, Magnitude(0.7 + Math.PI).item<float>(), 3);
        Assert.Equal((float)(2 * Math.Cos(Math.PI / 4)), Magnitude(0.7 + Math.PI / 2).item<float>(), 4);
    }

    static (Tensor Image, Tensor Masks) OneObject()
    {
        var image = zeros(1, 1, 16, 16);
        image[0, 0, 4..12, 4..12] = tensor(1f);
        var masks = zeros(1, 2, 16, 16);
        masks[0, 0, 4..12, 4..12] = tensor(1f);
        masks[0, 1, 0..2, 0..2] = tensor(1f);
        return (image, masks);
    }

    [Fact]
    public void KuramotoStepsSynchroniseAnObjectThatRandomPhasesDoNot()
    {
        using var scope = NewDisposeScope();
        var (image, masks) = OneObject();
        var options = new KomplexNetOptions { Channels = 4, Classes = 3, KuramotoSteps = 60, StepSize = 2.0 };
        using var kuramoto = new KomplexNet(options, seed: 1);
        using var random = new KomplexNet(options with { Variant = KomplexVariant.ComplexWithoutKuramoto }, seed: 1);
        using (no_grad())
        {
            var (synced, _) = KomplexNet.ObjectSynchrony(kuramoto.Run(image), masks);
            var (unsynced, _) = KomplexNet.ObjectSynchrony(random.Run(image), masks);
            Assert.True(synced[0, 0].item<float>() > 0.9, $"coherence with Kuramoto {synced[0, 0].item<float>()}");
            Assert.True(unsynced[0, 0].item<float>() < 0.5, $"coherence without {unsynced[0, 0].item<float>()}");
        }
    }

    [Fact]
    public void EveryVariantGivesLogitsAndTheRealBaselineHasNoPhases()
    {
        using var scope = NewDisposeScope();
        var (image, masks) = OneObject();
        foreach (var variant in Enum.GetValues<KomplexVariant>())
        {
            using var net = new KomplexNet(new KomplexNetOptions { Variant = variant, Channels = 4, Classes = 5, KuramotoSteps = 2 });
            var output = net.Run(image.repeat(3, 1, 1, 1));
            Assert.Equal(new long[] { 3, 5 }, output.Logits.shape);
            Assert.Equal(new long[] { 3, 4, 8, 8 }, output.Phases.shape);
            if (variant == KomplexVariant.Real) Assert.Equal(0f, output.Phases.abs().sum().item<float>());
        }
        using var any = new KomplexNet(new KomplexNetOptions { Channels = 4, Classes = 5 });
        Assert.Equal("KomplexNet takes float32 B×1×H×W images, got Float32 [16, 16]",
            Assert.Throws<PhospheneException>(() => any.Run(image[0, 0])).Message);
        Assert.Equal("object masks must be B×2×S×S for the 1 images, got [1, 16, 16]",
            Assert.Throws<PhospheneException>(() => KomplexNet.ObjectSynchrony(any.Run(image), masks[.., 0])).Message);
    }

    [Fact]
    public void TrainingOnOverlappingFashionMnistLowersTheLoss()
    {
        using var train = Datasets.FashionMnist(DatasetSplit.Test);
        using var subset = train.Slice(0, 400);
        using var data = OverlappingObjects.Generate(subset, 96, overlap: 0.3, canvas: 42, seed: 2);
        using var net = new KomplexNet(new KomplexNetOptions { Channels = 6, KuramotoSteps = 2 }, seed: 3);
        var losses = KomplexNetTrainer.Train(net, data, new TrainingOptions { Epochs = 3, BatchSize = 32, LearningRate = 3e-3, Seed = 1 });
        Assert.Equal(3, losses.Count);
        Assert.True(losses[^1] < losses[0], $"losses {string.Join(", ", losses)}");
        Assert.InRange(KomplexNetTrainer.Accuracy(net, data), 0, 1);
    }
}
