using Phosphene.Sensitivity;
using TorchSharp;
using static TorchSharp.torch;

namespace Phosphene.Concepts;

/// <summary>How concept importance is estimated.</summary>
public enum ImportanceMethod
{
    /// <summary>Total-order Sobol indices of the class logit under random masks on the concept coefficients
    /// (Fel et al. 2023, CRAFT, section 3.2; Fel et al. 2021, "Look at the Variance! Efficient Black-box
    /// Explanations with Sobol-based Sensitivity Analysis", NeurIPS), Jansen estimator on a Saltelli design.</summary>
    Sobol,

    /// <summary>Gradient × Input on the coefficients: Σ_p u_pk ∂logit/∂u_pk (Fel et al. 2023, holistic paper,
    /// which shows it is optimal for the C-Deletion and C-Insertion fidelity metrics in the linear case).</summary>
    GradientInput,
}

/// <summary>The low-discrepancy sequence that draws the Sobol masks (the rows of the <see cref="SaltelliDesign"/>).</summary>
public enum DesignSequence
{
    /// <summary>The unscrambled Sobol sequence (Joe–Kuo direction numbers), as CRAFT and Fel et al. 2021 (default).</summary>
    Sobol,

    /// <summary>The unscrambled Halton sequence (prime bases); needs more designs than Sobol for the same accuracy.</summary>
    Halton,
}

/// <summary>
/// Concept importance: how much the class logit depends on each concept's coefficients, per image (local) and
/// averaged over the class's images (global). Following CRAFT, an image's activations at the split (P spatial
/// positions × c channels) are encoded position by position into coefficients U (P×r), which are perturbed,
/// decoded back to activations and sent through h.
/// </summary>
/// <remarks>
/// Sobol: masks m ∈ [0, 1]^r from a <see cref="SaltelliDesign"/> (unscrambled Sobol sequence by default; Halton via
/// <c>sequence</c>), the masked coefficients U ⊙ m (same mask at every position), and the <see cref="SobolEstimator.Jansen"/>
/// total-order estimator: (r + 2)·designs evaluations of h per image, run in batches of <c>batchSize</c> masks, never
/// all at once. Default 32 designs, as CRAFT.
/// </remarks>
public static class ConceptImportance
{
    /// <summary>
    /// Total-order Sobol indices of <paramref name="score"/> with respect to masks on each concept, per sample.
    /// </summary>
    /// <param name="coefficients">U for N samples: N×P×r (P positions per sample; P = 1 for vectors).</param>
    /// <param name="score">Maps masked coefficients B×P×r (float64) to one score per row (B); e.g. decode, h, logit.</param>
    /// <param name="designs">Base samples N of the design (default 32).</param>
    /// <param name="sequence">A 2r-dimensional sequence; default the unscrambled Sobol sequence.</param>
    /// <param name="batchSize">Masked copies evaluated at once (default 1024); images are grouped when their design is smaller.</param>
    /// <param name="progress">Receives the number of samples done.</param>
    /// <param name="cancellation">Stops between batches.</param>
    /// <returns>Total-order indices, N×r float64.</returns>
    public static Tensor SobolTotal(Tensor coefficients, Func<Tensor, Tensor> score, int designs = 32,
        LowDiscrepancySequence? sequence = null, int batchSize = 1024, IProgress<int>? progress = null,
        CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(coefficients);
        ArgumentNullException.ThrowIfNull(score);
        if (coefficients.dim() != 3)
            throw new PhospheneException($"coefficients must be N×P×r (samples × positions × concepts), got [{string.Join(", ", coefficients.shape)}]");
        if (designs < 2) throw new PhospheneException($"Sobol importance needs at least 2 designs, got {designs}");
        if (batchSize < 1) throw new PhospheneException($"batch size must be at least 1, got {batchSize}");
        int r = (int)coefficients.shape[2];
        long n = coefficients.shape[0];
        var design = new SaltelliDesign(r, designs, sequence);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var u = coefficients.detach().to_type(ScalarType.Float64);
        var outputs = zeros(n, design.RowCount, dtype: ScalarType.Float64);
        // Several images share a forward pass when the design is smaller than the batch; a large design is chunked.
        long group = Math.Max(1, batchSize / design.RowCount);
        long chunk = Math.Min(batchSize, design.RowCount);
        for (long first = 0; first < n; first += group)
        {
            long images = Math.Min(group, n - first);
            for (long start = 0; start < design.RowCount; start += chunk)
            {
                cancellation.ThrowIfCancellationRequested();
                using var inner = NewDisposeScope();
                long count = Math.Min(chunk, design.RowCount - start);
                var masks = design.Rows(start, count);                                              // B×r
                var masked = u.narrow(0, first, images).unsqueeze(1) * masks.unsqueeze(0).unsqueeze(2); // G×B×P×r
                var values = score(masked.reshape(images * count, masked.shape[2], r));
                if (values.dim() != 1 || values.shape[0] != images * count)
                    throw new PhospheneException($"the score function must return one value per masked copy ({images * count}), got [{string.Join(", ", values.shape)}]");
                outputs[TensorIndex.Slice(first, first + images), TensorIndex.Slice(start, start + count)] =
                    values.reshape(images, count).to_type(ScalarType.Float64);
            }
            progress?.Report((int)(first + images));
        }
        var (fA, fB, fAB) = design.Split(outputs);
        return SobolEstimator.Jansen.TotalOrder(fA, fB, fAB).MoveToOuterDisposeScope();
    }

    /// <summary>Gradient × Input on the coefficients, Σ_p u_pk ∂score/∂u_pk, per sample: N×r float64.</summary>
    /// <param name="coefficients">U, N×P×r.</param>
    /// <param name="score">Differentiable map from coefficients B×P×r (float64) to one score per row (B).</param>
    /// <param name="batchSize">Samples per backward pass.</param>
    public static Tensor GradientInput(Tensor coefficients, Func<Tensor, Tensor> score, int batchSize = 64)
    {
        ArgumentNullException.ThrowIfNull(coefficients);
        ArgumentNullException.ThrowIfNull(score);
        if (coefficients.dim() != 3)
            throw new PhospheneException($"coefficients must be N×P×r (samples × positions × concepts), got [{string.Join(", ", coefficients.shape)}]");
        using var scope = NewDisposeScope();
        long n = coefficients.shape[0];
        var parts = new List<Tensor>();
        for (long start = 0; start < n; start += batchSize)
        {
            using var inner = NewDisposeScope();
            var u = coefficients.narrow(0, start, Math.Min(batchSize, n - start)).detach().to_type(ScalarType.Float64).requires_grad_(true);
            var values = score(u);
            var gradient = autograd.grad([values.sum()], [u])[0];
            parts.Add((gradient * u).sum(1).detach().MoveToOuterDisposeScope());
        }
        return cat(parts, 0).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The coefficients of whole images at the split, position by position: N×P×r (P = H·W of the activations),
    /// float64, with the activation grid size. Images not at the model's input size are resized (bilinear).
    /// </summary>
    public static (Tensor Coefficients, long Height, long Width) SpatialCoefficients(ModelSplit split, ConceptDecomposition decomposition,
        Tensor images, int batchSize = 64)
    {
        ArgumentNullException.ThrowIfNull(split);
        ArgumentNullException.ThrowIfNull(decomposition);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var x = ToInput(split, images);
        var parts = new List<Tensor>();
        long height = 1, width = 1;
        for (long start = 0; start < x.shape[0]; start += batchSize)
        {
            using var inner = NewDisposeScope();
            var a = split.Activations(x.narrow(0, start, Math.Min(batchSize, x.shape[0] - start)));
            var (rows, h, w) = Positions(a);
            height = h; width = w;
            var u = decomposition.Encode(rows.to_type(ScalarType.Float64)).reshape(a.shape[0], h * w, decomposition.Concepts);
            parts.Add(u.MoveToOuterDisposeScope());
        }
        return (cat(parts, 0).MoveToOuterDisposeScope(), height, width);
    }

    /// <summary>The class-logit score of masked coefficients: decode, reshape to the split's activations, h.</summary>
    public static Func<Tensor, Tensor> LogitScore(ModelSplit split, ConceptDecomposition decomposition, int classIndex, long height, long width)
    {
        ArgumentNullException.ThrowIfNull(split);
        ArgumentNullException.ThrowIfNull(decomposition);
        long classes = split.Model.Hyperparameters.NumClasses;
        if (classIndex < 0 || classIndex >= classes)
            throw new PhospheneException($"class {classIndex} is outside 0 … {classes - 1} for {split.Model.Architecture}");
        return u =>
        {
            long b = u.shape[0], p = u.shape[1];
            // Narrowed to float32 before the channel-first copy: the same values, half the bytes moved.
            var rows = decomposition.Decode(u.reshape(b * p, u.shape[2])).to_type(ScalarType.Float32);   // (B·P)×c
            var activations = split.IsSpatial
                ? rows.reshape(b, height, width, rows.shape[1]).permute(0, 3, 1, 2).contiguous()
                : rows.reshape(b, rows.shape[1]);
            return split.Logits(activations)[.., classIndex].to_type(ScalarType.Float64);
        };
    }

    /// <summary>Local Sobol total indices of the class logit for each image: N×r float64.</summary>
    /// <param name="split">The model split the decomposition was fitted at.</param>
    /// <param name="decomposition">A fitted decomposition.</param>
    /// <param name="images">float32 N×C×H×W (resized to the model's input when needed).</param>
    /// <param name="classIndex">The class whose logit is explained.</param>
    /// <param name="designs">Base samples (default 32).</param>
    /// <param name="batchSize">Masked copies per forward pass of h.</param>
    /// <param name="progress">Receives images done.</param>
    /// <param name="cancellation">Stops between batches.</param>
    /// <param name="sequence">The sequence of the masks (default Sobol).</param>
    public static Tensor Sobol(ModelSplit split, ConceptDecomposition decomposition, Tensor images, int classIndex,
        int designs = 32, int batchSize = 1024, IProgress<int>? progress = null, CancellationToken cancellation = default,
        DesignSequence sequence = DesignSequence.Sobol)
    {
        ArgumentNullException.ThrowIfNull(decomposition);
        using var scope = NewDisposeScope();
        var (u, h, w) = SpatialCoefficients(split, decomposition, images);
        LowDiscrepancySequence points = sequence == DesignSequence.Halton
            ? new HaltonSequence(2 * decomposition.Concepts)
            : new SobolSequence(2 * decomposition.Concepts);
        return SobolTotal(u, LogitScore(split, decomposition, classIndex, h, w), designs, points, batchSize, progress, cancellation)
            .MoveToOuterDisposeScope();
    }

    /// <summary>Local Gradient × Input on the coefficients for each image: N×r float64.</summary>
    public static Tensor GradientInput(ModelSplit split, ConceptDecomposition decomposition, Tensor images, int classIndex, int batchSize = 64)
    {
        using var scope = NewDisposeScope();
        var (u, h, w) = SpatialCoefficients(split, decomposition, images);
        return GradientInput(u, LogitScore(split, decomposition, classIndex, h, w), batchSize).MoveToOuterDisposeScope();
    }

    /// <summary>Images at the model's input size S×S (bilinear resize when they are not), validated.</summary>
    public static Tensor ToInputImages(ModelSplit split, Tensor images) => ToInput(split, images);

    // Images at the model's input size (bilinear resize when they are not).
    internal static Tensor ToInput(ModelSplit split, Tensor images)
    {
        ArgumentNullException.ThrowIfNull(images);
        var (channels, size) = split.InputShape;
        if (images.dim() != 4 || images.shape[1] != channels || images.dtype != ScalarType.Float32)
            throw new PhospheneException(
                $"images must be float32 N×{channels}×H×W for {split.Model.Architecture}, got {images.dtype} [{string.Join(", ", images.shape)}]");
        if (images.shape[2] == size && images.shape[3] == size) return images.alias();
        return nn.functional.interpolate(images, [size, size], mode: InterpolationMode.Bilinear, align_corners: false);
    }

    /// <summary>Activations N×C×H×W as rows (N·H·W)×C, image-major then row-major positions (N×D stays as is).</summary>
    /// <returns>The rows and the activation grid's height and width (1×1 for vectors).</returns>
    public static (Tensor Rows, long Height, long Width) Positions(Tensor activations)
    {
        if (activations.dim() == 2) return (activations, 1, 1);
        long h = activations.shape[2], w = activations.shape[3];
        return (activations.permute(0, 2, 3, 1).reshape(-1, activations.shape[1]), h, w);
    }
}
