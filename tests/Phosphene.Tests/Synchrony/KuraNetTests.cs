using Phosphene.Data;
using Phosphene.Synchrony;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Phosphene.Tests.Synchrony;

public class KuraNetTests(ITestOutputHelper output)
{
    static readonly KuraNetOptions Small = new() { HiddenUnits = 32, BurnInSteps = 40, LossSteps = 20, Dt = 0.1 };

    [Fact]
    public void TrainedCouplingsSynchroniseHeldOutNetworksFarBetterThanUntrained()
    {
        // ω ~ uniform(−1, 1): Kc = 4/π ≈ 1.27 exceeds the average degree 1, so untrained (near-uniform) couplings
        // leave the networks incoherent; learned couplings must place the budget well.
        var task = new GlobalSynchronyTask();
        using var untrained = new KuraNet(1, Small, seed: 1);
        using var trained = new KuraNet(1, Small, seed: 1);
        var run = KuraNetTrainer.Train(trained, task, new KuraNetTrainingOptions { Iterations = 40, Networks = 16, Oscillators = 16, LearningRate = 1e-2 });
        using var before = KuraNetTrainer.Evaluate(untrained, task, 64, 16, seed: 12345);
        using var after = KuraNetTrainer.Evaluate(trained, task, 64, 16, seed: 12345);
        output.WriteLine($"{run.Elapsed.TotalSeconds:F1} s; untrained {before}, trained {after}; losses {run.Losses[0]:F3} → {run.Losses[^1]:F3}");
        Assert.True(after.CircularVariance < 0.5 * before.CircularVariance, $"untrained {before}, trained {after}");
        Assert.True(after.Loss < 0.7 * before.Loss, $"untrained {before}, trained {after}");
    }

    [Fact]
    public void CouplingsAreNormalisedAsThePaperDoes()
    {
        using var scope = NewDisposeScope();
        using var net = new KuraNet(2, Small with { AverageDegree = 2 }, seed: 3);
        net.eval();
        using var clouds = PointClouds.Generate(PointCloudKind.Moons, 3, 10, seed: 1);
        var k = net.call(clouds.Points);
        Assert.Equal(new long[] { 3, 10, 10 }, k.shape);
        Assert.True((k - k.transpose(1, 2)).abs().max().item<float>() < 1e-6);          // symmetric
        Assert.True(k.min().item<float>() > 0);                                         // softmax: positive
        var meanRowSum = k.sum(2).mean(new long[] { 1 });                                // = average degree
        Assert.True((meanRowSum - 2).abs().max().item<float>() < 1e-4);

        using var signed = new KuraNet(2, Small with { Normalization = CouplingNormalization.RowL2, Symmetric = false }, seed: 3);
        signed.eval();
        var l2 = signed.call(clouds.Points);
        Assert.True((l2.norm(2, false) - 1).abs().max().item<float>() < 1e-5);          // unit rows
        Assert.Equal("KuraNet features must be float32 B×N×2, got Float32 [10, 2]",
            Assert.Throws<PhospheneException>(() => net.call(clouds.Points[0])).Message);
    }

    [Fact]
    public void CircularMomentsLossIsZeroForEvenlySpacedLockedGroupsAndPenalisesTotalSynchrony()
    {
        using var scope = NewDisposeScope();
        var labels = tensor(new long[] { 0, 1, 2, 0, 1, 2 }).view(1, 6);
        var spread = (labels.to_type(ScalarType.Float32) * (2 * Math.PI / 3)).unsqueeze(0);   // T=1, B=1, N=6
        Assert.Equal(0, SynchronyLoss.CircularMoments(spread, labels, 3).item<float>(), 5);
        // All locked together: no within-group loss, the first moment |Σ_g e^{iψ_g}|²/(2G) = 9/6 is maximal: 1.5/2.5.
        var together = zeros(1, 1, 6);
        Assert.Equal(0.6, SynchronyLoss.CircularMoments(together, labels, 3).item<float>(), 5);
        Assert.Equal(0, SynchronyLoss.CircularVariance(together).item<float>(), 5);
        Assert.Equal("labels must be int64 B×N = 1×6 to match the phases, got Int64 [1, 5]",
            Assert.Throws<PhospheneException>(() => SynchronyLoss.CircularMoments(together, labels.narrow(1, 0, 5), 3)).Message);
    }

    [Fact]
    public void WeightedMembershipGivesTheLabelsLossAndIgnoresUnweightedOscillators()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(5);
        var phases = rand(2, 3, 8, generator: generator) * (2 * Math.PI);       // T=2, B=3, N=8
        var labels = randint(0, 3, [3, 8], generator: generator);
        var oneHot = nn.functional.one_hot(labels, 3).to_type(ScalarType.Float32);
        Assert.Equal(SynchronyLoss.CircularMoments(phases, labels, 3).item<float>(),
                     SynchronyLoss.CircularMoments(phases, oneHot).item<float>(), 6);
        Assert.True(SynchronyLoss.GroupOrder(phases, labels, 3).WithinCoherence.equal(SynchronyLoss.GroupOrder(phases, oneHot).WithinCoherence).all().item<bool>());
        // Two groups locked in antiphase: 0, whatever the phase of an oscillator in neither group (weight 0),
        // and whatever the weights inside a locked group. Both groups at one phase: the first moment 4/4, over 1 + 1.
        var two = tensor(new[] { 0.3f, 0.3f, 0.3f + (float)Math.PI, 0.3f + (float)Math.PI, 2.1f }).view(1, 1, 5);
        var membership = tensor(new[] { 1f, 0f, 0.5f, 0f, 0f, 1f, 0f, 2f, 0f, 0f }).view(1, 5, 2);
        Assert.Equal(0, SynchronyLoss.CircularMoments(two, membership).item<float>(), 5);
        Assert.Equal(0.5, SynchronyLoss.CircularMoments(full(1, 1, 5, 0.3f), membership).item<float>(), 5);
        // Half coherent first group (two oscillators a right angle apart, r = cos(π/4)) and a second group opposite its
        // mean phase: ((1 − (cos(π/4) + 1)/2) + 0) / 2.
        var half = tensor(new[] { 0f, (float)Math.PI / 2, 0f, (float)(Math.PI / 4 + Math.PI), 0f }).view(1, 1, 5);
        var spread = tensor(new[] { 1f, 0f, 1f, 0f, 0f, 0f, 0f, 1f, 0f, 0f }).view(1, 5, 2);
        Assert.Equal((1 - (Math.Cos(Math.PI / 4) + 1) / 2) / 2, SynchronyLoss.CircularMoments(half, spread).item<float>(), 5);
        Assert.Equal("membership must be float B×N×G with B×N = 1×5 to match the phases, got Float32 [1, 4, 2]",
            Assert.Throws<PhospheneException>(() => SynchronyLoss.CircularMoments(two, membership.narrow(1, 0, 4))).Message);
        Assert.Equal("membership weights must be zero or positive; use 0 for an oscillator outside a group",
            Assert.Throws<PhospheneException>(() => SynchronyLoss.CircularMoments(two, -membership)).Message);
    }

    [Fact]
    public void AGroupWithoutMembersLeavesTheGradientFinite()
    {
        // KomplexNet's object term: an object whose own pixels have no amplitude is an empty group in that image.
        using var scope = NewDisposeScope();
        var phases = tensor(new[] { 0.3f, 1.1f, 2.0f, 4.0f }).view(1, 1, 4).requires_grad_();
        var membership = tensor(new[] { 1f, 0f, 1f, 0f, 0.5f, 0f, 0f, 0f }).view(1, 4, 2);   // group 1 is empty
        var loss = SynchronyLoss.CircularMoments(phases, membership);
        loss.backward();
        Assert.True(phases.grad!.isfinite().all().item<bool>(), $"gradient {string.Join(", ", phases.grad!.data<float>().ToArray())}");
        Assert.Equal(0, phases.grad![0, 0, 3].item<float>());                          // in no group: no gradient
        Assert.True(phases.grad![0, 0, 0].abs().item<float>() > 1e-3);                 // the present group still pulls
        Assert.Equal(0, SynchronyLoss.GroupOrder(phases, membership).GroupPhase[0, 0, 1].item<float>());   // as before
    }

    [Fact]
    public void PointCloudsAreSeededBalancedAndShaped()
    {
        using var a = PointClouds.Generate(PointCloudKind.Circles, 2, 100, noise: 0, seed: 4);
        using var b = PointClouds.Generate(PointCloudKind.Circles, 2, 100, noise: 0, seed: 4);
        Assert.Equal(a.Points.data<float>().ToArray(), b.Points.data<float>().ToArray());
        var radius = a.Points.norm(2, false);
        var inner = a.Labels.eq(1);
        Assert.True((radius.masked_select(inner) - 0.5f).abs().max().item<float>() < 1e-5);
        Assert.True((radius.masked_select(inner.logical_not()) - 1f).abs().max().item<float>() < 1e-5);
        Assert.Equal(50, a.Labels[0].eq(1).sum().item<long>());
        using var blobs = PointClouds.Generate(PointCloudKind.GaussianMixture, 1, 30, groups: 5, seed: 1);
        Assert.Equal(5, blobs.Groups);
        Assert.Equal(new long[] { 1, 30, 2 }, blobs.Points.shape);
        Assert.Equal("unknown point cloud 'moon'; did you mean 'moons'? (choose moons, circles or gaussians)",
            Assert.Throws<PhospheneException>(() => PointClouds.ParseKind("moon")).Message);
    }
}
