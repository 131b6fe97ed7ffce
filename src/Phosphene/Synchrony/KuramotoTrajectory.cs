using TorchSharp;
using static TorchSharp.torch;

namespace Phosphene.Synchrony;

/// <summary>
/// What a <see cref="KuramotoSimulator"/> run recorded for B networks at T sample times: r(t), ψ(t), optionally θ(t),
/// the final phases, r∞ and the effective frequencies. Owns its tensors.
/// </summary>
public sealed class KuramotoTrajectory : IDisposable
{
    /// <summary>Sample times (length T): 0, stride·dt, 2·stride·dt, ….</summary>
    public IReadOnlyList<double> Times { get; }
    /// <summary>Coupling strength K of each network (length B).</summary>
    public IReadOnlyList<double> Coupling { get; }
    /// <summary>Coherence r(t), B×T.</summary>
    public Tensor R { get; }
    /// <summary>Mean phase ψ(t) in (−π, π], B×T.</summary>
    public Tensor Psi { get; }
    /// <summary>Phases θ(t) wrapped to [0, 2π), B×N×T, or null unless <see cref="SimulationOptions.RecordPhases"/>.</summary>
    public Tensor? Phases { get; }
    /// <summary>Phases at the end of the run, wrapped to [0, 2π), B×N.</summary>
    public Tensor FinalPhases { get; }
    /// <summary>
    /// Effective frequencies ⟨dθᵢ/dt⟩ over the measuring window (the last <see cref="SimulationOptions.MeasureFraction"/>
    /// of the run), B×N: locked oscillators share the group frequency, drifting ones keep their own.
    /// </summary>
    public Tensor EffectiveFrequencies { get; }
    /// <summary>Stationary coherence r∞ per network: the mean of r over the samples in the measuring window (length B).</summary>
    public IReadOnlyList<double> RInfinity { get; }
    /// <summary>The options of the run.</summary>
    public SimulationOptions Options { get; }
    /// <summary>Wall time of the run.</summary>
    public TimeSpan Elapsed { get; }

    internal KuramotoTrajectory(double[] times, double[] coupling, Tensor r, Tensor psi, Tensor? phases, Tensor finalPhases,
                                Tensor effectiveFrequencies, SimulationOptions options, TimeSpan elapsed)
    {
        Times = times;
        Coupling = coupling;
        R = r.DetachFromDisposeScope();
        Psi = psi.DetachFromDisposeScope();
        Phases = phases?.DetachFromDisposeScope();
        FinalPhases = finalPhases.DetachFromDisposeScope();
        EffectiveFrequencies = effectiveFrequencies.DetachFromDisposeScope();
        Options = options;
        Elapsed = elapsed;
        double start = times[^1] - options.MeasureFraction * options.Duration - 1e-9 * options.Dt;
        int first = Array.FindIndex(times, t => t >= start);
        using var scope = NewDisposeScope();
        RInfinity = R.narrow(1, first, times.Length - first).to_type(ScalarType.Float64).mean([1]).data<double>().ToArray();
    }

    /// <summary>Number of networks B.</summary>
    public long Networks => R.shape[0];

    /// <summary>r(t) of one network as doubles.</summary>
    public double[] RSeries(long network)
    {
        using var scope = NewDisposeScope();
        return R[network].to_type(ScalarType.Float64).data<double>().ToArray();
    }

    /// <inheritdoc />
    public override string ToString() => FormattableString.Invariant(
        $"Kuramoto trajectory: {Networks} networks × {FinalPhases.shape[1]} oscillators, t = 0…{Times[^1]:G4} ({Times.Count} samples), mean r∞ = {RInfinity.Average():F3}");

    /// <inheritdoc />
    public void Dispose()
    {
        R.Dispose();
        Psi.Dispose();
        Phases?.Dispose();
        FinalPhases.Dispose();
        EffectiveFrequencies.Dispose();
    }
}
