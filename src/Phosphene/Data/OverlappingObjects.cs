using TorchSharp;
using static TorchSharp.torch;

namespace Phosphene.Data;

/// <summary>
/// Images of two overlapping objects with their masks and labels: <see cref="Images"/> float32 N×1×S×S in [0, 1],
/// <see cref="Labels"/> int64 N×2 (two different classes), <see cref="Masks"/> float32 N×2×S×S in {0, 1} (pixels where
/// each object's ink exceeds the threshold), and the <see cref="Overlap"/> asked for. Owns its tensors.
/// </summary>
public sealed class OverlappingObjectsDataset : IDisposable
{
    internal OverlappingObjectsDataset(Tensor images, Tensor labels, Tensor masks, double overlap, IReadOnlyList<string> classNames,
                                       string contentHash)
    {
        ContentHash = contentHash;
        Images = images.DetachFromDisposeScope();
        Labels = labels.DetachFromDisposeScope();
        Masks = masks.DetachFromDisposeScope();
        Overlap = overlap;
        ClassNames = classNames;
    }

    /// <summary>Composite images, float32 N×1×S×S in [0, 1] (pixel-wise maximum of the two objects).</summary>
    public Tensor Images { get; }
    /// <summary>The two classes of each image, int64 N×2 (never equal).</summary>
    public Tensor Labels { get; }
    /// <summary>Object masks, float32 N×2×S×S in {0, 1}; both are 1 where the objects overlap.</summary>
    public Tensor Masks { get; }
    /// <summary>The fraction of each object's bounding box shared with the other, as requested.</summary>
    public double Overlap { get; }
    /// <summary>Class names of the source dataset.</summary>
    public IReadOnlyList<string> ClassNames { get; }
    /// <summary>
    /// A hex hash naming the content: the source's content hash and every generation argument (with the generator's
    /// version), so equal hashes mean equal composites; used to key cached networks.
    /// </summary>
    public string ContentHash { get; }
    /// <summary>Number of images N.</summary>
    public long Count => Images.shape[0];

    /// <summary>Multi-hot targets N×K (1 for both classes present), for a multi-label classifier.</summary>
    public Tensor MultiHot()
    {
        using var scope = NewDisposeScope();
        return zeros(Count, ClassNames.Count).scatter_(1, Labels, ones(Count, 2)).MoveToOuterDisposeScope();
    }

    /// <summary>A copy of the images with Gaussian noise of standard deviation <paramref name="sigma"/>, clamped to [0, 1] (seeded).</summary>
    public Tensor WithNoise(double sigma, long seed = 0)
    {
        if (!(sigma >= 0)) throw new PhospheneException($"noise standard deviation must be zero or positive, got {sigma}");
        using var scope = NewDisposeScope();
        using var generator = new Generator(unchecked((ulong)seed));
        var noise = empty_like(Images).normal_(0, 1, generator);
        return (Images + sigma * noise).clamp_(0, 1).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public override string ToString() => FormattableString.Invariant(
        $"overlapping objects: {Count} images {Images.shape[2]}×{Images.shape[3]}, 2 objects each, box overlap {Overlap:P0}");

    /// <inheritdoc />
    public void Dispose()
    {
        Images.Dispose();
        Labels.Dispose();
        Masks.Dispose();
    }
}

/// <summary>
/// Generates two-object images from a single-object dataset (e.g. Fashion-MNIST), as in the overlapping-objects
/// experiments of KomplexNet (Muzellec, Alamia, Serre and VanRullen 2025, "Enhancing deep neural networks through
/// complex-valued representations and Kuramoto synchronization dynamics"): two images of different classes are
/// placed on an S×S canvas with their h×w boxes offset so that a chosen fraction of each box is shared, composed by
/// pixel-wise maximum, and their masks kept. Deterministic under the seed.
/// </summary>
public static class OverlappingObjects
{
    /// <summary>Version of the generation procedure: part of every <see cref="OverlappingObjectsDataset.ContentHash"/>.</summary>
    public const int GeneratorVersion = 1;

    /// <summary>
    /// Draws <paramref name="count"/> composites from <paramref name="source"/> (N×1×h×w images in [0, 1], labels).
    /// The offset between the two boxes is (dy, dx) = ±round(h(1 − √overlap)), ±round(w(1 − √overlap)) with random
    /// signs, so the boxes share the fraction <paramref name="overlap"/> of their area; the pair is placed at a
    /// random position that fits the canvas.
    /// </summary>
    /// <param name="source">Single-object images and labels.</param>
    /// <param name="count">Composites to draw.</param>
    /// <param name="overlap">Shared fraction of each object's box, in [0, 1] (default 0.5).</param>
    /// <param name="canvas">Canvas side S (default 48; at least h plus the offset).</param>
    /// <param name="maskThreshold">Ink level above which a pixel belongs to an object's mask (default 0.1).</param>
    /// <param name="seed">Seed (default 0).</param>
    /// <exception cref="PhospheneException">Invalid overlap, a canvas too small for it, or a source that is not one-channel images.</exception>
    public static OverlappingObjectsDataset Generate(ImageDataset source, int count, double overlap = 0.5, int canvas = 48,
                                                     double maskThreshold = 0.1, long seed = 0)
    {
        if (source.Images.shape[1] != 1)
            throw new PhospheneException($"overlapping objects need one-channel images, got {source.Images.shape[1]} channels");
        if (count < 1) throw new PhospheneException($"count must be at least 1, got {count}");
        if (!(overlap >= 0 && overlap <= 1)) throw new PhospheneException($"overlap must lie in [0, 1], got {overlap}");
        if (source.ClassNames.Count < 2) throw new PhospheneException("overlapping objects need a source with at least two classes");
        int h = (int)source.Images.shape[2], w = (int)source.Images.shape[3];
        int dy = (int)Math.Round(h * (1 - Math.Sqrt(overlap))), dx = (int)Math.Round(w * (1 - Math.Sqrt(overlap)));
        if (canvas < h + dy || canvas < w + dx)
            throw new PhospheneException($"a {canvas}×{canvas} canvas cannot hold two {h}×{w} objects at overlap {overlap}; use a canvas of at least {Math.Max(h + dy, w + dx)}");

        using var scope = NewDisposeScope();
        // System.Random takes an int: seeds in int range keep their streams, larger ones are folded into it.
        var rng = new Random(seed is >= int.MinValue and <= int.MaxValue ? (int)seed : (int)(seed ^ (seed >> 32)));
        var labels = source.Labels.data<long>().ToArray();
        var images = zeros(count, 1, canvas, canvas);
        var masks = zeros(count, 2, canvas, canvas);
        var pairs = new long[count * 2];
        for (int i = 0; i < count; i++)
        {
            int a = rng.Next((int)source.Count), b;
            do b = rng.Next((int)source.Count); while (labels[b] == labels[a]);
            int sy = rng.Next(2) == 0 ? 1 : -1, sx = rng.Next(2) == 0 ? 1 : -1;
            // Top-left corners: the pair's bounding box (h + dy)×(w + dx) placed at random inside the canvas.
            int oy = rng.Next(canvas - (h + dy) + 1), ox = rng.Next(canvas - (w + dx) + 1);
            int ay = oy + (sy > 0 ? 0 : dy), ax = ox + (sx > 0 ? 0 : dx);
            int by = oy + (sy > 0 ? dy : 0), bx = ox + (sx > 0 ? dx : 0);
            var first = source.Images[a, 0];
            var second = source.Images[b, 0];
            var slotA = images[i, 0].narrow(0, ay, h).narrow(1, ax, w);
            slotA.copy_(maximum(slotA, first));
            var slotB = images[i, 0].narrow(0, by, h).narrow(1, bx, w);
            slotB.copy_(maximum(slotB, second));
            masks[i, 0].narrow(0, ay, h).narrow(1, ax, w).copy_(first.gt(maskThreshold).to_type(ScalarType.Float32));
            masks[i, 1].narrow(0, by, h).narrow(1, bx, w).copy_(second.gt(maskThreshold).to_type(ScalarType.Float32));
            pairs[2 * i] = labels[a];
            pairs[2 * i + 1] = labels[b];
        }
        string hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(
            FormattableString.Invariant($"overlapping-objects-v{GeneratorVersion};{source.ContentHash};n={count};overlap={overlap:R};canvas={canvas};threshold={maskThreshold:R};seed={seed}"))));
        return new OverlappingObjectsDataset(images, tensor(pairs).view(count, 2), masks, overlap, source.ClassNames, hash);
    }
}
