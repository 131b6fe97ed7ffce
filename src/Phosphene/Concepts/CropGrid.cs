using TorchSharp;
using static TorchSharp.torch;

namespace Phosphene.Concepts;

/// <summary>Where one crop came from: the image index in the batch and its box in that image's pixels.</summary>
/// <param name="Image">Index of the source image in the batch.</param>
/// <param name="Top">Top row of the box.</param>
/// <param name="Left">Left column of the box.</param>
/// <param name="Size">Side of the (square) box in pixels.</param>
public readonly record struct CropBox(int Image, int Top, int Left, int Size);

/// <summary>
/// A deterministic grid of square crops, as CRAFT extracts them (Fel et al. 2023, "CRAFT: Concept Recursive Activation
/// FacTorization for Explainability", CVPR): patches of side <see cref="Patch"/> every <see cref="Stride"/> pixels,
/// each resized (bilinear) to the model's input size. Images may be rectangular; when the stride does not land on the
/// last row or column, one more crop is aligned with that border so every pixel is covered.
/// </summary>
public sealed class CropGrid
{
    /// <summary>Creates the grid.</summary>
    /// <param name="patch">Side of each crop in pixels, at least 2.</param>
    /// <param name="stride">Step between crops; default round(0.8·patch), at least 1.</param>
    /// <exception cref="PhospheneException">Patch below 2 or stride below 1.</exception>
    public CropGrid(int patch, int? stride = null)
    {
        if (patch < 2) throw new PhospheneException($"patch size must be at least 2 pixels, got {patch}");
        int s = stride ?? Math.Max(1, (int)Math.Round(0.8 * patch));
        if (s < 1) throw new PhospheneException($"stride must be at least 1 pixel, got {s}");
        Patch = patch;
        Stride = s;
    }

    /// <summary>Side of each crop in pixels.</summary>
    public int Patch { get; }

    /// <summary>Step between neighbouring crops in pixels.</summary>
    public int Stride { get; }

    /// <summary>Top-left corners of the crops of one <paramref name="height"/>×<paramref name="width"/> image, row-major.</summary>
    /// <exception cref="PhospheneException">The image is smaller than the patch.</exception>
    public IReadOnlyList<(int Top, int Left)> Positions(int height, int width)
    {
        if (height < Patch || width < Patch)
            throw new PhospheneException($"images of {height}×{width} pixels are smaller than the {Patch}-pixel patch; use a smaller patch (CraftOptions.Patch)");
        var rows = Starts(height);
        var cols = Starts(width);
        var list = new List<(int, int)>(rows.Count * cols.Count);
        foreach (int r in rows)
            foreach (int c in cols) list.Add((r, c));
        return list;
    }

    List<int> Starts(int extent)
    {
        var starts = new List<int>();
        for (int p = 0; p + Patch <= extent; p += Stride) starts.Add(p);
        if (starts[^1] + Patch < extent) starts.Add(extent - Patch);
        return starts;
    }

    /// <summary>The boxes of every crop of a batch of <paramref name="count"/> images, image-major, row-major.</summary>
    public IReadOnlyList<CropBox> Boxes(int count, int height, int width)
    {
        var positions = Positions(height, width);
        var boxes = new CropBox[count * positions.Count];
        for (int i = 0, k = 0; i < count; i++)
            foreach (var (top, left) in positions) boxes[k++] = new CropBox(i, top, left, Patch);
        return boxes;
    }

    /// <summary>Crops of images N×C×H×W, resized to <paramref name="size"/>: (N·P)×C×size×size, image-major.</summary>
    /// <param name="images">float32 N×C×H×W; H and W may differ.</param>
    /// <param name="size">Output side, usually the model's input size.</param>
    public Tensor Extract(Tensor images, int size)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.dim() != 4)
            throw new PhospheneException($"images must be N×C×H×W, got [{string.Join(", ", images.shape)}]");
        var positions = Positions((int)images.shape[2], (int)images.shape[3]);
        using var scope = NewDisposeScope();
        var crops = new Tensor[positions.Count];
        for (int k = 0; k < positions.Count; k++)
        {
            var (top, left) = positions[k];
            crops[k] = images[.., .., top..(top + Patch), left..(left + Patch)];
        }
        // N×P×C×p×p → (N·P)×C×p×p, image-major.
        var stacked = stack(crops, 1).flatten(0, 1);
        var resized = Patch == size ? stacked.contiguous()
            : nn.functional.interpolate(stacked, [size, size], mode: InterpolationMode.Bilinear, align_corners: false);
        return resized.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The crop activation matrix A of CRAFT: every crop of <paramref name="images"/>, resized to the model's input,
    /// through g, averaged over space: (N·P)×C float32, rows in <see cref="Boxes"/> order.
    /// </summary>
    /// <param name="split">The model split (g is used).</param>
    /// <param name="images">float32 N×C×H×W in [0, 1], any H, W at least the patch.</param>
    /// <param name="batchSize">Images per forward batch (their crops go through g together).</param>
    /// <param name="progress">Receives the number of images done.</param>
    /// <param name="cancellation">Stops between batches.</param>
    public Tensor Activations(ModelSplit split, Tensor images, int batchSize = 64, IProgress<int>? progress = null,
        CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(split);
        ArgumentNullException.ThrowIfNull(images);
        var (channels, size) = split.InputShape;
        if (images.dim() != 4 || images.shape[1] != channels || images.dtype != ScalarType.Float32)
            throw new PhospheneException(
                $"images must be float32 N×{channels}×H×W for {split.Model.Architecture}, got {images.dtype} [{string.Join(", ", images.shape)}]");
        if (batchSize < 1) throw new PhospheneException($"batch size must be at least 1, got {batchSize}");
        long n = images.shape[0];
        var parts = new List<Tensor>();
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        for (long start = 0; start < n; start += batchSize)
        {
            cancellation.ThrowIfCancellationRequested();
            using var inner = NewDisposeScope();
            var crops = Extract(images.narrow(0, start, Math.Min(batchSize, n - start)), size);
            var acts = split.Activations(crops);
            var pooled = acts.dim() > 2 ? acts.mean([2, 3]) : acts;
            parts.Add(pooled.MoveToOuterDisposeScope());
            progress?.Report((int)Math.Min(n, start + batchSize));
        }
        return cat(parts, 0).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public override string ToString() => $"CropGrid(patch {Patch}, stride {Stride})";
}
