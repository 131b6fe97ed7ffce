using TorchSharp;
using static TorchSharp.torch;

namespace Phosphene.Synchrony;

/// <summary>
/// Mean-field theory of the all-to-all Kuramoto model in the N → ∞ limit (Kuramoto 1975; Strogatz 2000, "From
/// Kuramoto to Crawford: exploring the onset of synchronization in populations of coupled oscillators"; Ott and
/// Antonsen 2008, "Low dimensional behavior of large systems of globally coupled oscillators").
/// </summary>
public static class KuramotoTheory
{
    /// <summary>Critical coupling Kc = 2 / (π g(centre)): 2γ (Lorentzian), σ√(8/π) (Gaussian), 4γ/π (uniform).</summary>
    public static double CriticalCoupling(FrequencyDistribution distribution) => distribution.CriticalCoupling;

    /// <summary>
    /// Stationary coherence r∞(K) of the partially locked state: √(1 − 2γ/K) for a Lorentzian; for other laws the
    /// root of the self-consistency equation 1 = K ∫ cos²φ g(Kr sin φ) dφ over (−π/2, π/2), found by bisection on a
    /// 2000-panel Simpson rule. 0 at and below Kc.
    /// </summary>
    public static double StationaryCoherence(FrequencyDistribution distribution, double coupling)
    {
        double kc = distribution.CriticalCoupling;
        if (coupling <= kc) return 0;
        if (distribution is LorentzianFrequencies) return Math.Sqrt(1 - kc / coupling);
        double Consistency(double r)
        {
            const int panels = 2000;
            double h = Math.PI / panels, sum = 0;
            for (int i = 0; i <= panels; i++)
            {
                double phi = -Math.PI / 2 + i * h, c = Math.Cos(phi);
                double f = c * c * distribution.Density(distribution.Center + coupling * r * Math.Sin(phi));
                sum += f * (i == 0 || i == panels ? 1 : i % 2 == 1 ? 4 : 2);
            }
            return coupling * sum * h / 3;
        }
        if (Consistency(1) >= 1) return 1;
        double lo = 1e-9, hi = 1;
        for (int i = 0; i < 60; i++)
        {
            double mid = (lo + hi) / 2;
            if (Consistency(mid) > 1) lo = mid; else hi = mid;
        }
        return (lo + hi) / 2;
    }

    /// <summary>
    /// The Ott–Antonsen solution for Lorentzian frequencies of half-width γ: r(t) solves
    /// dr/dt = (K/2 − γ) r − (K/2) r³, so with a = K/2 − γ,
    /// r(t) = r₀ e^{at} / √(1 + (K/2a) r₀² (e^{2at} − 1)) (and r₀ / √(1 + K r₀² t) when a = 0).
    /// Exact for N → ∞ from initial phases on the Ott–Antonsen manifold (<see cref="InitialPhases.WrappedCauchy"/>).
    /// </summary>
    public static double OttAntonsen(double coupling, double gamma, double initialCoherence, double time)
    {
        double a = coupling / 2 - gamma, r0 = initialCoherence;
        if (Math.Abs(a) < 1e-12) return r0 / Math.Sqrt(1 + coupling * r0 * r0 * time);
        double growth = Math.Exp(2 * a * time);
        return r0 * Math.Sqrt(growth) / Math.Sqrt(1 + coupling / (2 * a) * r0 * r0 * (growth - 1));
    }

    /// <summary>The Ott–Antonsen r(t) at each of <paramref name="times"/>.</summary>
    public static double[] OttAntonsen(double coupling, double gamma, double initialCoherence, IEnumerable<double> times) =>
        times.Select(t => OttAntonsen(coupling, gamma, initialCoherence, t)).ToArray();

    /// <summary>
    /// The locked set of the stationary state: |ωᵢ − Ω| ≤ K r, for B×N frequencies, per-network coupling K (B) and
    /// coherence r (B), with Ω the common frequency (the centre of a symmetric law). A B×N bool tensor.
    /// </summary>
    public static Tensor LockedSet(Tensor frequencies, Tensor coupling, Tensor coherence, double commonFrequency = 0)
    {
        CheckShapes(frequencies, coupling, coherence);
        using var scope = NewDisposeScope();
        return (frequencies - commonFrequency).abs().le((coupling * coherence).unsqueeze(1)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Predicted effective (time-averaged) frequencies in the stationary state: Ω for locked oscillators and
    /// Ω + sign(ωᵢ − Ω) √((ωᵢ − Ω)² − (K r)²) for drifting ones. B×N, like <paramref name="frequencies"/>.
    /// </summary>
    public static Tensor EffectiveFrequencies(Tensor frequencies, Tensor coupling, Tensor coherence, double commonFrequency = 0)
    {
        CheckShapes(frequencies, coupling, coherence);
        using var scope = NewDisposeScope();
        var detuning = frequencies - commonFrequency;
        var pull = (coupling * coherence).unsqueeze(1);
        var drift = (detuning.square() - pull.square()).clamp_min(0).sqrt() * detuning.sign();
        return (drift + commonFrequency).MoveToOuterDisposeScope();
    }

    static void CheckShapes(Tensor frequencies, Tensor coupling, Tensor coherence)
    {
        if (frequencies.dim() != 2)
            throw new PhospheneException($"frequencies must be B×N, got [{string.Join(", ", frequencies.shape)}]");
        long b = frequencies.shape[0];
        if (coupling.dim() != 1 || coupling.shape[0] != b || coherence.dim() != 1 || coherence.shape[0] != b)
            throw new PhospheneException(
                $"coupling and coherence need one value per network ({b}), got [{string.Join(", ", coupling.shape)}] and [{string.Join(", ", coherence.shape)}]");
    }
}
