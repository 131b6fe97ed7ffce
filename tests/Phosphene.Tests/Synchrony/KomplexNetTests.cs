using Phosphene.Data;
using Phosphene.Models;
using Phosphene.Tests.Data;
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
        // Two unit inputs at phase 0.7 and 0.7 (aligned) or 0.7 and 0.7 + π (opposed): the magnitude is
        // ½|u| (synchrony: 2, 0 or 2 cos(π/4)) + ½ W⋆|z| (classic: always 2); the phase is that of u.
        (float Magnitude, float Phase) Layer(double second)
        {
            var phases = tensor(new[] { 0.7f, (float)second }).view(1, 2, 1, 1);
            var (re, im, magnitude) = KomplexNet.ComplexLayer(phases.cos(), phases.sin(), ones(1, 2, 1, 1), sum, zero);
            return (magnitude.item<float>(), atan2(im, re).item<float>());
        }
        Assert.Equal(2f, Layer(0.7).Magnitude, 4);
        Assert.Equal(0.7f, Layer(0.7).Phase, 4);
        // Where u does not vanish, the output's own magnitude is m.
        using (var phases = tensor(new[] { 0.7f, 0.7f + (float)Math.PI / 2 }).view(1, 2, 1, 1))
        {
            var (re, im, magnitude) = KomplexNet.ComplexLayer(phases.cos(), phases.sin(), ones(1, 2, 1, 1), sum, zero);
            Assert.Equal(magnitude.item<float>(), KomplexNet.Magnitude(re, im).item<float>(), 4);
        }
        Assert.Equal(1f, Layer(0.7 + Math.PI).Magnitude, 3);
        Assert.Equal((float)(Math.Cos(Math.PI / 4) + 1), Layer(0.7 + Math.PI / 2).Magnitude, 4);
        Assert.Equal((float)(0.7 + Math.PI / 4), Layer(0.7 + Math.PI / 2).Phase, 4);
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

    // An image of two white squares (top, left, side) on a side×side canvas and each square's mask.
    static (Tensor Image, Tensor Masks) TwoSquares(int side, (int Top, int Left, int Side) first, (int Top, int Left, int Side) second)
    {
        var image = zeros(1, 1, side, side);
        var masks = zeros(1, 2, side, side);
        foreach (var (square, index) in new[] { (first, 0), (second, 1) })
        {
            masks[0, index].narrow(0, square.Top, square.Side).narrow(1, square.Left, square.Side).fill_(1f);
            image[0, 0].narrow(0, square.Top, square.Side).narrow(1, square.Left, square.Side).fill_(1f);
        }
        return (image, masks);
    }

    [Fact]
    public void LocalCouplingSynchronisesAnObjectThatRandomPhasesDoNot()
    {
        using var scope = NewDisposeScope();
        var (image, masks) = OneObject();
        // Local coupling alone (a lone object's own mean field is all the inhibition would push against).
        var options = new KomplexNetOptions { Channels = 4, Classes = 3, KuramotoSteps = 60, StepSize = 2.0, GlobalInhibition = 0 };
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
    public void LocalPullAndGlobalInhibitionPutTwoDistantObjectsApart()
    {
        using var scope = NewDisposeScope();
        // Two 6×6 squares in opposite corners of a 32×32 image, farther apart (on the 16×16 layer) than the 5×5
        // coupling reaches: each locks through the local kernel, and the inhibition drives the two groups apart. Without
        // it each locks to its own random phase: distance π/2 on average. 16 copies, each from other random phases.
        var (image, masks) = TwoSquares(32, (2, 2, 6), (24, 24, 6));
        var options = new KomplexNetOptions { Channels = 4, Classes = 3, KuramotoSteps = 100, StepSize = 1.0, GlobalInhibition = 1 };
        using var net = new KomplexNet(options, seed: 1);
        using var local = new KomplexNet(options with { GlobalInhibition = 0 }, seed: 1);
        using (no_grad())
        {
            var (coherence, separation) = KomplexNet.ObjectSynchrony(net.Run(image.repeat(16, 1, 1, 1)), masks.repeat(16, 1, 1, 1));
            var (localCoherence, localSeparation) = KomplexNet.ObjectSynchrony(local.Run(image.repeat(16, 1, 1, 1)), masks.repeat(16, 1, 1, 1));
            Assert.True(coherence.min().item<float>() > 0.9, $"coherence {coherence.min().item<float>()}");
            Assert.True(localCoherence.min().item<float>() > 0.9, $"coherence without inhibition {localCoherence.min().item<float>()}");
            Assert.True(separation.min().item<float>() > 3.0, $"distance with inhibition {separation.min().item<float>()}");
            Assert.InRange(localSeparation.mean().item<float>(), 1.0, 2.2);
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
    public void ObjectSynchronyLossIsZeroForObjectsLockedInAntiphaseAndOneHalfForOnePhase()
    {
        using var scope = NewDisposeScope();
        // Two 8×8 objects overlapping on a 4-pixel-wide band of a 16×16 canvas; the layer is 8×8 with 3 channels.
        var (_, masks) = TwoSquares(16, (2, 2, 8), (6, 6, 8));
        var layer = nn.functional.adaptive_max_pool2d(masks, [8, 8]);
        using var generator = new Generator(3);
        var amplitude = rand(1, 3, 8, 8, generator: generator) + 0.1;
        // Ideal phases: 0.4 on the first object's own pixels, 0.4 + π on the second's, anything on shared ones.
        var phases = (0.4 + Math.PI * layer[.., 1] * (1 - layer[.., 0])).unsqueeze(1).expand(1, 3, 8, 8)
                   + 5 * layer[.., 0].unsqueeze(1) * layer[.., 1].unsqueeze(1) * rand(1, 3, 8, 8, generator: generator);
        var ideal = new KomplexOutput(zeros(1, 10), amplitude, phases);
        Assert.Equal(0, KomplexNetTrainer.ObjectSynchronyLoss(ideal, masks).item<float>(), 5);
        var (coherence, separation) = KomplexNet.ObjectSynchrony(ideal, masks);
        Assert.Equal(new[] { 1f, 1f }, coherence.data<float>().ToArray().Select(c => MathF.Round(c, 4)));
        Assert.Equal(Math.PI, separation.item<float>(), 4);
        var together = new KomplexOutput(zeros(1, 10), amplitude, full(1, 3, 8, 8, 0.4f));
        Assert.Equal(0.5, KomplexNetTrainer.ObjectSynchronyLoss(together, masks).item<float>(), 5);
        // The weights are the amplitudes on each object's own pixels: none on the shared band or the background.
        var weights = KomplexNet.ObjectWeights(ideal, masks);
        Assert.Equal(new long[] { 1, 2, 3, 8, 8 }, weights.shape);
        Assert.Equal(0f, (weights[0, 0] * layer[0, 1]).abs().sum().item<float>());
        Assert.Equal((amplitude[0] * (layer[0, 0] * (1 - layer[0, 1]))).sum().item<float>(), weights[0, 0].sum().item<float>(), 3);
    }

    [Fact]
    public void TrainingWithTheSynchronyTermBindsEachObjectAndSeparatesTheTwo()
    {
        // Held-out composites: with the object-synchrony term the trained coupling locks each object's units
        // together and puts the two objects far apart; trained on the labels alone, the phases stay as scattered
        // as their random start (coherence of ~1/√n, distance ≈ π/2 on average).
        using var train = Composites(1000, 7);
        using var test = Composites(100, 8);
        var options = new KomplexNetOptions { Channels = 4, KuramotoSteps = 8, ReadoutGrid = 2 };
        var training = new TrainingOptions { Epochs = 3, BatchSize = 64, LearningRate = 5e-3, Seed = 1 };
        (float Coherence, float Separation) Synchrony(KomplexNet net)
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var (coherence, separation) = KomplexNet.ObjectSynchrony(net.Run(test.Images), test.Masks);
            return (coherence.mean().item<float>(), separation.mean().item<float>());
        }
        using var bound = new KomplexNet(options, seed: 2);
        KomplexNetTrainer.Train(bound, train, training);
        using var labelsOnly = new KomplexNet(options with { SynchronyWeight = 0 }, seed: 2);
        KomplexNetTrainer.Train(labelsOnly, train, training);
        var (coherence, separation) = Synchrony(bound);
        var (plainCoherence, plainSeparation) = Synchrony(labelsOnly);
        Assert.True(coherence > 0.3 && separation > 2.2, $"with the synchrony term: coherence {coherence}, distance {separation}");
        Assert.True(plainCoherence < 0.15, $"labels only: coherence {plainCoherence}, distance {plainSeparation}");
    }

    static OverlappingObjectsDataset Composites(int count, int seed)
    {
        using var source = Datasets.FashionMnist(DatasetSplit.Test);
        using var subset = source.Slice(0, 400);
        return OverlappingObjects.Generate(subset, count, overlap: 0.5, canvas: 40, seed: seed);
    }

    static readonly KomplexNetOptions Tiny = new() { Channels = 4, KuramotoSteps = 2, ReadoutGrid = 2 };

    [Fact]
    public void TrainingATinyNetworkLowersTheLoss()
    {
        // 15 Adam steps on one batch of 16 composites: a working network fits them.
        using var data = Composites(16, 2);
        using var net = new KomplexNet(Tiny with { SynchronyWeight = 0 }, seed: 3);
        var reports = new List<TrainingProgress>();
        var history = KomplexNetTrainer.Train(net, data, new TrainingOptions
        {
            Epochs = 15, BatchSize = 16, LearningRate = 1e-2, Schedule = LearningRateSchedule.Constant, Seed = 1, ReportEvery = 1,
        }, new SynchronousProgress<TrainingProgress>(reports.Add));
        Assert.Equal(Enumerable.Range(1, 15), history.Select(e => e.Epoch));
        Assert.Equal(15, reports.Count);
        // A near-uniform softmax against a ½/½ target starts near ln 10 ≈ 2.30.
        Assert.InRange(history[0].Loss, 2.0, 2.7);
        Assert.True(history[^1].Loss < history[0].Loss - 0.2, $"losses {string.Join(", ", history.Select(e => e.Loss))}");
    }

    [Fact]
    public void TheLossIsTheCrossEntropyAgainstHalfOnEachClass()
    {
        using var scope = NewDisposeScope();
        var logits = tensor(new[] { 0f, 0f, 0f, 0f, 2f, 0f, 0f, 1f }).view(2, 4);
        var targets = tensor(new[] { 0.5f, 0.5f, 0f, 0f, 0f, 0f, 0.5f, 0.5f }).view(2, 4);
        double second = Math.Log(Math.Exp(2) + 2 + Math.E) - 0.5;     // −½(log p₂ + log p₃) with logits (2, 0, 0, 1)
        Assert.Equal((Math.Log(4) + second) / 2, KomplexNetTrainer.Loss(logits, targets).item<float>(), 4);
    }

    [Fact]
    public void CachedNetworkGivesIdenticalLogitsAndIsKeyedByItsData()
    {
        using var cache = new TempDirectory();
        var store = new CheckpointStore(cache.Path);
        using var train = Composites(64, 4);
        using var test = Composites(16, 5);
        var training = new TrainingOptions { Epochs = 1, BatchSize = 32, Seed = 2 };
        using var first = KomplexNetTrainer.Trained(Tiny, train, test, training, store: store);
        using var second = KomplexNetTrainer.Trained(Tiny, train, test, training, store: store);
        Assert.False(first.FromCache);
        Assert.True(second.FromCache);
        Assert.Equal(first.CheckpointPath, second.CheckpointPath);
        Assert.StartsWith("komplexnet-feedforward-", Path.GetFileName(first.CheckpointPath));
        Assert.Equal(first.Metadata.TestAccuracy, second.Metadata.TestAccuracy);
        Assert.Equal(KomplexNetTrainer.Accuracy(first.Net, test), second.Metadata.TestAccuracy);
        // The images-and-labels form scores the same, whatever the order of each image's two classes.
        Assert.Equal(second.Metadata.TestAccuracy, KomplexNetTrainer.Accuracy(second.Net, test.Images, test.Labels.flip(1)));
        Assert.Equal("labels must be int64 B×2 (two classes per image) for the 16 images, got Int64 [16]",
            Assert.Throws<PhospheneException>(() => KomplexNetTrainer.Accuracy(second.Net, test.Images, test.Labels[.., 0])).Message);
        using (no_grad())
        {
            using var a = first.Net.call(test.Images);
            using var b = second.Net.call(test.Images);
            Assert.Equal(0f, (a - b).abs().max().item<float>());
        }
        // Other composites (another seed) or another variant: a new checkpoint, trained afresh.
        using var otherData = Composites(64, 6);
        using var third = KomplexNetTrainer.Trained(Tiny, otherData, test, training, store: store);
        using var real = KomplexNetTrainer.Trained(Tiny with { Variant = KomplexVariant.Real }, train, test, training, store: store);
        Assert.False(third.FromCache);
        Assert.False(real.FromCache);
        Assert.Equal(6, Directory.GetFiles(cache.Path).Length);
    }

    [Fact]
    public void NoTensorOutlivesTrainingOrScoring()
    {
        using var data = Composites(64, 9);
        using var net = new KomplexNet(Tiny with { Variant = KomplexVariant.Feedback }, seed: 4);
        var training = new TrainingOptions { Epochs = 1, BatchSize = 32, Seed = 3 };
        void Round()
        {
            KomplexNetTrainer.Train(net, data, training);
            KomplexNetTrainer.Accuracy(net, data, noise: 0.1);
            using var noGrad = no_grad();
            using var images = data.Images.narrow(0, 0, 8);
            using var masks = data.Masks.narrow(0, 0, 8);
            var output = net.Run(images);
            var (coherence, separation) = KomplexNet.ObjectSynchrony(output, masks);
            coherence.Dispose();
            separation.Dispose();
            KomplexNetTrainer.ObjectSynchronyLoss(output, masks).Dispose();
            KomplexNet.PhaseMaps(output).Dispose();
            output.Logits.Dispose();
            output.Amplitude.Dispose();
            output.Phases.Dispose();
        }
        Round();                                                                               // warm-up
        long alive = TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        Round();
        Round();
        Assert.Equal(alive, TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }

    [Fact]
    public void EqualSeedsGiveEqualWeightsEvenWhenBuiltInParallel()
    {
        var nets = new KomplexNet[8];
        Parallel.For(0, nets.Length, i => nets[i] = new KomplexNet(Tiny with { Variant = KomplexVariant.Feedback }, seed: i % 2));
        try
        {
            for (int i = 2; i < nets.Length; i++)
                foreach (var (p, q) in nets[i].parameters().Zip(nets[i % 2].parameters()))
                    Assert.True(p.equal(q).all().item<bool>(), $"net {i} differs from net {i % 2}");
            Assert.False(nets[0].parameters().Zip(nets[1].parameters()).All(pq => pq.First.equal(pq.Second).all().item<bool>()));
        }
        finally
        {
            foreach (var net in nets) net.Dispose();
        }
    }

    [Fact]
    public void InvalidOptionsAndMismatchedDataAreNamed()
    {
        Assert.Equal("KomplexNetOptions.ReadoutGrid = 0 is invalid: it must be at least 1",
            Assert.Throws<PhospheneException>(() => new KomplexNet(Tiny with { ReadoutGrid = 0 })).Message);
        Assert.Equal("KomplexNetOptions.CouplingKernel = 4 is invalid: it must be an odd size",
            Assert.Throws<PhospheneException>(() => new KomplexNet(Tiny with { CouplingKernel = 4 })).Message);
        Assert.Equal("KomplexNetOptions.SynchronyWeight = -0.5 is invalid: it must be 0 or a positive number",
            Assert.Throws<PhospheneException>(() => new KomplexNet(Tiny with { SynchronyWeight = -0.5 })).Message);
        Assert.Equal("KomplexNetOptions.GlobalInhibition = NaN is invalid: it must be finite",
            Assert.Throws<PhospheneException>(() => new KomplexNet(Tiny with { GlobalInhibition = double.NaN })).Message);
        using var data = Composites(8, 1);
        using var cache = new TempDirectory();
        Assert.Equal("the training data has 10 classes but the network predicts 3; build KomplexNet with Classes = 10",
            Assert.Throws<PhospheneException>(() => KomplexNetTrainer.Trained(Tiny with { Classes = 3 }, data, data, store: new CheckpointStore(cache.Path))).Message);
        Assert.Empty(Directory.GetFiles(cache.Path));
        using var one = Composites(1, 1);
        using var net = new KomplexNet(Tiny);
        Assert.Equal("KomplexNet training needs at least 2 composites (its read-out is batch-normalised), got 1",
            Assert.Throws<PhospheneException>(() => KomplexNetTrainer.Train(net, one)).Message);
    }
}
