using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

namespace Phosphene.Synchrony;

/// <summary>
/// B independent Kuramoto networks of N phase oscillators (Kuramoto 1975, "Self-entrainment of a population of
/// coupled non-linear oscillators"; review: Acebrón et al. 2005, "The Kuramoto model: A simple paradigm for
/// synchronization phenomena"):
/// <code>dθᵢ/dt = ωᵢ + K Σⱼ Aᵢⱼ sin(θⱼ − θᵢ − α) + h sin(Ωt − θᵢ) + √(2D) ξᵢ(t)</code>
/// with natural frequencies ω (B×N), a coupling strength K per network (so a coupling sweep is one batch), a topology
/// A (<see cref="CouplingTopology"/>; all-to-all Aᵢⱼ = 1/N by default), the Sakaguchi phase lag α, an external field
/// of strength h rotating at Ω, and Gaussian white noise of intensity D.
/// </summary>
/// <remarks>
/// The model references the frequency tensor and topology it is given (no copy); it owns and disposes only the
/// coupling tensor it builds from numbers.
/// </remarks>
public sealed class KuramotoModel : IDisposable
{
    readonly bool ownsCoupling;
    double phaseLag, fieldStrength, fieldFrequency, noiseIntensity;

    /// <summary>Natural frequencies ω, B×N (float32 or float64; the simulation runs in this dtype).</summary>
    public Tensor Frequencies { get; }
    /// <summary>Coupling strength K per network, a B-vector of the frequencies' dtype.</summary>
    public Tensor Coupling { get; }
    /// <summary>The topology A (default all-to-all).</summary>
    public CouplingTopology Topology { get; }
    /// <summary>Number of networks B.</summary>
    public long Networks => Frequencies.shape[0];
    /// <summary>Oscillators per network N.</summary>
    public long Oscillators => Frequencies.shape[1];

    /// <summary>Sakaguchi phase lag α in radians (default 0), |α| &lt; π/2 for attractive coupling.</summary>
    public double PhaseLag { get => phaseLag; init => phaseLag = Finite(value, nameof(PhaseLag)); }
    /// <summary>External field strength h (default 0: no field).</summary>
    public double FieldStrength { get => fieldStrength; init => fieldStrength = Finite(value, nameof(FieldStrength)); }
    /// <summary>Angular frequency Ω of the external field (default 0: a static field pulling towards phase 0).</summary>
    public double FieldFrequency { get => fieldFrequency; init => fieldFrequency = Finite(value, nameof(FieldFrequency)); }
    /// <summary>Noise intensity D ≥ 0 (default 0): each step adds √(2D·dt) times a standard normal (Euler–Maruyama).</summary>
    public double NoiseIntensity
    {
        get => noiseIntensity;
        init => noiseIntensity = value >= 0 && double.IsFinite(value) ? value
            : throw new PhospheneException($"noise intensity must be zero or positive, got {value.ToString(CultureInfo.InvariantCulture)}");
    }

    /// <summary>Networks sharing one coupling strength K.</summary>
    public KuramotoModel(Tensor frequencies, double coupling, CouplingTopology? topology = null)
        : this(frequencies, Enumerable.Repeat(coupling, (int)CheckFrequencies(frequencies).shape[0]).ToArray(), topology) { }

    /// <summary>One coupling strength per network (length B), e.g. a sweep over K in one batch.</summary>
    public KuramotoModel(Tensor frequencies, double[] couplings, CouplingTopology? topology = null)
        : this(frequencies, MakeCoupling(frequencies, couplings), topology, owns: true) { }

    /// <summary>Coupling strengths as a tensor: a scalar or a B-vector (gradients flow through it).</summary>
    /// <exception cref="PhospheneException">Shapes or dtypes that do not fit, or a topology that does not fit N.</exception>
    public KuramotoModel(Tensor frequencies, Tensor coupling, CouplingTopology? topology = null)
        : this(frequencies, coupling, topology, owns: false) { }

    KuramotoModel(Tensor frequencies, Tensor coupling, CouplingTopology? topology, bool owns)
    {
        CheckFrequencies(frequencies);
        long b = frequencies.shape[0];
        if (coupling.dim() > 1 || (coupling.dim() == 1 && coupling.shape[0] != b))
            throw new PhospheneException(
                $"coupling must be a scalar or one value per network ({b}), got shape [{string.Join(", ", coupling.shape)}]");
        if (coupling.dtype != frequencies.dtype)
            throw new PhospheneException($"coupling is {coupling.dtype} but the frequencies are {frequencies.dtype}; use one dtype");
        Topology = topology ?? new AllToAllCoupling();
        Topology.Check(b, frequencies.shape[1]);
        Frequencies = frequencies;
        Coupling = coupling.dim() == 0 ? coupling.expand(b).DetachFromDisposeScope() : coupling;
        ownsCoupling = owns || coupling.dim() == 0;
    }

    static Tensor CheckFrequencies(Tensor frequencies)
    {
        if (frequencies.dim() != 2 || frequencies.dtype is not (ScalarType.Float32 or ScalarType.Float64))
            throw new PhospheneException(
                $"frequencies must be a float32 or float64 B×N tensor (networks × oscillators), got {frequencies.dtype} [{string.Join(", ", frequencies.shape)}]");
        return frequencies;
    }

    static Tensor MakeCoupling(Tensor frequencies, double[] couplings)
    {
        CheckFrequencies(frequencies);
        if (couplings.Length != frequencies.shape[0])
            throw new PhospheneException($"{couplings.Length} coupling values for {frequencies.shape[0]} networks; give one per network");
        if (couplings.Any(k => !double.IsFinite(k))) throw new PhospheneException("coupling strengths must be finite numbers");
        return tensor(couplings.ToArray(), dtype: ScalarType.Float64).to_type(frequencies.dtype).DetachFromDisposeScope();
    }

    static double Finite(double value, string name) => double.IsFinite(value) ? value
        : throw new PhospheneException($"{name} must be a finite number, got {value.ToString(CultureInfo.InvariantCulture)}");

    /// <summary>
    /// The deterministic right-hand side dθ/dt at time <paramref name="time"/> for B×N <paramref name="phases"/>
    /// (noise excluded): a new B×N tensor, differentiable with respect to the phases, frequencies, coupling and
    /// topology weights.
    /// </summary>
    /// <exception cref="PhospheneException">The phases do not match the model's B×N shape or dtype.</exception>
    public Tensor Velocity(Tensor phases, double time = 0)
    {
        CheckPhases(phases);
        using var scope = NewDisposeScope();
        var velocity = Frequencies + Coupling.unsqueeze(1) * Topology.Interaction(phases, PhaseLag);
        if (FieldStrength != 0) velocity = velocity + FieldStrength * (FieldFrequency * time - phases).sin();
        return velocity.MoveToOuterDisposeScope();
    }

    internal void CheckPhases(Tensor phases)
    {
        if (phases.dim() != 2 || phases.shape[0] != Networks || phases.shape[1] != Oscillators)
            throw new PhospheneException(
                $"phases must be {Networks}×{Oscillators} (networks × oscillators) to match the frequencies, got [{string.Join(", ", phases.shape)}]");
        if (phases.dtype != Frequencies.dtype)
            throw new PhospheneException($"phases are {phases.dtype} but the frequencies are {Frequencies.dtype}; use one dtype");
    }

    /// <summary>dθ/dt written into <paramref name="output"/>, in place on the workspace's buffers (no grad, no allocation).</summary>
    internal void VelocityInto(Tensor phases, double time, SimulationWorkspace workspace, Tensor output)
    {
        workspace.Sin.copy_(phases).sin_();
        workspace.Cos.copy_(phases).cos_();
        Topology.InteractionInto(phases, workspace.Sin, workspace.Cos, PhaseLag, workspace.Coupling, output);
        output.mul_(workspace.CouplingColumn);
        if (FieldStrength != 0)
        {
            // h sin(Ωt − θ) = h sin Ωt · cos θ − h cos Ωt · sin θ
            output.add_(workspace.Cos, FieldStrength * Math.Sin(FieldFrequency * time));
            output.add_(workspace.Sin, -FieldStrength * Math.Cos(FieldFrequency * time));
        }
        output.add_(Frequencies);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (ownsCoupling) Coupling.Dispose();
    }
}

/// <summary>Every buffer one simulation step needs, allocated once.</summary>
internal sealed class SimulationWorkspace : IDisposable
{
    public Tensor Sin { get; }
    public Tensor Cos { get; }
    public Tensor CouplingColumn { get; }
    public CouplingWorkspace Coupling { get; }

    public SimulationWorkspace(KuramotoModel model)
    {
        long b = model.Networks, n = model.Oscillators;
        var dtype = model.Frequencies.dtype;
        Sin = zeros(b, n, dtype: dtype).DetachFromDisposeScope();
        Cos = zeros(b, n, dtype: dtype).DetachFromDisposeScope();
        CouplingColumn = model.Coupling.detach().reshape(b, 1).clone().DetachFromDisposeScope();
        Coupling = model.Topology.CreateWorkspace(b, n, dtype);
    }

    public void Dispose()
    {
        Sin.Dispose();
        Cos.Dispose();
        CouplingColumn.Dispose();
        Coupling.Dispose();
    }
}
