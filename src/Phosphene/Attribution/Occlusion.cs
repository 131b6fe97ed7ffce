using static TorchSharp.torch;

namespace Phosphene.Attribution;

/// <summary>
/// Occlusion (M. D. Zeiler and R. Fergus, 2014, "Visualizing and understanding convolutional networks"): slides a
/// square patch of a constant value over the image and records how much the explained score drops.
/// </summary>
/// <remarks>
/// Map: for each pixel, the mean of f(x) − f(x with the patch occluded) over every patch position covering it
/// (overlapping patches are averaged, as in Captum), float32 N×H×W, signed. Positions step by <see cref="Stride"/>
/// from the top-left corner, with a last row and column flush with the bottom and right edges so every pixel is
/// covered. Defaults: patch 4, stride 2, value 0. N·(positions + 1) forward passes.
/// </remarks>
public sealed class Occlusion : PerturbationAttribution
{
    /// <inheritdoc />
    public override string Name => "occlusion";

    /// <inheritdoc />
    public override bool SignedMaps => true;

    /// <summary>Side of the square patch in pixels; default 4.</summary>
    public int Patch { get; init; } = 4;

    /// <summary>Step between patch positions in pixels; default 2.</summary>
    public int Stride { get; init; } = 2;

    /// <summary>Value written into every channel of the occluded patch; default 0.</summary>
    public double Value { get; init; }

    /// <inheritdoc />
    public override string Parameters =>
        $"patch {Patch}, stride {Stride}, value {Value.ToString(System.Globalization.CultureInfo.InvariantCulture)}, overlaps averaged";

    /// <inheritdoc />
    protected override void Validate(Tensor inputs)
    {
        long side = Math.Min(inputs.shape[2], inputs.shape[3]);
        if (Patch < 1 || Patch > side)
            throw Invalid(nameof(Patch), Patch, $"in 1 … {side} (the image side)");
        if (Stride < 1) throw Invalid(nameof(Stride), Stride, "at least 1");
    }

    static long[] Positions(long size, int patch, int stride)
    {
        var positions = new List<long>();
        for (long p = 0; p + patch <= size; p += stride) positions.Add(p);
        if (positions[^1] + patch < size) positions.Add(size - patch);
        return positions.ToArray();
    }

    /// <inheritdoc />
    protected override Tensor Compute(AttributionRun run, Tensor inputs, Tensor targets)
    {
        long n = inputs.shape[0], height = inputs.shape[2], width = inputs.shape[3];
        var ys = Positions(height, Patch, Stride);
        var xs = Positions(width, Patch, Stride);
        long count = ys.Length * xs.Length;
        var top = tensor(ys.SelectMany(y => xs.Select(_ => y)).ToArray());
        var left = tensor(ys.SelectMany(_ => xs).ToArray());
        var rows = arange(height, ScalarType.Int64).view(1, -1, 1);
        var columns = arange(width, ScalarType.Int64).view(1, 1, -1);
        Tensor PatchMasks(long start, long length)
        {
            var t = top.narrow(0, start, length).view(-1, 1, 1);
            var l = left.narrow(0, start, length).view(-1, 1, 1);
            return (rows.ge(t) & rows.lt(t + Patch) & columns.ge(l) & columns.lt(l + Patch)).to_type(ScalarType.Float32);
        }
        // Every pixel's number of covering patches, the same for all images.
        var coverage = zeros(height, width);
        foreach (var (start, length) in run.Batches(count))
        {
            using var scope = NewDisposeScope();
            coverage.add_(PatchMasks(start, length).sum([0L]));
        }

        run.Expect(n * (count + 1));
        var maps = new List<Tensor>();
        for (long i = 0; i < n; i++)
        {
            using var scope = NewDisposeScope();
            var image = inputs.narrow(0, i, 1);
            var target = targets.narrow(0, i, 1);
            var reference = run.Scores(image, target);
            var map = zeros(height, width);
            foreach (var (start, length) in run.Batches(count))
            {
                using var inner = NewDisposeScope();
                var masks = PatchMasks(start, length);
                var occluded = image * (1 - masks.unsqueeze(1)) + masks.unsqueeze(1) * (float)Value;
                var drop = reference - run.Scores(occluded, target.expand(length));
                map.add_(tensordot(drop, masks, [0], [0]));
            }
            maps.Add((map / coverage).MoveToOuterDisposeScope());
        }
        return stack(maps);
    }
}
