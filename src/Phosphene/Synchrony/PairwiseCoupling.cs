using TorchSharp;
using static TorchSharp.torch;

namespace Phosphene.Synchrony;

/// <summary>
/// The direct pairwise evaluation Σⱼ Aᵢⱼ sin(θⱼ − θᵢ − α) over a B×N×N tensor of phase differences: O(N²) time and
/// memory per evaluation, as in the common Python <c>kuramoto</c> package. It is the reference the factorised forms
/// (<see cref="AllToAllCoupling"/>, <see cref="MatrixCoupling"/>) are tested against, and handy for small N.
/// </summary>
public sealed class PairwiseCoupling : CouplingTopology
{
    /// <summary>The weights (N×N or B×N×N), or null for all-to-all weights 1/N.</summary>
    public Tensor? Weights { get; }

    /// <summary>Pairwise coupling with weights A (N×N or B×N×N, dense), or all-to-all 1/N when null.</summary>
    /// <exception cref="PhospheneException">The weights are not a dense square matrix or batch of them.</exception>
    public PairwiseCoupling(Tensor? weights = null)
    {
        if (weights is not null && (weights.is_sparse || weights.dim() is not (2 or 3) || weights.shape[^1] != weights.shape[^2]))
            throw new PhospheneException(
                $"pairwise coupling weights must be a dense N×N or B×N×N matrix, got [{string.Join(", ", weights.shape)}]");
        Weights = weights;
    }

    /// <inheritdoc />
    public override string Name => Weights is null ? "all-to-all (pairwise)" : "matrix (pairwise)";

    /// <inheritdoc />
    public override void Check(long networks, long oscillators)
    {
        if (Weights is null) return;
        if (Weights.shape[^1] != oscillators)
            throw new PhospheneException($"coupling matrix is {Weights.shape[^1]}×{Weights.shape[^1]} but the networks have {oscillators} oscillators; pass a {oscillators}×{oscillators} matrix");
        if (Weights.dim() == 3 && Weights.shape[0] != networks)
            throw new PhospheneException($"coupling matrices are given for {Weights.shape[0]} networks but there are {networks}; pass one N×N matrix or {networks}×N×N");
    }

    /// <inheritdoc />
    public override Tensor Interaction(Tensor phases, double phaseLag = 0)
    {
        CheckPhases(phases);
        using var scope = NewDisposeScope();
        // differences[b, i, j] = θⱼ − θᵢ − α
        var differences = phases.unsqueeze(1) - phases.unsqueeze(2) - phaseLag;
        var sines = differences.sin_();
        var sum = Weights is null ? sines.mean([2]) : (sines * Weights).sum(2);
        return sum.MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    protected internal override (Tensor Sin, Tensor Cos) Fields(Tensor sin, Tensor cos) =>
        Weights is null ? (sin.mean([1], keepdim: true), cos.mean([1], keepdim: true))
        : Weights.dim() == 3 ? (bmm(Weights, sin.unsqueeze(2)).squeeze(2), bmm(Weights, cos.unsqueeze(2)).squeeze(2))
        : (sin.mm(Weights.t()), cos.mm(Weights.t()));

    internal override void InteractionInto(Tensor phases, Tensor sin, Tensor cos, double phaseLag, CouplingWorkspace workspace, Tensor output)
    {
        using var scope = NewDisposeScope();
        output.copy_(Interaction(phases, phaseLag));
    }
}
