using System.Text.Json.Nodes;
using Phosphene.Results;
using TorchSharp;
using static TorchSharp.torch;

namespace Phosphene.Concepts;

/// <summary>
/// Principal component analysis as a concept extractor (Pearson 1901, "On lines and planes of closest fit to
/// systems of points in space"; one of the holistic paper's baselines, Fel et al. 2023, NeurIPS): W holds the top r
/// principal directions (r×c, orthonormal rows), U = (A − μ) Wᵀ, and A ≈ U W + μ.
/// </summary>
/// <remarks>Signs follow scikit-learn's <c>svd_flip</c>: the largest-magnitude entry of each score column is positive.
/// The encoding is linear, hence differentiable.</remarks>
public sealed class Pca : ConceptDecomposition
{
    Tensor? _mean;

    /// <summary>Creates the decomposition with <paramref name="concepts"/> components.</summary>
    /// <param name="concepts">Number of components r.</param>
    /// <param name="seed">Unused (PCA is deterministic); kept for a uniform constructor.</param>
    public Pca(int concepts, long seed = 0) : base(concepts, seed) { }

    /// <inheritdoc />
    public override string Name => "pca";

    /// <inheritdoc />
    public override string Summary => "principal component analysis: orthogonal concepts of largest variance";

    /// <inheritdoc />
    public override bool HasDifferentiableEncode => true;

    /// <summary>Mean activation μ (c, float64).</summary>
    public Tensor Mean => _mean ?? throw new PhospheneException("pca is not fitted yet; call Fit(activations) first");

    /// <summary>Variance along each component (r), in descending order.</summary>
    public double[] ExplainedVariance { get; private set; } = [];

    /// <inheritdoc />
    protected override (Tensor Coefficients, Tensor Bank) FitCore(Tensor a, CancellationToken cancellation)
    {
        var mu = a.mean([0]);
        var centred = a - mu;
        var (left, singular, right) = Nmf.TopSingularTriplets(centred, Concepts);
        // svd_flip: make the largest |score| of each component positive.
        var pick = left.abs().argmax(0);
        var signs = left.gather(0, pick.unsqueeze(0)).sign().squeeze(0);
        signs = where(signs.eq(0), ones_like(signs), signs);
        var w = right * signs.unsqueeze(1);
        ExplainedVariance = (singular.square() / Math.Max(1, a.shape[0] - 1)).data<double>().ToArray();
        _mean?.Dispose();
        _mean = mu.DetachFromDisposeScope();
        return (centred.mm(w.t()), w);
    }

    /// <inheritdoc />
    protected override Tensor EncodeCore(Tensor activations) => (activations - Mean).mm(ConceptBank.t());

    /// <inheritdoc />
    protected override Tensor EncodeDifferentiableCore(Tensor activations) => EncodeCore(activations);

    /// <inheritdoc />
    protected override Tensor DecodeCore(Tensor coefficients) => coefficients.mm(ConceptBank) + Mean;

    private protected override JsonObject FittedValues() => new() { ["explainedVariance"] = ResultFile.Numbers(ExplainedVariance) };

    private protected override IEnumerable<(string, Tensor)> FittedTensors() => [("mean", Mean)];

    private protected override void RestoreFitted(JsonObject values, Func<string, Tensor> tensor)
    {
        ExplainedVariance = ResultFile.Numbers(values["explainedVariance"]!);
        _mean = tensor("mean");
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing) { _mean?.Dispose(); _mean = null; }
        base.Dispose(disposing);
    }
}
