using Phosphene.Sensitivity;
using static TorchSharp.torch;

namespace Phosphene.Attribution;

/// <summary>
/// Sobol attribution (T. Fel, R. Cadène, M. Chalvidal, M. Cord, D. Vigouroux and T. Serre, 2021, "Look at the variance!
/// Efficient black-box explanations with Sobol-based sensitivity analysis"): the total-order Sobol index of each grid
/// cell's mask with respect to the explained score, estimated on a quasi-Monte-Carlo pick-freeze design.
/// </summary>
/// <remarks>
/// Design: <see cref="SaltelliDesign"/> on the unscrambled Sobol sequence in 2g² dimensions, N = <see cref="Designs"/>
/// rows, so (g² + 2)·N evaluations per input (2112 with the defaults), batched. Masks are real-valued in [0, 1],
/// upsampled to the image by nearest neighbour, applied through <see cref="GridSensitivityAttribution.Perturbation"/>.
/// Map: the cell indices (by default Jansen's total-order estimator), upsampled bicubically to N×H×W, float32.
/// Defaults: grid 8, 32 designs, inpainting, jansen.
/// </remarks>
public sealed class SobolAttribution : GridSensitivityAttribution
{
    SaltelliDesign? _design;

    /// <inheritdoc />
    public override string Name => "sobol";

    /// <summary>Rows N of each design matrix (a power of two keeps the Sobol points balanced); default 32.</summary>
    public int Designs { get; init; } = 32;

    /// <summary>The estimator of the indices; default <see cref="SobolEstimator.Jansen"/>.</summary>
    public SobolEstimator Estimator { get; init; } = SobolEstimator.Jansen;

    /// <summary>Estimate total-order indices (default, as Fel et al.) or first-order ones.</summary>
    public bool TotalOrder { get; init; } = true;

    /// <inheritdoc />
    public override string Parameters =>
        $"grid {Grid}, designs {Designs}, {PerturbationName}, {Estimator.Name} {(TotalOrder ? "total" : "first")}-order";

    /// <inheritdoc />
    protected override void Validate(Tensor inputs)
    {
        base.Validate(inputs);
        if (Designs < 2) throw Invalid(nameof(Designs), Designs, "at least 2");
        if (2 * Grid * Grid > SobolSequence.MaxDimensions)
            throw Invalid(nameof(Grid), Grid,
                $"at most {(int)Math.Sqrt(SobolSequence.MaxDimensions / 2)}: a g×g grid needs a 2g²-dimensional Sobol sequence " +
                $"and the sequence has {SobolSequence.MaxDimensions} dimensions");
    }

    /// <inheritdoc />
    protected override long EvaluationsPerInput => (long)(Grid * Grid + 2) * Designs;

    /// <inheritdoc />
    protected override void Prepare()
    {
        if (_design is null || _design.Dimensions != Grid * Grid || _design.Designs != Designs)
            _design = new SaltelliDesign(Grid * Grid, Designs);
    }

    /// <inheritdoc />
    protected override Tensor CellMasks(long start, long length) =>
        _design!.Rows(start, length).to_type(ScalarType.Float32).view(-1, Grid, Grid);

    /// <inheritdoc />
    protected override Tensor Importances(Tensor scores)
    {
        var (fA, fB, fAB) = _design!.Split(scores);
        return TotalOrder ? Estimator.TotalOrder(fA, fB, fAB) : Estimator.FirstOrder(fA, fB, fAB);
    }
}
