using Phosphene.Synchrony;
using Phosphene.Tests.Data;

namespace Phosphene.Tests.Synchrony;

public class KuramotoTheoryTests
{
    [Fact]
    public void CriticalCouplingsOfTheThreeLaws()
    {
        Assert.Equal(1.0, new LorentzianFrequencies(0, 0.5).CriticalCoupling, 12);
        Assert.Equal(2 * Math.Sqrt(8 / Math.PI), new GaussianFrequencies(0, 2).CriticalCoupling, 12);
        Assert.Equal(4 * 1.5 / Math.PI, new UniformFrequencies(0, 1.5).CriticalCoupling, 12);
    }

    [Fact]
    public void StationaryCoherence()
    {
        Assert.Equal(Math.Sqrt(1 - 1 / 3.0), KuramotoTheory.StationaryCoherence(new LorentzianFrequencies(0, 0.5), 3), 12);
        Assert.Equal(0, KuramotoTheory.StationaryCoherence(new GaussianFrequencies(0, 1), 1.5));
        // Uniform law: r jumps to π/4 at Kc (Pazó 2005).
        var uniform = new UniformFrequencies(0, 1);
        Assert.Equal(Math.PI / 4, KuramotoTheory.StationaryCoherence(uniform, uniform.CriticalCoupling * 1.0001), 2);
        // Gaussian law near Kc: r ≈ √(16 μ / (π Kc³ (−g''(0)))), μ = (K − Kc)/Kc, −g''(0) = 1/√(2π) for σ = 1.
        var gauss = new GaussianFrequencies(0, 1);
        double kc = gauss.CriticalCoupling, mu = 1e-4;
        double expected = Math.Sqrt(16 * mu / (Math.PI * Math.Pow(kc, 3)) * Math.Sqrt(2 * Math.PI));
        Assert.Equal(expected, KuramotoTheory.StationaryCoherence(gauss, kc * (1 + mu)), expected * 0.02);
    }

    [Fact]
    public void OttAntonsenSolvesItsOde()
    {
        // r' = (K/2 − γ) r − (K/2) r³, checked by a central difference, and the limit √(1 − 2γ/K).
        double k = 1.7, gamma = 0.5, r0 = 0.05, h = 1e-5;
        for (double t = 0.5; t < 20; t += 1.5)
        {
            double r = KuramotoTheory.OttAntonsen(k, gamma, r0, t);
            double derivative = (KuramotoTheory.OttAntonsen(k, gamma, r0, t + h) - KuramotoTheory.OttAntonsen(k, gamma, r0, t - h)) / (2 * h);
            Assert.Equal((k / 2 - gamma) * r - k / 2 * r * r * r, derivative, 7);
        }
        Assert.Equal(Math.Sqrt(1 - 2 * gamma / k), KuramotoTheory.OttAntonsen(k, gamma, r0, 400), 9);
        Assert.Equal(r0, KuramotoTheory.OttAntonsen(k, gamma, r0, 0), 12);
        Assert.Equal(r0 / Math.Sqrt(1 + 1.0 * r0 * r0 * 3), KuramotoTheory.OttAntonsen(1.0, 0.5, r0, 3), 12);
    }
}

public class CouplingSweepTests
{
    [Fact]
    public void SweepBatchesEveryCouplingAndChunksGiveTheSameNumbers()
    {
        var dist = new LorentzianFrequencies(0, 0.5);
        var options = new SimulationOptions { Dt = 0.1, Steps = 300, RecordEvery = 10 };
        using var whole = CouplingSweep.Run(dist, [0.5, 3.0], 2000, networksPerCoupling: 2, options);
        Assert.Equal(new long[] { 2, 2, 31 }, whole.R.shape);
        Assert.Equal(2, whole.RInfinity.Count);
        Assert.True(whole.RInfinity[0] < 0.1);
        Assert.InRange(whole.RInfinity[1], whole.Theory[1] - 0.03, whole.Theory[1] + 0.03);
        Assert.Equal(0, whole.Theory[0]);
        Assert.Equal(1.0, whole.CriticalCoupling, 12);
        using var chunked = CouplingSweep.Run(dist, [0.5, 3.0], 2000, networksPerCoupling: 2, options, batchSize: 3);
        // Same networks whatever the batch size (BLAS may sum in another order, hence a tolerance).
        for (int k = 0; k < 2; k++) Assert.Equal(whole.RInfinity[k], chunked.RInfinity[k], 4);
        Assert.True((whole.R - chunked.R).abs().max().item<float>() < 1e-3);
    }
}
