using TorchSharp;
using static TorchSharp.torch;

namespace Phosphene.Attribution;

/// <summary>
/// The black-box family: methods that only evaluate the model, on perturbed copies of each input (occluded, masked,
/// blurred), and attribute the changes of the explained score to the perturbed regions. They need no gradient and work
/// with any model.
/// </summary>
public abstract class PerturbationAttribution : AttributionMethod
{
    /// <summary>
    /// The explained scores of <paramref name="count"/> perturbed copies of one input, built and evaluated a batch at a
    /// time: <paramref name="build"/>(start, length) returns the copies start … start + length − 1.
    /// </summary>
    /// <returns>float32 <paramref name="count"/>.</returns>
    protected static Tensor ScorePerturbations(AttributionRun run, long count, Tensor target, Func<long, long, Tensor> build)
    {
        var scores = new List<Tensor>();
        foreach (var (start, length) in run.Batches(count))
        {
            using var scope = NewDisposeScope();
            var batch = build(start, length);
            scores.Add(run.Scores(batch, target.view(1).expand(length)).MoveToOuterDisposeScope());
        }
        return cat(scores, 0);
    }

    /// <summary>Grid masks B×g×g (or B×g×g' ) upsampled to B×1×H×W by nearest neighbour: each cell covers its block of pixels.</summary>
    protected static Tensor UpsampleCells(Tensor masks, long height, long width) =>
        nn.functional.interpolate(masks.unsqueeze(1).to_type(ScalarType.Float32), [height, width], mode: InterpolationMode.Nearest);

    /// <summary>A cell-level map B×g×g upsampled to B×H×W bicubically, as Fel et al. (2021) display their indices.</summary>
    protected static Tensor UpsampleMap(Tensor cells, long height, long width) =>
        nn.functional.interpolate(cells.unsqueeze(1).to_type(ScalarType.Float32), [height, width], mode: InterpolationMode.Bicubic,
                                  align_corners: false).squeeze(1);

    /// <summary>
    /// Applies <paramref name="perturbation"/> to one image 1×C×H×W under masks B×1×H×W in [0, 1] (1 keeps the pixel).
    /// </summary>
    /// <param name="image">1×C×H×W.</param>
    /// <param name="masks">B×1×H×W.</param>
    /// <param name="perturbation">How a masked-out pixel is changed.</param>
    /// <param name="blurred">The blurred image 1×C×H×W, for <see cref="GridPerturbation.Blurring"/>.</param>
    /// <param name="amplitude">Scale of <see cref="GridPerturbation.Amplitude"/>.</param>
    protected static Tensor Perturb(Tensor image, Tensor masks, GridPerturbation perturbation, Tensor? blurred, double amplitude) =>
        perturbation switch
        {
            GridPerturbation.Inpainting => image * masks,
            GridPerturbation.Blurring => image * masks + blurred! * (1 - masks),
            GridPerturbation.Amplitude => image + (masks - 0.5) * amplitude,
            _ => throw new PhospheneException($"unknown perturbation {perturbation}"),
        };

    /// <summary>Gaussian blur of N×C×H×W images with standard deviation <paramref name="sigma"/> pixels (edges replicated).</summary>
    public static Tensor GaussianBlur(Tensor images, double sigma)
    {
        if (!(sigma > 0)) throw new PhospheneException($"blur sigma must be positive, got {sigma}");
        using var scope = NewDisposeScope();
        int radius = (int)Math.Ceiling(3 * sigma);
        var offsets = arange(-radius, radius + 1, ScalarType.Float32);
        var kernel = (-(offsets * offsets) / (float)(2 * sigma * sigma)).exp();
        kernel /= kernel.sum();
        long channels = images.shape[1];
        var horizontal = kernel.view(1, 1, 1, -1).expand(channels, 1, 1, -1).contiguous();
        var vertical = kernel.view(1, 1, -1, 1).expand(channels, 1, -1, 1).contiguous();
        var padded = nn.functional.pad(images, [radius, radius, radius, radius], PaddingModes.Replicate);
        var blurred = nn.functional.conv2d(nn.functional.conv2d(padded, horizontal, groups: channels), vertical, groups: channels);
        return blurred.MoveToOuterDisposeScope();
    }
}
