using TorchSharp;
using static TorchSharp.torch;

namespace Phosphene.Attribution;

/// <summary>
/// The base of the surrogate-model methods (<see cref="Lime"/>, <see cref="KernelShap"/>): the image is segmented into
/// M regions, random coalitions z ∈ {0, 1}^M keep some regions and set the others to <see cref="BaselineValue"/>, and a
/// weighted linear model of the explained score on z gives each region its coefficient.
/// </summary>
/// <remarks>
/// Map: each pixel gets its region's coefficient, float32 N×H×W, signed. Coalitions are drawn from the seeded generator
/// at region level (samples × M, small); the perturbed images are built and evaluated a batch at a time.
/// </remarks>
public abstract class SurrogateAttribution : PerturbationAttribution
{
    /// <summary>Number of coalitions (model evaluations) per input; default 1000.</summary>
    public int Samples { get; init; } = 1000;

    /// <inheritdoc />
    public override bool SignedMaps => true;

    /// <summary>Regions: SLIC superpixels (default) or a grid.</summary>
    public SegmentationKind Segmentation { get; init; } = SegmentationKind.Slic;

    /// <summary>Approximate number of regions; default 49 (a 7×7 grid, or about 49 superpixels).</summary>
    public int Segments { get; init; } = 49;

    /// <summary>Value of the pixels of switched-off regions; default 0.</summary>
    public double BaselineValue { get; init; }

    /// <summary>Describes the segmentation for <see cref="AttributionMethod.Parameters"/>.</summary>
    protected string SegmentationText =>
        $"samples {Samples}, {(Segmentation == SegmentationKind.Slic ? "slic" : "grid")} {Segments} segments";

    /// <inheritdoc />
    protected override void Validate(Tensor inputs)
    {
        if (Samples < 2) throw Invalid(nameof(Samples), Samples, "at least 2");
        if (Segments < 1) throw Invalid(nameof(Segments), Segments, "at least 1");
    }

    /// <summary>The region labels of one image C×H×W: int64 H×W, 0 … M − 1.</summary>
    public Tensor Segment(Tensor image) =>
        Segmentation == SegmentationKind.Slic
            ? Superpixels.Slic(image, Segments)
            : Superpixels.Grid(image.shape[1], image.shape[2], Math.Clamp((int)Math.Round(Math.Sqrt(Segments)), 1, (int)Math.Min(image.shape[1], image.shape[2])));

    /// <summary>Coalitions float64 samples×M in {0, 1} and their regression weights float64 samples.</summary>
    protected abstract (Tensor Coalitions, Tensor Weights) Draw(int regions, Generator generator);

    /// <summary>Ridge penalty on the region coefficients (not the intercept).</summary>
    protected abstract double Ridge { get; }

    /// <inheritdoc />
    protected sealed override Tensor Compute(AttributionRun run, Tensor inputs, Tensor targets)
    {
        long n = inputs.shape[0], height = inputs.shape[2], width = inputs.shape[3];
        using var generator = NewGenerator();
        run.Expect(n * Samples);
        var maps = new List<Tensor>();
        for (long i = 0; i < n; i++)
        {
            using var scope = NewDisposeScope();
            var image = inputs.narrow(0, i, 1);
            var labels = Segment(image[0]);
            int regions = (int)labels.max().item<long>() + 1;
            var (coalitions, weights) = Draw(regions, generator);
            var pixelRegion = labels.flatten();
            var z = coalitions.to_type(ScalarType.Float32);
            var scores = ScorePerturbations(run, coalitions.shape[0], targets[i], (start, length) =>
            {
                var keep = z.narrow(0, start, length).index_select(1, pixelRegion).view(-1, 1, height, width);
                return image * keep + (1 - keep) * (float)BaselineValue;
            });
            var coefficients = Fit(coalitions, scores.to_type(ScalarType.Float64), weights);
            maps.Add(coefficients.index_select(0, pixelRegion).view(height, width).to_type(ScalarType.Float32).MoveToOuterDisposeScope());
        }
        return stack(maps);
    }

    /// <summary>Weighted ridge regression with an unpenalised intercept; returns the M region coefficients.</summary>
    Tensor Fit(Tensor z, Tensor y, Tensor w)
    {
        long m = z.shape[1];
        var design = cat([z, ones(z.shape[0], 1, ScalarType.Float64)], 1);
        var weighted = design * w.unsqueeze(1);
        var penalty = eye(m + 1, dtype: ScalarType.Float64) * Ridge;
        penalty[m, m] = 0;
        // A tiny jitter keeps the system solvable when a region is always on or always off.
        var normal = design.t().matmul(weighted) + penalty + eye(m + 1, dtype: ScalarType.Float64) * 1e-9;
        var solution = linalg.solve(normal, weighted.t().matmul(y));
        return solution.narrow(0, 0, m);
    }
}
