using Phosphene.Synchrony;
using Phosphene.Tests.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Phosphene.Tests.Synchrony;

/// <summary>The simulator against the mean-field theory and closed-form solutions.</summary>
public class KuramotoSimulationTests
{
    static readonly LorentzianFrequencies Lorentz = new(0, 0.5);

    [Fact]
    public void StationaryCoherenceMatchesTheoryAboveAndBelowCriticalCoupling()
    {
        // One batch: K = 1.5, 2, 3, 4 above Kc = 2γ = 1 and 0.5, 0.8 below, N = 10⁴ oscillators each.
        double[] coupling = [1.5, 2, 3, 4, 0.5, 0.8];
        const int n = 10_000;
        using var scope = NewDisposeScope();
        var omega = Lorentz.Sample(coupling.Length, n, seed: 1, FrequencySampling.Quantile);
        using var model = new KuramotoModel(omega, coupling);
        using var run = KuramotoSimulator.Simulate(model, InitialPhases.Uniform(coupling.Length, n, seed: 1),
            new SimulationOptions { Dt = 0.05, Steps = 1200, RecordEvery = 10 });

        for (int i = 0; i < 4; i++)
            Assert.InRange(run.RInfinity[i], Math.Sqrt(1 - 1 / coupling[i]) - 0.01, Math.Sqrt(1 - 1 / coupling[i]) + 0.01);
        Assert.True(run.RInfinity[4] < 0.05, $"r∞ = {run.RInfinity[4]} at K = 0.5");
        Assert.True(run.RInfinity[5] < 0.05, $"r∞ = {run.RInfinity[5]} at K = 0.8");

        // Locked oscillators (|ω| ≤ Kr) share the common frequency 0; drifting ones follow ±√(ω² − (Kr)²).
        var r = tensor(run.RInfinity.ToArray()).to_type(ScalarType.Float32);
        var k = tensor(coupling).to_type(ScalarType.Float32);
        var predicted = KuramotoTheory.EffectiveFrequencies(omega, k, r);
        var locked = KuramotoTheory.LockedSet(omega, k, r);
        var moderate = omega.narrow(0, 0, 4).abs().lt(3);
        var error = (run.EffectiveFrequencies - predicted).narrow(0, 0, 4).abs().masked_select(moderate);
        float medianError = error.median().item<float>();
        Assert.True(medianError < 0.01, $"median effective-frequency error {medianError}");
        var lockedFraction = locked.narrow(0, 2, 1).to_type(ScalarType.Float32).mean().item<float>();
        double expected = 2 / Math.PI * Math.Atan(3 * run.RInfinity[2] / 0.5);   // F(Kr) − F(−Kr) for the Lorentzian
        Assert.InRange(lockedFraction, expected - 0.01, expected + 0.01);
    }

    [Fact]
    public void CoherenceFollowsTheOttAntonsenSolution()
    {
        // Finite N perturbs the exponential growth phase by a few 1/√N (NumPy float64 shows the same), so the curve
        // compared with the N → ∞ solution is the mean over 8 networks of 2·10⁴ oscillators per coupling.
        double[] couplings = [2, 0.6];
        const int perCoupling = 8, n = 20_000;
        const double r0 = 0.1;
        using var scope = NewDisposeScope();
        var coupling = couplings.SelectMany(k => Enumerable.Repeat(k, perCoupling)).ToArray();
        var omega = Lorentz.Sample(coupling.Length, n, seed: 2, FrequencySampling.Quantile);
        using var model = new KuramotoModel(omega, coupling);
        using var run = KuramotoSimulator.Simulate(model, InitialPhases.WrappedCauchy(coupling.Length, n, r0, seed: 2),
            new SimulationOptions { Dt = 0.05, Steps = 300, RecordEvery = 5 });

        var mean = run.R.view(couplings.Length, perCoupling, -1).mean([1]);
        for (int k = 0; k < couplings.Length; k++)
        {
            var simulated = mean[k].to_type(ScalarType.Float64).data<double>().ToArray();
            var theory = KuramotoTheory.OttAntonsen(couplings[k], 0.5, r0, run.Times);
            double worst = simulated.Zip(theory, (s, t) => Math.Abs(s - t)).Max();
            Assert.True(worst < 0.012, $"K = {couplings[k]}: max |r − r_OA| = {worst}: " + string.Join(" ", simulated.Zip(theory, (s, t) => $"{s:F3}/{t:F3}")));
        }
    }

    static double ClosedFormPhaseDifference(double detuning, double coupling, double time)
    {
        // dφ/dt = Δω − K sin φ, φ(0) = 0, |Δω| > K: with v = Δω tan(φ/2) − K, dv/dt = (v² + s²)/2, s = √(Δω² − K²).
        double s = Math.Sqrt(detuning * detuning - coupling * coupling);
        double v = s * Math.Tan(s * time / 2 + Math.Atan(-coupling / s));
        return 2 * Math.Atan((v + coupling) / detuning);
    }

    static double FinalError(Integrator integrator, double dt, double duration)
    {
        using var scope = NewDisposeScope();
        var omega = tensor(new[] { -0.75, 0.75 }).view(1, 2);   // float64: the truncation error, not rounding, is measured
        // All-to-all with N = 2: θ̇ᵢ = ωᵢ + (K/2) sin(θⱼ − θᵢ), so φ = θ₂ − θ₁ obeys φ' = Δω − K sin φ.
        using var model = new KuramotoModel(omega, 1.0);
        int steps = (int)Math.Round(duration / dt);
        using var run = KuramotoSimulator.Simulate(model, zeros(1, 2, dtype: ScalarType.Float64),
            new SimulationOptions { Dt = dt, Steps = steps, RecordEvery = steps, Integrator = integrator });
        var theta = run.FinalPhases.data<double>().ToArray();
        double exact = ClosedFormPhaseDifference(1.5, 1.0, duration);
        double difference = theta[1] - theta[0] - exact;
        return Math.Abs(Math.Atan2(Math.Sin(difference), Math.Cos(difference)));
    }

    [Theory]
    [InlineData(Integrator.Euler, 1)]
    [InlineData(Integrator.Heun, 2)]
    [InlineData(Integrator.RungeKutta4, 4)]
    public void IntegratorsConvergeAtTheirOrderOnTwoOscillators(Integrator integrator, int order)
    {
        double coarse = FinalError(integrator, 0.1, 6), fine = FinalError(integrator, 0.05, 6), finer = FinalError(integrator, 0.025, 6);
        double rate1 = Math.Log2(coarse / fine), rate2 = Math.Log2(fine / finer);
        Assert.InRange(rate2, order - 0.2, order + 0.2);
        Assert.InRange(rate1, order - 0.4, order + 0.4);
    }
}
