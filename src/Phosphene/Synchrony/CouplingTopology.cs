using TorchSharp;
using static TorchSharp.torch;

namespace Phosphene.Synchrony;

/// <summary>
/// Who is coupled to whom in a Kuramoto network, as a weight matrix A (B networks × N oscillators): the coupling term
/// of oscillator i is K Σⱼ Aᵢⱼ sin(θⱼ − θᵢ − α), with K the per-network coupling strength and α the Sakaguchi phase lag
/// (Sakaguchi and Kuramoto 1986, "A soluble active rotator model showing phase transitions via mutual entrainment").
/// Each topology evaluates the sum in its cheapest exact form: the fields Sᵢ = Σⱼ Aᵢⱼ sin θⱼ and Cᵢ = Σⱼ Aᵢⱼ cos θⱼ
/// give Σⱼ Aᵢⱼ sin(θⱼ − θᵢ) = cos θᵢ Sᵢ − sin θᵢ Cᵢ.
/// </summary>
/// <remarks>
/// A topology references the tensors it is given (it does not copy them), so they must outlive it; gradients flow
/// through <see cref="Interaction"/> to them (KuraNet relies on this).
/// </remarks>
public abstract class CouplingTopology
{
    /// <summary>A short description, e.g. <c>all-to-all</c> or <c>grid 32×32</c>.</summary>
    public abstract string Name { get; }

    /// <summary>Checks that the topology fits B networks of N oscillators.</summary>
    /// <exception cref="PhospheneException">It does not; the message says what fits.</exception>
    public abstract void Check(long networks, long oscillators);

    /// <summary>
    /// The fields Sᵢ = Σⱼ Aᵢⱼ sin θⱼ and Cᵢ = Σⱼ Aᵢⱼ cos θⱼ from B×N <paramref name="sin"/> and <paramref name="cos"/>:
    /// B×N tensors, or B×1 when every oscillator sees the same field (all-to-all). Differentiable.
    /// </summary>
    protected internal abstract (Tensor Sin, Tensor Cos) Fields(Tensor sin, Tensor cos);

    /// <summary>
    /// The interaction Σⱼ Aᵢⱼ sin(θⱼ − θᵢ − α) for B×N <paramref name="phases"/> (radians): a new B×N tensor,
    /// differentiable with respect to the phases and to the topology's weights.
    /// </summary>
    /// <exception cref="PhospheneException">The phases are not a floating B×N tensor the topology fits.</exception>
    public virtual Tensor Interaction(Tensor phases, double phaseLag = 0)
    {
        CheckPhases(phases);
        using var scope = NewDisposeScope();
        var sin = phases.sin();
        var cos = phases.cos();
        var (s, c) = Fields(sin, cos);
        var term = cos * s - sin * c;
        if (phaseLag != 0) term = term * Math.Cos(phaseLag) - (cos * c + sin * s) * Math.Sin(phaseLag);
        return term.MoveToOuterDisposeScope();
    }

    /// <summary>Validates B×N floating phases against this topology.</summary>
    protected void CheckPhases(Tensor phases)
    {
        if (phases.dim() != 2 || !is_floating_point(phases))
            throw new PhospheneException(
                $"phases must be a float32 or float64 B×N tensor (networks × oscillators), got {phases.dtype} [{string.Join(", ", phases.shape)}]");
        Check(phases.shape[0], phases.shape[1]);
    }

    /// <summary>Buffers for <see cref="InteractionInto"/>, allocated once per simulation.</summary>
    internal virtual CouplingWorkspace CreateWorkspace(long networks, long oscillators, ScalarType dtype) =>
        new(networks, oscillators, oscillators, dtype);

    /// <summary>
    /// Writes the fields into the workspace's preallocated <see cref="CouplingWorkspace.SinField"/> and
    /// <see cref="CouplingWorkspace.CosField"/>. The default evaluates <see cref="Fields"/> and copies (it allocates);
    /// topologies with an in-place form override it.
    /// </summary>
    internal virtual void FieldsInto(Tensor sin, Tensor cos, CouplingWorkspace workspace)
    {
        using var scope = NewDisposeScope();
        var (s, c) = Fields(sin, cos);
        workspace.SinField.copy_(s);
        workspace.CosField.copy_(c);
    }

    /// <summary>
    /// The interaction written into <paramref name="output"/> (B×N) from the current phases and their sine and
    /// cosine, in place on the workspace (no grad).
    /// </summary>
    internal virtual void InteractionInto(Tensor phases, Tensor sin, Tensor cos, double phaseLag, CouplingWorkspace workspace, Tensor output)
    {
        FieldsInto(sin, cos, workspace);
        output.copy_(cos).mul_(workspace.SinField).addcmul_(sin, workspace.CosField, -1);
        if (phaseLag != 0)
        {
            workspace.Scratch.copy_(cos).mul_(workspace.CosField).addcmul_(sin, workspace.SinField, 1);
            output.mul_(Math.Cos(phaseLag)).add_(workspace.Scratch, -Math.Sin(phaseLag));
        }
    }
}

/// <summary>Preallocated tensors for one simulation's coupling evaluations.</summary>
internal class CouplingWorkspace : IDisposable
{
    /// <summary>Field S, B×W (W = N, or 1 for mean-field coupling).</summary>
    public Tensor SinField { get; }
    /// <summary>Field C, B×W.</summary>
    public Tensor CosField { get; }
    /// <summary>A B×N scratch buffer.</summary>
    public Tensor Scratch { get; }

    public CouplingWorkspace(long networks, long oscillators, long fieldWidth, ScalarType dtype)
    {
        SinField = zeros(networks, fieldWidth, dtype: dtype).DetachFromDisposeScope();
        CosField = zeros(networks, fieldWidth, dtype: dtype).DetachFromDisposeScope();
        Scratch = zeros(networks, oscillators, dtype: dtype).DetachFromDisposeScope();
    }

    public virtual void Dispose()
    {
        SinField.Dispose();
        CosField.Dispose();
        Scratch.Dispose();
    }
}
