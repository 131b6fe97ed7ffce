using System.Text.Json.Nodes;
using Phosphene.Results;
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
    /// <param name="progress">Receives the sweep's progress: the steps of every batch, counted over the whole sweep.</param>
    /// <param name="cancellation">Stops the sweep.</param>
    /// <param name="dynamics">Phase lag, noise and external field of every network (default none).</param>
    /// <exception cref="PhospheneException">No couplings, or invalid sizes.</exception>
    public static CouplingSweepResult Run(FrequencyDistribution distribution, IReadOnlyList<double> couplings, int oscillators,
                                          int networksPerCoupling = 4, SimulationOptions? options = null, CouplingTopology? topology = null,
                                          FrequencySampling sampling = FrequencySampling.Quantile, long seed = 0, int? batchSize = null,
                                          IProgress<SimulationProgress>? progress = null, CancellationToken cancellation = default,
                                          OscillatorDynamics? dynamics = null)
    {
        if (couplings.Count == 0) throw new PhospheneException("a coupling sweep needs at least one coupling strength");
        if (networksPerCoupling < 1) throw new PhospheneException($"networks per coupling must be at least 1, got {networksPerCoupling}");
        using var scope = NewDisposeScope();
        // Frequencies and phases are drawn for all networks first, so the numbers do not depend on the batch size.
        var omega = distribution.Sample(couplings.Count * networksPerCoupling, oscillators, seed, sampling);
        return Sweep(distribution, omega, couplings, networksPerCoupling, options, topology, seed, batchSize, progress, cancellation, dynamics);
    }

    /// <summary>
    /// Sweeps the coupling over networks with given natural frequencies: <paramref name="frequencies"/> is N (one
    /// network) or B×N (B networks), float32 or float64, and every K runs all B networks. No theory curve.
    /// </summary>
    /// <exception cref="PhospheneException">Frequencies that are not N or B×N floats, or invalid sizes.</exception>
    public static CouplingSweepResult Run(Tensor frequencies, IReadOnlyList<double> couplings, SimulationOptions? options = null,
                                          CouplingTopology? topology = null, long seed = 0, int? batchSize = null,
                                          IProgress<SimulationProgress>? progress = null, CancellationToken cancellation = default,
                                          OscillatorDynamics? dynamics = null)
    {
        if (frequencies.dim() is not (1 or 2) || !is_floating_point(frequencies))
            throw new PhospheneException($"frequencies must be a float N or B×N tensor, got {frequencies.dtype} [{string.Join(", ", frequencies.shape)}]");
        if (couplings.Count == 0) throw new PhospheneException("a coupling sweep needs at least one coupling strength");
        using var scope = NewDisposeScope();
        var perNetwork = frequencies.dim() == 1 ? frequencies.unsqueeze(0) : frequencies;
        int b = (int)perNetwork.shape[0];
        var omega = perNetwork.detach().repeat(couplings.Count, 1).contiguous();
        return Sweep(null, omega, couplings, b, options, topology, seed, batchSize, progress, cancellation, dynamics);
    }

    static CouplingSweepResult Sweep(FrequencyDistribution? distribution, Tensor allOmega, IReadOnlyList<double> couplings, int networksPerCoupling,
                                     SimulationOptions? options, CouplingTopology? topology, long seed, int? batchSize,
                                     IProgress<SimulationProgress>? progress, CancellationToken cancellation, OscillatorDynamics? dynamics)
    {
        dynamics ??= new OscillatorDynamics();
        if (batchSize is < 1) throw new PhospheneException($"batch size must be at least 1, got {batchSize}");
        options ??= new SimulationOptions();
        options.Validate();
        var all = couplings.SelectMany(k => Enumerable.Repeat(k, networksPerCoupling)).ToArray();
        int oscillators = (int)allOmega.shape[1];
        int chunk = batchSize ?? all.Length;
        var pieces = new List<Tensor>();
        var finals = new List<Tensor>();
        var phases = new List<Tensor>();
        var rInfinity = new double[all.Length];
        IReadOnlyList<double>? times = null;
        using var scope = NewDisposeScope();
        var allTheta = InitialPhases.Uniform(all.Length, oscillators, seed, allOmega.dtype);
        int chunks = (all.Length + chunk - 1) / chunk;
        for (int start = 0; start < all.Length; start += chunk)
        {
            var chunkProgress = progress is null ? null : new ChunkProgress(progress, start / chunk * options.Steps, chunks * options.Steps);
            var ks = all.Skip(start).Take(chunk).ToArray();
            var omega = allOmega.narrow(0, start, ks.Length);
            var theta = allTheta.narrow(0, start, ks.Length);
            using var model = new KuramotoModel(omega, ks, topology)
            {
                PhaseLag = dynamics.PhaseLag, NoiseIntensity = dynamics.NoiseIntensity,
                FieldStrength = dynamics.FieldStrength, FieldFrequency = dynamics.FieldFrequency,
            };
            using var run = KuramotoSimulator.Simulate(model, theta, options, chunkProgress, cancellation);
            pieces.Add(run.R.clone());
            finals.Add(run.FinalPhases.clone());
            if (run.Phases is not null) phases.Add(run.Phases.clone());
            for (int i = 0; i < ks.Length; i++) rInfinity[start + i] = run.RInfinity[i];
            times = run.Times;
        }
        long k = couplings.Count;
        var r = cat(pieces, 0).view(k, networksPerCoupling, -1);
        var final = cat(finals, 0).view(k, networksPerCoupling, oscillators);
        var recorded = phases.Count > 0 ? cat(phases, 0).view(k, networksPerCoupling, oscillators, -1) : null;
        return new CouplingSweepResult(distribution, couplings.ToArray(), oscillators, rInfinity, r, allOmega.view(k, networksPerCoupling, oscillators),
                                       final, recorded, times!.ToArray(), options);
    }

    // One batch's steps continue the sweep's count: batch c reports c·Steps + step of (batches·Steps).
    sealed class ChunkProgress(IProgress<SimulationProgress> sweep, int offset, int total) : IProgress<SimulationProgress>
    {
        public void Report(SimulationProgress value) => sweep.Report(value with { Step = offset + value.Step, Steps = total });
    }
}

/// <summary>The terms of the Kuramoto equation besides coupling (see <see cref="KuramotoModel"/>), shared by every network of a sweep.</summary>
/// <param name="PhaseLag">Sakaguchi phase lag α (radians).</param>
/// <param name="NoiseIntensity">Noise intensity D ≥ 0.</param>
/// <param name="FieldStrength">External field strength h.</param>
/// <param name="FieldFrequency">External field frequency Ω.</param>
public sealed record OscillatorDynamics(double PhaseLag = 0, double NoiseIntensity = 0, double FieldStrength = 0, double FieldFrequency = 0);

/// <summary>The outcome of a <see cref="CouplingSweep"/>: r(t) for K × B networks, r∞ per K, and the theory. Owns <see cref="R"/>.</summary>
public sealed class CouplingSweepResult : IDisposable
{
    internal CouplingSweepResult(FrequencyDistribution? distribution, double[] coupling, int oscillators, double[] rInfinityPerNetwork,
                                 Tensor r, Tensor frequencies, Tensor finalPhases, Tensor? phases, double[] times, SimulationOptions options)
    {
        Distribution = distribution;
        Coupling = coupling;
        Oscillators = oscillators;
        R = r.contiguous().DetachFromDisposeScope();
        Frequencies = frequencies.contiguous().DetachFromDisposeScope();
        FinalPhases = finalPhases.contiguous().DetachFromDisposeScope();
        Phases = phases?.contiguous().DetachFromDisposeScope();
        Times = times;
        Options = options;
        int b = (int)r.shape[1];
        RInfinityPerNetwork = Enumerable.Range(0, coupling.Length).Select(k => rInfinityPerNetwork.Skip(k * b).Take(b).ToArray()).ToArray();
        RInfinity = RInfinityPerNetwork.Select(v => v.Average()).ToArray();
        Theory = distribution is null ? [] : coupling.Select(k => KuramotoTheory.StationaryCoherence(distribution, k)).ToArray();
    }

    /// <summary>The frequency law, or null when the frequencies were given.</summary>
    public FrequencyDistribution? Distribution { get; }
    /// <summary>Natural frequencies, K×B×N.</summary>
    public Tensor Frequencies { get; }
    /// <summary>Phases at the end of the run in [0, 2π), K×B×N.</summary>
    public Tensor FinalPhases { get; }
    /// <summary>Recorded phases θ(t), K×B×N×T, when <see cref="SimulationOptions.RecordPhases"/> was set; else null.</summary>
    public Tensor? Phases { get; }
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
    /// <summary>The mean-field prediction r∞(K) for N → ∞ (<see cref="KuramotoTheory.StationaryCoherence"/>); empty without a distribution.</summary>
    public IReadOnlyList<double> Theory { get; }
    /// <summary>Critical coupling Kc of the distribution (NaN when the frequencies were given).</summary>
    public double CriticalCoupling => Distribution?.CriticalCoupling ?? double.NaN;
    /// <summary>The simulation options used.</summary>
    public SimulationOptions Options { get; }

    /// <inheritdoc />
    public override string ToString()
    {
        string law = Distribution is null ? "given frequencies" : FormattableString.Invariant($"ω ~ {Distribution}, Kc = {CriticalCoupling:G4}");
        string r = string.Join(", ", RInfinity.Select(v => v.ToString("F3", System.Globalization.CultureInfo.InvariantCulture)));
        return FormattableString.Invariant(
            $"coupling sweep: {Coupling.Count} values of K in [{Coupling.Min():G3}, {Coupling.Max():G3}], {R.shape[1]} networks × {Oscillators} oscillators, {law}; r∞ = {r}");
    }

    /// <summary>
    /// Saves the sweep to <paramref name="path"/> (see <see cref="ResultFile"/>): r(t), the frequencies and the phases as
    /// tensors (<c>r</c>, <c>frequencies</c>, <c>final_phases</c>, <c>phases</c> when recorded), the couplings, times,
    /// r∞ per network, frequency law and options as values. <see cref="Load"/> reads it back.
    /// </summary>
    /// <exception cref="PhospheneException">The path cannot be written.</exception>
    public void Save(string path)
    {
        var values = new JsonObject
        {
            ["coupling"] = ResultFile.Numbers(Coupling),
            ["oscillators"] = Oscillators,
            ["rInfinityPerNetwork"] = ResultFile.Numbers(RInfinityPerNetwork.SelectMany(v => v)),
            ["times"] = ResultFile.Numbers(Times),
            ["distribution"] = Distribution switch
            {
                null => null,
                LorentzianFrequencies l => new JsonObject { ["law"] = "lorentz", ["center"] = l.Center, ["gamma"] = l.Gamma },
                GaussianFrequencies g => new JsonObject { ["law"] = "normal", ["center"] = g.Center, ["sigma"] = g.Sigma },
                UniformFrequencies u => new JsonObject { ["law"] = "uniform", ["center"] = u.Center, ["halfWidth"] = u.HalfWidth },
                _ => throw new PhospheneException($"cannot save a sweep over a {Distribution.GetType().Name} frequency law"),
            },
            ["options"] = new JsonObject
            {
                ["dt"] = Options.Dt, ["steps"] = Options.Steps, ["integrator"] = Options.Integrator.ToString(),
                ["recordEvery"] = Options.RecordEvery, ["recordPhases"] = Options.RecordPhases,
                ["measureFraction"] = Options.MeasureFraction, ["seed"] = Options.Seed, ["progressReports"] = Options.ProgressReports,
            },
        };
        var tensors = new List<(string, Tensor)> { ("r", R), ("frequencies", Frequencies), ("final_phases", FinalPhases) };
        if (Phases is not null) tensors.Add(("phases", Phases));
        ResultFile.Write(path, nameof(CouplingSweepResult), values, tensors);
    }

    /// <summary>Reads a sweep written by <see cref="Save"/>; the new result owns its tensors.</summary>
    /// <exception cref="PhospheneException">A missing or damaged file, or one that holds another type of result.</exception>
    public static CouplingSweepResult Load(string path)
    {
        using var file = ResultFile.Open(path, nameof(CouplingSweepResult));
        var options = file.Value("options");
        var simulation = new SimulationOptions
        {
            Dt = (double)options["dt"]!, Steps = (int)options["steps"]!, Integrator = Enum.Parse<Integrator>((string)options["integrator"]!),
            RecordEvery = (int)options["recordEvery"]!, RecordPhases = (bool)options["recordPhases"]!,
            MeasureFraction = (double)options["measureFraction"]!, Seed = (long)options["seed"]!, ProgressReports = (int)options["progressReports"]!,
        };
        FrequencyDistribution? distribution = file.Values["distribution"] is not { } law ? null : (string?)law["law"] switch
        {
            "lorentz" => new LorentzianFrequencies((double)law["center"]!, (double)law["gamma"]!),
            "normal" => new GaussianFrequencies((double)law["center"]!, (double)law["sigma"]!),
            "uniform" => new UniformFrequencies((double)law["center"]!, (double)law["halfWidth"]!),
            var other => throw new PhospheneException($"'{path}': unknown frequency law '{other}'"),
        };
        using var scope = torch.NewDisposeScope();
        var r = file.Tensor("r");
        var frequencies = file.Tensor("frequencies");
        var finalPhases = file.Tensor("final_phases");
        var phases = file.OptionalTensor("phases");
        // The constructor detaches what it keeps from this scope; the scope frees the rest on failure.
        return new CouplingSweepResult(distribution, ResultFile.Numbers(file.Value("coupling")), (int)file.Value("oscillators"),
            ResultFile.Numbers(file.Value("rInfinityPerNetwork")), r, frequencies, finalPhases, phases,
            ResultFile.Numbers(file.Value("times")), simulation);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        R.Dispose();
        Frequencies.Dispose();
        FinalPhases.Dispose();
        Phases?.Dispose();
    }
}
