using Phosphene.Synchrony;
using Phosphene.Tests.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Phosphene.Tests.Synchrony;

/// <summary>Error messages, determinism, progress and cancellation.</summary>
public class SynchronyInputTests
{
    [Fact]
    public void UnknownIntegratorSuggestsTheClosestName()
    {
        var error = Assert.Throws<PhospheneException>(() => Integrators.Parse("rk5"));
        Assert.Equal("unknown integrator 'rk5'; did you mean 'rk4'? (choose euler, heun or rk4)", error.Message);
        Assert.Equal(Integrator.Heun, Integrators.Parse("Heun"));
    }

    [Fact]
    public void UnknownDistributionSuggestsTheClosestName()
    {
        var error = Assert.Throws<PhospheneException>(() => FrequencyDistribution.Parse("lorenz(0,0.5)"));
        Assert.Equal("unknown frequency distribution 'lorenz'; did you mean 'lorentz'? (choose lorentz, normal or uniform)", error.Message);
        Assert.Equal(new LorentzianFrequencies(0, 0.5), FrequencyDistribution.Parse("lorentz(0, 0.5)"));
        Assert.Equal(new UniformFrequencies(0, 1), FrequencyDistribution.Parse("uniform(-1,1)"));
        Assert.Equal("Lorentzian half-width must be positive, got -1",
            Assert.Throws<PhospheneException>(() => FrequencyDistribution.Parse("cauchy(0,-1)")).Message);
    }

    [Fact]
    public void ShapeMismatchesAreNamed()
    {
        using var scope = NewDisposeScope();
        var omega = zeros(2, 10);
        Assert.Equal("3 coupling values for 2 networks; give one per network",
            Assert.Throws<PhospheneException>(() => new KuramotoModel(omega, [1.0, 2.0, 3.0])).Message);
        Assert.Equal("frequencies must be a float32 or float64 B×N tensor (networks × oscillators), got Float32 [10]",
            Assert.Throws<PhospheneException>(() => new KuramotoModel(zeros(10), 1.0)).Message);
        Assert.Equal("coupling matrix is 5×5 but the networks have 10 oscillators; pass a 10×10 matrix",
            Assert.Throws<PhospheneException>(() => new KuramotoModel(omega, 1.0, new MatrixCoupling(zeros(5, 5)))).Message);
        Assert.Equal("coupling matrices are given for 3 networks but there are 2; pass one N×N matrix or 2×N×N",
            Assert.Throws<PhospheneException>(() => new KuramotoModel(omega, 1.0, new MatrixCoupling(zeros(3, 10, 10)))).Message);
        Assert.Equal("a 4×4 grid holds 16 oscillators but the networks have 10; make N = H·W",
            Assert.Throws<PhospheneException>(() => new KuramotoModel(omega, 1.0, GridCoupling.Parse("grid:4x4"))).Message);
        using var model = new KuramotoModel(omega, 1.0);
        Assert.Equal("phases must be 2×10 (networks × oscillators) to match the frequencies, got [2, 9]",
            Assert.Throws<PhospheneException>(() => KuramotoSimulator.Simulate(model, zeros(2, 9))).Message);
        Assert.Equal("phases are Float64 but the frequencies are Float32; use one dtype",
            Assert.Throws<PhospheneException>(() => KuramotoSimulator.Simulate(model, zeros(2, 10, dtype: ScalarType.Float64))).Message);
        Assert.Equal("SimulationOptions.Dt = 0 is invalid: it must be a positive time step",
            Assert.Throws<PhospheneException>(() => KuramotoSimulator.Simulate(model, zeros(2, 10), new SimulationOptions { Dt = 0 })).Message);
    }

    [Fact]
    public void SameSeedSameNumbersIncludingNoise()
    {
        using var scope = NewDisposeScope();
        var dist = new GaussianFrequencies(0, 1);
        Assert.Equal(dist.Sample(2, 50, seed: 3).data<float>().ToArray(), dist.Sample(2, 50, seed: 3).data<float>().ToArray());
        Assert.NotEqual(dist.Sample(2, 50, seed: 3).data<float>().ToArray(), dist.Sample(2, 50, seed: 4).data<float>().ToArray());
        var omega = dist.Sample(2, 50, seed: 3);
        using var model = new KuramotoModel(omega, 1.0) { NoiseIntensity = 0.1 };
        float[] Run(int seed)
        {
            using var run = KuramotoSimulator.Simulate(model, InitialPhases.Uniform(2, 50, seed: 1), new SimulationOptions { Steps = 100, Seed = seed });
            return run.R.data<float>().ToArray();
        }
        Assert.Equal(Run(5), Run(5));
        Assert.NotEqual(Run(5), Run(6));
    }

    [Fact]
    public void QuantileSamplingUsesEveryQuantileOnce()
    {
        using var scope = NewDisposeScope();
        var sample = new UniformFrequencies(0, 1).Sample(2, 4, seed: 1, FrequencySampling.Quantile);
        Assert.Equal(new[] { -0.75f, -0.25f, 0.25f, 0.75f }, sample[0].sort().Values.data<float>().ToArray());
        Assert.Equal(new[] { -0.75f, -0.25f, 0.25f, 0.75f }, sample[1].sort().Values.data<float>().ToArray());
        var gauss = new GaussianFrequencies(1, 2).Sample(1, 1001, sampling: FrequencySampling.Quantile, dtype: ScalarType.Float64);
        Assert.Equal(1.0, gauss.median().item<double>(), 9);
        Assert.Equal(1 + 2 * 1.6448536269514722, new GaussianFrequencies(1, 2).Quantile(0.95), 7);
    }

    [Fact]
    public void ProgressIsReportedAndCancellationStopsTheRun()
    {
        using var scope = NewDisposeScope();
        using var model = new KuramotoModel(zeros(1, 20), 1.0);
        var reports = new List<SimulationProgress>();
        using (KuramotoSimulator.Simulate(model, InitialPhases.Uniform(1, 20), new SimulationOptions { Steps = 2000, ProgressReports = 4 },
                   new SynchronousProgress<SimulationProgress>(reports.Add))) { }
        Assert.Equal(new[] { 500, 1000, 1500, 2000 }, reports.Select(r => r.Step));
        Assert.True(reports[^1].MeanR > 0.99);   // identical oscillators lock

        using var cancelled = new CancellationTokenSource();
        var progress = new SynchronousProgress<SimulationProgress>(p => { if (p.Step >= 100) cancelled.Cancel(); });
        Assert.Throws<OperationCanceledException>(() => KuramotoSimulator.Simulate(model, InitialPhases.Uniform(1, 20),
            new SimulationOptions { Steps = 100_000, ProgressReports = 1000 }, progress, cancelled.Token));
    }

    static long Created() => DisposeScopeManager.Statistics.TensorStatistics.CreatedInScopeCount + DisposeScopeManager.Statistics.TensorStatistics.CreatedOutsideScopeCount;

    [Theory]
    [InlineData(Integrator.Euler, ScalarType.Float32)]   // the fused SIMD step
    [InlineData(Integrator.RungeKutta4, ScalarType.Float32)]
    [InlineData(Integrator.Heun, ScalarType.Float64)]
    public void StepsAllocateNoTensorsAndRepeatedRunsLeaveNothingAlive(Integrator integrator, ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        var omega = new LorentzianFrequencies(0, 0.5).Sample(3, 100, dtype: dtype);
        var theta0 = InitialPhases.Uniform(3, 100, dtype: dtype);
        using var model = new KuramotoModel(omega, [0.5, 1.0, 2.0]) { PhaseLag = 0.1 };
        long TensorsCreated(int steps)
        {
            long before = Created();
            using (KuramotoSimulator.Simulate(model, theta0, new SimulationOptions { Steps = steps, RecordEvery = steps, Integrator = integrator })) { }
            return Created() - before;
        }
        TensorsCreated(10);   // warm-up
        Assert.Equal(TensorsCreated(10), TensorsCreated(1000));   // same tensors for 10 or 1000 steps: none per step

        long alive = DisposeScopeManager.Statistics.TensorStatistics.ThreadTotalLiveCount;
        for (int i = 0; i < 3; i++) TensorsCreated(50);
        Assert.Equal(alive, DisposeScopeManager.Statistics.TensorStatistics.ThreadTotalLiveCount);
    }

    [Fact]
    public void NonContiguousInitialPhasesGiveTheSameRun()
    {
        using var scope = NewDisposeScope();
        var omega = new LorentzianFrequencies(0, 0.5).Sample(2, 64);
        var contiguousPhases = InitialPhases.Uniform(2, 64, seed: 3);
        var strided = contiguousPhases.t().contiguous().t();   // same values, column-major storage
        Assert.False(strided.is_contiguous());
        using var model = new KuramotoModel(omega, 2.0);
        var options = new SimulationOptions { Steps = 100, Integrator = Integrator.Euler };
        using var a = KuramotoSimulator.Simulate(model, contiguousPhases, options);
        using var b = KuramotoSimulator.Simulate(model, strided, options);
        Assert.Equal(a.R.data<float>().ToArray(), b.R.data<float>().ToArray());
    }

    [Fact]
    public void SynchronizedPhasesStayCoherentWithoutFrequencySpread()
    {
        using var scope = NewDisposeScope();
        var theta0 = InitialPhases.Synchronized(2, 10, phase: 1.5);
        Assert.Equal(new long[] { 2, 10 }, theta0.shape);
        Assert.True(theta0.eq(1.5f).all().item<bool>());
        Assert.Equal(1, OrderParameter.Coherence(theta0).min().item<float>(), 5);
        // Identical frequencies: the synchronous state is a fixed point of the coupled dynamics, r stays 1.
        using var model = new KuramotoModel(zeros(2, 10), 1.0);
        using var run = KuramotoSimulator.Simulate(model, theta0, new SimulationOptions { Steps = 50 });
        Assert.All(run.RInfinity, r => Assert.Equal(1, r, 5));
    }
}
