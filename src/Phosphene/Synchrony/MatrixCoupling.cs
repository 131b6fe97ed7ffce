using TorchSharp;
using static TorchSharp.torch;

namespace Phosphene.Synchrony;

/// <summary>
/// Coupling through a weight matrix A: dense N×N shared by all networks, dense B×N×N (one matrix per network, as
/// KuraNet predicts), or sparse N×N (torch sparse COO). The interaction is evaluated in matrix-product form,
/// cos θ ⊙ (A sin θ) − sin θ ⊙ (A cos θ): two matrix products per evaluation instead of N² sines.
/// </summary>
/// <remarks>The matrix is referenced, not copied. Row i holds the weights oscillator i receives from every j.</remarks>
public sealed class MatrixCoupling : CouplingTopology
{
    /// <summary>The weights: N×N, B×N×N, or a sparse N×N tensor.</summary>
    public Tensor Weights { get; }

    /// <summary>Wraps a weight matrix (N×N, B×N×N, or sparse N×N; float32 or float64).</summary>
    /// <exception cref="PhospheneException">The tensor is not a square matrix or a batch of them.</exception>
    public MatrixCoupling(Tensor weights)
    {
        bool square = weights.dim() is 2 or 3 && weights.shape[^1] == weights.shape[^2];
        if (!square || (weights.is_sparse && weights.dim() != 2) || !is_floating_point(weights))
            throw new PhospheneException(
                $"coupling weights must be a float N×N or B×N×N matrix (sparse: N×N), got {weights.dtype} [{string.Join(", ", weights.shape)}]");
        Weights = weights;
    }

    /// <inheritdoc />
    public override string Name => Weights.is_sparse ? $"sparse {Weights.shape[0]}×{Weights.shape[1]}"
        : Weights.dim() == 3 ? $"matrix per network {Weights.shape[1]}×{Weights.shape[2]}" : $"matrix {Weights.shape[0]}×{Weights.shape[1]}";

    /// <inheritdoc />
    public override void Check(long networks, long oscillators)
    {
        long n = Weights.shape[^1];
        if (n != oscillators)
            throw new PhospheneException($"coupling matrix is {n}×{n} but the networks have {oscillators} oscillators; pass a {oscillators}×{oscillators} matrix");
        if (Weights.dim() == 3 && Weights.shape[0] != networks)
            throw new PhospheneException(
                $"coupling matrices are given for {Weights.shape[0]} networks but there are {networks}; pass one N×N matrix or {networks}×N×N");
    }

    /// <inheritdoc />
    protected internal override (Tensor Sin, Tensor Cos) Fields(Tensor sin, Tensor cos)
    {
        if (Weights.dim() == 3)
            return (bmm(Weights, sin.unsqueeze(2)).squeeze(2), bmm(Weights, cos.unsqueeze(2)).squeeze(2));
        if (Weights.is_sparse)
            return (Weights.mm(sin.t()).t(), Weights.mm(cos.t()).t());
        var transposed = Weights.t();
        return (sin.mm(transposed), cos.mm(transposed));
    }

    internal override CouplingWorkspace CreateWorkspace(long networks, long oscillators, ScalarType dtype) =>
        Weights.is_sparse || Weights.dim() == 3 ? base.CreateWorkspace(networks, oscillators, dtype) : new MatrixWorkspace(networks, oscillators, dtype, Weights);

    internal override void FieldsInto(Tensor sin, Tensor cos, CouplingWorkspace workspace)
    {
        // TorchSharp has no in-place batched or sparse product, so those forms copy a fresh product each step.
        if (Weights.is_sparse || Weights.dim() == 3) { base.FieldsInto(sin, cos, workspace); return; }
        var w = (MatrixWorkspace)workspace;
        w.SinField.addmm_(sin, w.Transposed, 0, 1);
        w.CosField.addmm_(cos, w.Transposed, 0, 1);
    }

    sealed class MatrixWorkspace(long networks, long oscillators, ScalarType dtype, Tensor weights)
        : CouplingWorkspace(networks, oscillators, oscillators, dtype)
    {
        public Tensor Transposed { get; } = weights.t().DetachFromDisposeScope();

        public override void Dispose()
        {
            Transposed.Dispose();
            base.Dispose();
        }
    }
}
