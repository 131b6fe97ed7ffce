using Phosphene.Synchrony;
using Phosphene.Tests.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Phosphene.Tests.Synchrony;

/// <summary>The factorised coupling forms against the direct pairwise sum, in float32.</summary>
public class CouplingFormsTests
{
    const long B = 3, N = 64;

    static Tensor Phases(int seed) => InitialPhases.Uniform(B, N, seed);

    static void AssertClose(Tensor expected, Tensor actual, double tolerance = 1e-5)
    {
        Assert.Equal(expected.shape, actual.shape);
        float worst = (expected - actual).abs().max().item<float>();
        Assert.True(worst <= tolerance, $"max difference {worst}");
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.4)]
    public void MeanFieldMatrixProductAndPairwiseAgree(double lag)
    {
        using var scope = NewDisposeScope();
        var theta = Phases(3);
        var uniform = full(N, N, 1f / N);
        var reference = new PairwiseCoupling().Interaction(theta, lag);
        AssertClose(reference, new AllToAllCoupling().Interaction(theta, lag));
        AssertClose(reference, new MatrixCoupling(uniform).Interaction(theta, lag));
        AssertClose(reference, new PairwiseCoupling(uniform).Interaction(theta, lag));

        using var generator = new Generator(7);
        var weights = rand(B, N, N, generator: generator) / N;
        var pairwise = new PairwiseCoupling(weights).Interaction(theta, lag);
        AssertClose(pairwise, new MatrixCoupling(weights).Interaction(theta, lag));
        var shared = weights[0];
        AssertClose(new PairwiseCoupling(shared).Interaction(theta, lag), new MatrixCoupling(shared.to_sparse()).Interaction(theta, lag));
    }

    [Fact]
    public void InPlaceStepsMatchTheFunctionalVelocityForEveryTopology()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(11);
        var omega = new GaussianFrequencies(0, 1).Sample(B, N, seed: 4);
        var theta0 = Phases(5);
        var weights = rand(N, N, generator: generator) / N;
        CouplingTopology[] topologies =
        [
            new AllToAllCoupling(), new PairwiseCoupling(), new MatrixCoupling(weights), new MatrixCoupling(weights.to_sparse()),
            new MatrixCoupling(weights.expand(B, N, N).contiguous()), GridCoupling.Neighbours(8, 8, periodic: true),
        ];
        foreach (var topology in topologies)
        {
            using var model = new KuramotoModel(omega, [0.5, 1.5, 3.0], topology) { PhaseLag = 0.3, FieldStrength = 0.2, FieldFrequency = 0.7 };
            using var run = KuramotoSimulator.Simulate(model, theta0, new SimulationOptions { Dt = 0.01, Steps = 1, Integrator = Integrator.Euler, RecordEvery = 1 });
            var expected = (theta0 + 0.01 * model.Velocity(theta0, 0)).remainder(2 * Math.PI);
            var difference = run.FinalPhases - expected;
            var wrapped = atan2(difference.sin(), difference.cos());
            Assert.True(wrapped.abs().max().item<float>() < 1e-5, topology.Name);
        }
    }

    [Theory]
    [InlineData(Integrator.RungeKutta4)]
    [InlineData(Integrator.Euler)]      // float32 all-to-all Euler takes the fused SIMD step
    public void MeanFieldAndPairwiseTrajectoriesAgree(Integrator integrator)
    {
        using var scope = NewDisposeScope();
        var omega = new LorentzianFrequencies(0, 0.5).Sample(B, N, seed: 6);
        var theta0 = Phases(6);
        var options = new SimulationOptions { Dt = 0.02, Steps = 50, RecordEvery = 5, Integrator = integrator };
        using var fast = new KuramotoModel(omega, [1.0, 2.0, 4.0]) { PhaseLag = 0.2 };
        using var slow = new KuramotoModel(omega, [1.0, 2.0, 4.0], new PairwiseCoupling()) { PhaseLag = 0.2 };
        using var a = KuramotoSimulator.Simulate(fast, theta0, options);
        using var b = KuramotoSimulator.Simulate(slow, theta0, options);
        AssertClose(a.R, b.R);
        AssertClose(a.Psi, b.Psi, 1e-4);
        AssertClose(a.EffectiveFrequencies, b.EffectiveFrequencies, 1e-4);
    }

    [Fact]
    public void FusedMeanFieldEulerMatchesTheTensorPathOnEveryVectorWidthAndTheTail()
    {
        // N = 1003 = 62·16 + 8 + 3 runs the 512-bit, 256-bit and scalar parts of the fused step.
        using var scope = NewDisposeScope();
        const int n = 1003;
        var omega = new LorentzianFrequencies(0.3, 0.5).Sample(2, n, seed: 9);
        var theta0 = InitialPhases.Uniform(2, n, seed: 9);
        var options = new SimulationOptions { Dt = 0.01, Steps = 300, RecordEvery = 30, Integrator = Integrator.Euler };
        using var fused = new KuramotoModel(omega, [1.5, 3.0]) { PhaseLag = 0.1, FieldStrength = 0.3, FieldFrequency = 0.5 };
        using var reference = new KuramotoModel(omega, [1.5, 3.0], new MatrixCoupling(full(n, n, 1f / n))) { PhaseLag = 0.1, FieldStrength = 0.3, FieldFrequency = 0.5 };
        using var a = KuramotoSimulator.Simulate(fused, theta0, options);
        using var b = KuramotoSimulator.Simulate(reference, theta0, options);
        AssertClose(a.R, b.R, 2e-5);
        var difference = a.FinalPhases - b.FinalPhases;
        Assert.True(atan2(difference.sin(), difference.cos()).abs().max().item<float>() < 1e-3);
        AssertClose(a.EffectiveFrequencies, b.EffectiveFrequencies, 1e-3);
    }

    [Fact]
    public void GridCouplingEqualsItsAdjacencyMatrix()
    {
        using var scope = NewDisposeScope();
        const int h = 5, w = 6;
        var kernel = tensor(new float[] { 0.1f, 0.2f, 0.3f, 0.4f, 0f, 0.5f, 0.6f, 0.7f, 0.8f }).view(3, 3);
        foreach (bool periodic in new[] { false, true })
        {
            var adjacency = zeros(h * w, h * w);
            var k = kernel.data<float>().ToArray();
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                    for (int dy = -1; dy <= 1; dy++)
                        for (int dx = -1; dx <= 1; dx++)
                        {
                            int yy = y + dy, xx = x + dx;
                            if (periodic) { yy = (yy + h) % h; xx = (xx + w) % w; }
                            else if (yy < 0 || yy >= h || xx < 0 || xx >= w) continue;
                            adjacency[y * w + x, yy * w + xx] += k[(dy + 1) * 3 + dx + 1];
                        }
            var theta = InitialPhases.Uniform(2, h * w, seed: 8);
            AssertClose(new MatrixCoupling(adjacency).Interaction(theta, 0.2), new GridCoupling(h, w, kernel, periodic).Interaction(theta, 0.2));
        }
    }
}
