using static TorchSharp.torch;

namespace Phosphene.Attribution;

/// <summary>
/// The base of the global-sensitivity methods (<see cref="SobolAttribution"/>, <see cref="HsicAttribution"/>): the image
/// is cut into a g×g grid, each cell is a random input of the model through a <see cref="GridPerturbation"/>, and a
/// dependence measure between each cell and the explained score is the cell's importance.
/// </summary>
public abstract class GridSensitivityAttribution : PerturbationAttribution
{
    /// <summary>Cells per side of the grid; default 8.</summary>
    public int Grid { get; init; } = 8;

    /// <summary>How a cell's mask value perturbs its pixels; default <see cref="GridPerturbation.Inpainting"/>.</summary>
    public GridPerturbation Perturbation { get; init; } = GridPerturbation.Inpainting;

    /// <summary>Standard deviation in pixels of the blur for <see cref="GridPerturbation.Blurring"/>; default 2.</summary>
    public double BlurSigma { get; init; } = 2;

    /// <summary>Scale a of <see cref="GridPerturbation.Amplitude"/>; default 1.</summary>
    public double AmplitudeScale { get; init; } = 1;

    /// <summary>Perturbation name for <see cref="AttributionMethod.Parameters"/>.</summary>
    protected string PerturbationName => Perturbation.ToString().ToLowerInvariant();

    /// <inheritdoc />
    protected override void Validate(Tensor inputs)
    {
        long side = Math.Min(inputs.shape[2], inputs.shape[3]);
        if (Grid < 1 || Grid > side)
            throw Invalid(nameof(Grid), Grid, $"in 1 … {side} (the image side)");
        if (Perturbation == GridPerturbation.Blurring && !(BlurSigma > 0))
            throw Invalid(nameof(BlurSigma), BlurSigma, "positive");
    }

    /// <summary>Number of model evaluations per input.</summary>
    protected abstract long EvaluationsPerInput { get; }

    /// <summary>The cell masks of evaluations start … start + length − 1, float32 length×g×g in [0, 1].</summary>
    protected abstract Tensor CellMasks(long start, long length);

    /// <summary>The g² cell importances, float g², from the scores of all evaluations of one input.</summary>
    protected abstract Tensor Importances(Tensor scores);

    /// <summary>Prepares the design (masks) for one call; called before any evaluation.</summary>
    protected abstract void Prepare();

    /// <inheritdoc />
    protected sealed override Tensor Compute(AttributionRun run, Tensor inputs, Tensor targets)
    {
        long n = inputs.shape[0], height = inputs.shape[2], width = inputs.shape[3];
        Prepare();
        run.Expect(n * EvaluationsPerInput);
        var maps = new List<Tensor>();
        for (long i = 0; i < n; i++)
        {
            using var scope = NewDisposeScope();
            var image = inputs.narrow(0, i, 1);
            var blurred = Perturbation == GridPerturbation.Blurring ? GaussianBlur(image, BlurSigma) : null;
            var scores = ScorePerturbations(run, EvaluationsPerInput, targets[i], (start, length) =>
                Perturb(image, UpsampleCells(CellMasks(start, length), height, width), Perturbation, blurred, AmplitudeScale));
            var cells = Importances(scores.to_type(ScalarType.Float64)).view(1, Grid, Grid);
            maps.Add(UpsampleMap(cells, height, width).squeeze(0).MoveToOuterDisposeScope());
        }
        return stack(maps);
    }
}
