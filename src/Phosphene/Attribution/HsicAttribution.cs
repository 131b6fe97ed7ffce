using static TorchSharp.torch;

namespace Phosphene.Attribution;

/// <summary>
/// HSIC attribution (P. Novello, T. Fel and D. Vigouroux, 2022, "Making sense of dependence: Efficient black-box
/// explanations using dependence measure"): the Hilbert–Schmidt independence criterion between each grid cell's binary
/// mask and the explained score.
/// </summary>
/// <remarks>
/// Design: <see cref="Designs"/> binary masks from a seeded Latin hypercube thresholded at ½ (the paper's sampler),
/// so every cell is kept in exactly half of the designs. Estimator: HSIC_i = tr(K_i H L H) / n² with K_i the Dirac
/// kernel of cell i's mask, L an RBF kernel of the scores whose width is the median pairwise score distance, H the
/// centring matrix. Map: the cell values upsampled bicubically to N×H×W, float32, non-negative. Defaults: grid 8,
/// 500 designs, inpainting. N·designs forward passes.
/// </remarks>
public sealed class HsicAttribution : GridSensitivityAttribution
{
    Tensor? _masks; // designs × g², float32

    /// <inheritdoc />
    public override string Name => "hsic";

    /// <summary>Number of random binary masks; default 500.</summary>
    public int Designs { get; init; } = 500;

    /// <inheritdoc />
    public override string Parameters => $"grid {Grid}, designs {Designs}, {PerturbationName}";

    /// <inheritdoc />
    protected override void Validate(Tensor inputs)
    {
        base.Validate(inputs);
        if (Designs < 4) throw Invalid(nameof(Designs), Designs, "at least 4");
    }

    /// <inheritdoc />
    protected override void Apply(MethodSettings settings)
    {
        base.Apply(settings);
        _masks = null; // the copy draws its own design; the original keeps (and disposes) its own
    }

    /// <inheritdoc />
    protected override long EvaluationsPerInput => Designs;

    /// <inheritdoc />
    protected override void Prepare()
    {
        _masks?.Dispose();
        using var generator = NewGenerator();
        int cells = Grid * Grid;
        // Latin hypercube: each column a random permutation of the strata; the lower half of the strata masks the cell.
        var columns = Enumerable.Range(0, cells).Select(_ => randperm(Designs, generator: generator).lt(Designs / 2)).ToList();
        _masks = (1 - stack(columns, 1).to_type(ScalarType.Float32)).DetachFromDisposeScope();
        foreach (var c in columns) c.Dispose();
    }

    /// <inheritdoc />
    protected override Tensor CellMasks(long start, long length) => _masks!.narrow(0, start, length).view(-1, Grid, Grid);

    /// <inheritdoc />
    protected override Tensor Importances(Tensor scores)
    {
        long n = scores.shape[0];
        var differences = (scores.unsqueeze(0) - scores.unsqueeze(1)).abs();
        var upper = differences.masked_select(ones([n, n], dtype: ScalarType.Bool).triu(1));
        double width = upper.median().item<double>();
        if (!(width > 0)) width = 1;
        var l = (-(differences.square()) / (2 * width * width)).exp();
        var centring = eye(n, dtype: ScalarType.Float64) - 1.0 / n;
        var lc = centring.matmul(l).matmul(centring);
        var x = _masks!.to_type(ScalarType.Float64);
        // tr(K_i Lc) with K_i = x_i x_iᵀ + (1 − x_i)(1 − x_i)ᵀ, for all cells at once.
        var kept = (x * lc.matmul(x)).sum([0L]);
        var dropped = ((1 - x) * lc.matmul(1 - x)).sum([0L]);
        return (kept + dropped) / (n * n);
    }
}
