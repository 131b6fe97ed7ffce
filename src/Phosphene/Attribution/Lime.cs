using TorchSharp;
using static TorchSharp.torch;

namespace Phosphene.Attribution;

/// <summary>
/// LIME (M. T. Ribeiro, S. Singh and C. Guestrin, 2016, "'Why should I trust you?': Explaining the predictions of any
/// classifier"): a locally weighted ridge regression of the explained score on which image regions are kept.
/// </summary>
/// <remarks>
/// Coalitions: the full image, then regions kept independently with probability ½. Weights: the exponential kernel
/// √exp(−d²/w²) of the cosine distance d between the coalition and the full image, width w = <see cref="KernelWidth"/>
/// (0.25, as the reference implementation for images). Ridge penalty 1. Defaults: 1000 samples, SLIC with about 49
/// superpixels, baseline 0.
/// </remarks>
public sealed class Lime : SurrogateAttribution
{
    /// <inheritdoc />
    public override string Name => "lime";

    /// <summary>Width of the similarity kernel on cosine distances; default 0.25.</summary>
    public double KernelWidth { get; init; } = 0.25;

    /// <inheritdoc />
    public override string Parameters => $"{SegmentationText}, kernel width {KernelWidth.ToString(System.Globalization.CultureInfo.InvariantCulture)}";

    /// <inheritdoc />
    protected override double Ridge => 1;

    /// <inheritdoc />
    protected override (Tensor Coalitions, Tensor Weights) Draw(int regions, Generator generator)
    {
        var z = rand([Samples, regions], dtype: ScalarType.Float64, generator: generator).lt(0.5).to_type(ScalarType.Float64);
        z[0] = ones(regions, ScalarType.Float64);
        var kept = z.sum(1);
        var cosine = kept / (kept.sqrt() * Math.Sqrt(regions)).clamp_min(1e-12);
        var distance = 1 - cosine;
        var weights = (-(distance.square()) / (KernelWidth * KernelWidth)).exp().sqrt();
        return (z, weights);
    }
}
