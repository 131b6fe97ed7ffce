using TorchSharp;
using static TorchSharp.torch;

namespace Phosphene.Attribution;

/// <summary>
/// RISE (V. Petsiuk, A. Das and K. Saenko, 2018, "RISE: Randomized input sampling for explanation of black-box models"):
/// the explained score's average over random smooth masks, each weighted by the mask.
/// </summary>
/// <remarks>
/// Masks: a g×g grid of cells kept with probability p, upsampled bilinearly to (g + 1)·⌈H/g⌉ pixels and cropped at a
/// random shift in [0, ⌈H/g⌉) (and likewise in width). Map: Σ_m f(x ⊙ M_m) M_m / (masks · p), float32 N×H×W,
/// non-negative for non-negative scores. Defaults: 4000 masks, grid 7, p 0.5. The same masks serve every input; they
/// are drawn one at a time from the seeded generator, a batch at a time, never all at once. N·masks forward passes.
/// </remarks>
public sealed class Rise : PerturbationAttribution
{
    /// <inheritdoc />
    public override string Name => "rise";

    /// <summary>Number of random masks; default 4000.</summary>
    public int Masks { get; set; } = 4000;

    /// <summary>Cells per side of the low-resolution mask grid; default 7.</summary>
    public int Grid { get; set; } = 7;

    /// <summary>Probability that a cell is kept; default 0.5.</summary>
    public double KeepProbability { get; set; } = 0.5;

    /// <inheritdoc />
    public override string Parameters =>
        $"masks {Masks}, grid {Grid}, p {KeepProbability.ToString(System.Globalization.CultureInfo.InvariantCulture)}";

    /// <inheritdoc />
    protected override void Validate(Tensor inputs)
    {
        if (Masks < 1) throw new PhospheneException($"rise: masks must be at least 1, got {Masks}");
        if (Grid < 1 || Grid > Math.Min(inputs.shape[2], inputs.shape[3]))
            throw new PhospheneException($"rise: grid must be in 1 … {Math.Min(inputs.shape[2], inputs.shape[3])} (the image side), got {Grid}");
        if (!(KeepProbability > 0 && KeepProbability <= 1))
            throw new PhospheneException($"rise: keep probability must be in (0, 1], got {KeepProbability}");
    }

    /// <inheritdoc />
    protected override Tensor Compute(AttributionRun run, Tensor inputs, Tensor targets)
    {
        long n = inputs.shape[0], height = inputs.shape[2], width = inputs.shape[3];
        long cellHeight = (height + Grid - 1) / Grid, cellWidth = (width + Grid - 1) / Grid;
        var maps = zeros(n, height, width, ScalarType.Float64);
        using var generator = NewGenerator();
        run.Expect(n * Masks);
        foreach (var (start, length) in run.Batches(Masks))
        {
            using var scope = NewDisposeScope();
            var masks = stack(Enumerable.Range(0, (int)length).Select(_ => DrawMask(generator, height, width, cellHeight, cellWidth)));
            for (long i = 0; i < n; i++)
            {
                using var inner = NewDisposeScope();
                var scores = run.Scores(inputs.narrow(0, i, 1) * masks.unsqueeze(1), targets.narrow(0, i, 1).expand(length));
                maps[i].add_(tensordot(scores, masks, [0], [0]).to_type(ScalarType.Float64));
            }
        }
        return (maps / (Masks * KeepProbability)).to_type(ScalarType.Float32);
    }

    Tensor DrawMask(Generator generator, long height, long width, long cellHeight, long cellWidth)
    {
        using var scope = NewDisposeScope();
        var cells = rand([1, 1, Grid, Grid], generator: generator).lt(KeepProbability).to_type(ScalarType.Float32);
        var shift = randint(0, cellHeight * cellWidth, [1], generator: generator).item<long>();
        long dy = shift / cellWidth, dx = shift % cellWidth;
        var smooth = nn.functional.interpolate(cells, [(Grid + 1) * cellHeight, (Grid + 1) * cellWidth],
                                               mode: InterpolationMode.Bilinear, align_corners: false);
        return smooth[0, 0, TensorIndex.Slice(dy, dy + height), TensorIndex.Slice(dx, dx + width)].contiguous().MoveToOuterDisposeScope();
    }
}
