using TorchSharp;
using static TorchSharp.torch;

namespace Phosphene.Synchrony;

/// <summary>
/// The synchronisation transition: r∞ against the coupling strength K, with every K simulated in one batch (K is a
/// per-network tensor), several independent networks per K, and the mean-field theory alongside (Kuramoto 1975).
/// </summary>
public static class CouplingSweep
{
    /// <summary>
    /// Simulates <paramref name="networksPerCoupling"/> networks of <paramref name="oscillators"/> oscillators for each
    /// coupling strength, frequencies from <paramref name="distribution"/>, uniform random initial phases.
    /// </summary>
    /// <param name="distribution">Natural frequencies g(ω).</param>
    /// <param name="couplings">Coupling strengths K to sweep.</param>
    /// <param name="oscillators">N per network.</param>
    /// <param name="networksPerCoupling">Independent networks per K (default 4).</param>
    /// <param name="options">Simulation options (default <see cref="SimulationOptions"/>).</param>
    /// <param name="topology">Coupling topology (default all-to-all); it must fit every batch.</param>
    /// <param name="sampling">How frequencies are drawn (default quantiles, the low-noise choice for a phase diagram).</param>
    /// <param name="seed">Seed of frequencies and initial phases (default 0).</param>
    /// <param name="batchSize">At most this many networks are simulated at once (default all), to bound memory.</param>
    /// <param name="progress">Receives simulation progress of each batch.</param>
    /// <param name="cancellation">Stops the sweep.</param>
    /// <exception cref="PhospheneException">No couplings, or invalid sizes.</exception>
    public static CouplingSweepResult Run(FrequencyDistribution distribution, IReadOnlyList<double> couplings, int oscillators,
                                          int networksPerCoupling = 4, SimulationOptions? options = null, CouplingTopology? topology = null,
                                          FrequencySampling sampling = FrequencySampling.Quantile, int seed = 0, int? batchSize = null,
                                          IProgress<SimulationProgress>? progress = null, CancellationToken cancellation = default)
    {
        if (couplings.Count == 0) throw new PhospheneException("a coupling sweep needs at least one coupling strength");
        if (networksPerCoupling < 1) throw new PhospheneException($"networks per coupling must be at least 1, got {networksPerCoupling}");
        if (batchSize is < 1) throw new PhospheneException($"batch size must be at least 1, got {batchSize}");
        options ??= new SimulationOptions();
        options.Validate();
        var all = couplings.SelectMany(k => Enumerable.Repeat(k, networksPerCoupling)).ToArray();
        int chunk = batchSize ?? all.Length;
        var pieces = new List<Tensor>();
        var rInfinity = new double[all.Length];
        IReadOnlyList<double>? times = null;
        using var scope = NewDisposeScope();
        // Frequencies and phases are drawn for all networks first, so the numbers do not depend on the batch size.
        var allOmega = distribution.Sample(all.Length, oscillators, seed, sampling);
        var allTheta = InitialPhases.Uniform(all.Length, oscillators, seed);
        for (int start = 0; start < all.Length; start += chunk)
        {
            var ks = all.Skip(start).Take(chunk).ToArray();
            var omega = allOmega.narrow(0, start, ks.Length);
            var theta = allTheta.narrow(0, start, ks.Length);
            using var model = new KuramotoModel(omega, ks, topology);
            using var run = KuramotoSimulator.Simulate(model, theta, options, progress, cancellation);
            pieces.Add(run.R.clone());
            for (int i = 0; i < ks.Length; i++) rInfinity[start + i] = run.RInfinity[i];
            times = run.Times;
        }
        var r = cat(pieces, 0).view(couplings.Count, networksPerCoupling, -1);
        return new CouplingSweepResult(distribution, couplings.ToArray(), oscillators, rInfinity, r.MoveToOuterDisposeScope(), times!.ToArray(), options);
    }
}

/// <summary>The outcome of a <see cref="CouplingSweep"/>: r(t) for K × B networks, r∞ per K, and the theory. Owns <see cref="R"/>.</summary>
public sealed class CouplingSweepResult : IDisposable
{
    internal CouplingSweepResult(FrequencyDistribution distribution, double[] coupling, int oscillators, double[] rInfinityPerNetwork,
                                 Tensor r, double[] times, SimulationOptions options)
    {
        Distribution = distribution;
        Coupling = coupling;
        Oscillators = oscillators;
        R = r.DetachFromDisposeScope();
        Times = times;
        Options = options;
        int b = (int)r.shape[1];
        RInfinityPerNetwork = Enumerable.Range(0, coupling.Length).Select(k => rInfinityPerNetwork.Skip(k * b).Take(b).ToArray()).ToArray();
        RInfinity = RInfinityPerNetwork.Select(v => v.Average()).ToArray();
        Theory = coupling.Select(k => KuramotoTheory.StationaryCoherence(distribution, k)).ToArray();
    }

    /// <summary>The frequency law.</summary>
    public FrequencyDistribution Distribution { get; }
    /// <summary>Coupling strengths K (length K).</summary>
    public IReadOnlyList<double> Coupling { get; }
    /// <summary>Oscillators per network N.</summary>
    public int Oscillators { get; }
    /// <summary>r∞ per K: the mean of r over the last fifth of the run (see <see cref="SimulationOptions.MeasureFraction"/>), averaged over the networks.</summary>
    public IReadOnlyList<double> RInfinity { get; }
    /// <summary>r∞ of each network, K × B.</summary>
    public IReadOnlyList<double[]> RInfinityPerNetwork { get; }
    /// <summary>r(t) for every network, a K×B×T tensor.</summary>
    public Tensor R { get; }
    /// <summary>Sample times (length T).</summary>
    public IReadOnlyList<double> Times { get; }
    /// <summary>The mean-field prediction r∞(K) for N → ∞ (<see cref="KuramotoTheory.StationaryCoherence"/>).</summary>
    public IReadOnlyList<double> Theory { get; }
    /// <summary>Critical coupling Kc of the distribution.</summary>
    public double CriticalCoupling => Distribution.CriticalCoupling;
    /// <summary>The simulation options used.</summary>
    public SimulationOptions Options { get; }

    /// <inheritdoc />
    public override string ToString() => FormattableString.Invariant(
        $"coupling sweep: {Coupling.Count} values of K in [{Coupling.Min():G3}, {Coupling.Max():G3}], {R.shape[1]} networks × {Oscillators} oscillators, {Distribution}, Kc = {CriticalCoupling:G4}");

    /// <inheritdoc />
    public void Dispose() => R.Dispose();
}
