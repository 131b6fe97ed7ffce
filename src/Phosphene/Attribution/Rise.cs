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
/// are drawn from the seeded generator in blocks of 256 (whatever the batch size), never all at once. N·masks forward passes.
/// </remarks>
public sealed class Rise : PerturbationAttribution
{
    /// <inheritdoc />
    public override string Name => "rise";

    /// <summary>Number of random masks; default 4000.</summary>
    public int Masks { get; init; } = 4000;

    /// <summary>Cells per side of the low-resolution mask grid; default 7.</summary>
    public int Grid { get; init; } = 7;

    /// <summary>Probability that a cell is kept; default 0.5.</summary>
    public double KeepProbability { get; init; } = 0.5;

    /// <inheritdoc />
    public override string Parameters =>
        $"masks {Masks}, grid {Grid}, p {KeepProbability.ToString(System.Globalization.CultureInfo.InvariantCulture)}";

    /// <inheritdoc />
    protected override void Validate(Tensor inputs)
    {
        if (Masks < 1) throw Invalid(nameof(Masks), Masks, "at least 1");
        if (Grid < 1 || Grid > Math.Min(inputs.shape[2], inputs.shape[3]))
            throw Invalid(nameof(Grid), Grid, $"in 1 … {Math.Min(inputs.shape[2], inputs.shape[3])} (the image side)");
        if (!(KeepProbability > 0 && KeepProbability <= 1))
            throw Invalid(nameof(KeepProbability), KeepProbability, "in (0, 1]");
    }

    /// <summary>Masks are drawn in blocks of this many, whatever the batch size, so the draws do not depend on it.</summary>
    const int DrawBlock = 256;

    /// <inheritdoc />
    protected override Tensor Compute(AttributionRun run, Tensor inputs, Tensor targets)
    {
        long n = inputs.shape[0], height = inputs.shape[2], width = inputs.shape[3];
        long cellHeight = (height + Grid - 1) / Grid, cellWidth = (width + Grid - 1) / Grid;
        var maps = zeros(n, height, width, ScalarType.Float64);
        using var generator = NewGenerator();
        run.Expect(n * Masks);
        Tensor? block = null;
        long blockStart = 0;
        try
        {
            foreach (var (start, length) in run.Batches(Masks))
            {
                using var scope = NewDisposeScope();
                // The masks of this batch, taken from consecutive fixed-size blocks of draws.
                var pieces = new List<Tensor>();
                for (long m = start; m < start + length;)
                {
                    if (block is null || m >= blockStart + block.shape[0])
                    {
                        block?.Dispose();
                        blockStart = m;
                        block = DrawMasks(generator, Math.Min(DrawBlock, Masks - m), height, width, cellHeight, cellWidth)
                            .DetachFromDisposeScope();
                    }
                    long take = Math.Min(start + length - m, blockStart + block.shape[0] - m);
                    pieces.Add(block.narrow(0, m - blockStart, take));
                    m += take;
                }
                var masks = pieces.Count == 1 ? pieces[0] : cat(pieces, 0);
                for (long i = 0; i < n; i++)
                {
                    using var inner = NewDisposeScope();
                    var scores = run.Scores(inputs.narrow(0, i, 1) * masks.unsqueeze(1), targets.narrow(0, i, 1).expand(length));
                    maps[i].add_(tensordot(scores, masks, [0], [0]).to_type(ScalarType.Float64));
                }
            }
        }
        finally
        {
            block?.Dispose();
        }
        return (maps / (Masks * KeepProbability)).to_type(ScalarType.Float32);
    }

    /// <summary>
    /// <paramref name="count"/> masks, float32 count×H×W: Bernoulli(p) cells, bilinear upsampling to (g + 1) cells,
    /// and a crop at a random shift per mask, all vectorised.
    /// </summary>
    Tensor DrawMasks(Generator generator, long count, long height, long width, long cellHeight, long cellWidth)
    {
        using var scope = NewDisposeScope();
        var cells = rand([count, 1, Grid, Grid], generator: generator).lt(KeepProbability).to_type(ScalarType.Float32);
        var dy = randint(0, cellHeight, [count, 1, 1], generator: generator);
        var dx = randint(0, cellWidth, [count, 1, 1], generator: generator);
        long upHeight = (Grid + 1) * cellHeight, upWidth = (Grid + 1) * cellWidth;
        var smooth = nn.functional.interpolate(cells, [upHeight, upWidth], mode: InterpolationMode.Bilinear, align_corners: false).squeeze(1);
        // Crop rows dy … dy + H − 1 and columns dx … dx + W − 1 of each mask.
        var rows = (dy + arange(height, ScalarType.Int64).view(1, -1, 1)).expand(count, height, upWidth);
        var cropped = smooth.gather(1, rows);
        var columns = (dx + arange(width, ScalarType.Int64).view(1, 1, -1)).expand(count, height, width);
        return cropped.gather(2, columns).contiguous().MoveToOuterDisposeScope();
    }
}
