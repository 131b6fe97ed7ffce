using TorchSharp;
using static TorchSharp.torch;

namespace Phosphene.Synchrony;

/// <summary>
/// Seeded initial conditions θ(0) for B networks of N oscillators (B×N radians). The random stream for a seed is
/// independent of <see cref="FrequencyDistribution.Sample"/>'s for the same seed, so phases and frequencies are
/// uncorrelated.
/// </summary>
public static class InitialPhases
{
    /// <summary>Independent uniform phases on [0, 2π): incoherent, r(0) ≈ 1/√N.</summary>
    public static Tensor Uniform(long networks, long oscillators, long seed = 0, ScalarType dtype = ScalarType.Float32)
    {
        CheckSize(networks, oscillators);
        using var scope = NewDisposeScope();
        using var generator = PhaseGenerator(seed);
        return empty(networks, oscillators, dtype: ScalarType.Float64).uniform_(0, 2 * Math.PI, generator)
            .to_type(dtype).MoveToOuterDisposeScope();
    }

    /// <summary>All phases equal to <paramref name="phase"/>: perfect synchrony, r(0) = 1.</summary>
    public static Tensor Synchronized(long networks, long oscillators, double phase = 0, ScalarType dtype = ScalarType.Float32)
    {
        CheckSize(networks, oscillators);
        return full(networks, oscillators, phase, dtype: dtype);
    }

    /// <summary>
    /// Phases drawn from the wrapped Cauchy (Poisson kernel) law with coherence <paramref name="coherence"/> = r₀ around
    /// 0, independently of the frequencies: the initial state that lies on the Ott–Antonsen manifold (Ott and Antonsen
    /// 2008, "Low dimensional behavior of large systems of globally coupled oscillators"), so that r(t) of a Lorentzian
    /// population follows <see cref="KuramotoTheory.OttAntonsen(double, double, double, double)"/> from t = 0. Sampled at the N quantiles in a seeded
    /// random order, so the empirical r(0) equals r₀ up to O(1/N).
    /// </summary>
    public static Tensor WrappedCauchy(long networks, long oscillators, double coherence, long seed = 0, ScalarType dtype = ScalarType.Float32)
    {
        CheckSize(networks, oscillators);
        if (!(coherence > 0 && coherence < 1))
            throw new PhospheneException($"wrapped-Cauchy coherence must lie in (0, 1), got {coherence}");
        // θ = 2 atan(((1 − ρ)/(1 + ρ)) tan(π(u − ½))) has density (1 − ρ²) / (2π(1 + ρ² − 2ρ cos θ)).
        double factor = (1 - coherence) / (1 + coherence);
        var levels = new double[oscillators];
        for (long i = 0; i < oscillators; i++) levels[i] = 2 * Math.Atan(factor * Math.Tan(Math.PI * ((i + 0.5) / oscillators - 0.5)));
        using var scope = NewDisposeScope();
        using var generator = PhaseGenerator(seed);
        var sorted = tensor(levels);
        var rows = new Tensor[networks];
        for (long b = 0; b < networks; b++) rows[b] = sorted.index_select(0, randperm(oscillators, generator: generator));
        return stack(rows).to_type(dtype).MoveToOuterDisposeScope();
    }

    // Phases draw from a stream distinct from FrequencyDistribution.Sample's for the same seed: with one stream,
    // uniform phases and Cauchy frequencies (both inverse-CDF transforms of the same uniforms) would be correlated.
    static Generator PhaseGenerator(long seed) => new(unchecked((ulong)seed * 0x9E3779B97F4A7C15UL + 0x5EED));

    static void CheckSize(long networks, long oscillators)
    {
        if (networks < 1 || oscillators < 1)
            throw new PhospheneException($"need at least one network of one oscillator, got {networks}×{oscillators}");
    }
}
