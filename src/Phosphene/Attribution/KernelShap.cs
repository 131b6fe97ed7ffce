using TorchSharp;
using static TorchSharp.torch;

namespace Phosphene.Attribution;

/// <summary>
/// KernelSHAP (S. M. Lundberg and S.-I. Lee, 2017, "A unified approach to interpreting model predictions"): Shapley
/// values of the image regions, estimated by a linear regression on coalitions drawn from the Shapley kernel.
/// </summary>
/// <remarks>
/// Coalitions: a size s ∈ 1 … M − 1 drawn with probability ∝ (M − 1) / (s (M − s)), then a uniform subset of that size,
/// each with weight 1; the empty and the full coalitions are added with weight 10⁶, which pins the intercept to
/// f(baseline) and makes the values sum to f(x) − f(baseline) (efficiency). No ridge penalty. Defaults: 1000 samples,
/// SLIC with about 49 superpixels, baseline 0.
/// </remarks>
public sealed class KernelShap : SurrogateAttribution
{
    /// <inheritdoc />
    public override string Name => "kernel-shap";

    /// <inheritdoc />
    public override string Parameters => SegmentationText;

    /// <inheritdoc />
    protected override double Ridge => 0;

    /// <inheritdoc />
    protected override (Tensor Coalitions, Tensor Weights) Draw(int regions, Generator generator)
    {
        var z = zeros(Samples, regions, ScalarType.Float64);
        var weights = ones(Samples, ScalarType.Float64);
        z[0] = ones(regions, ScalarType.Float64); // full coalition; row 1 stays empty
        weights[0] = weights[1] = 1e6;
        if (regions > 1)
        {
            var sizes = arange(1, regions, ScalarType.Float64);
            var kernel = (regions - 1) / (sizes * (regions - sizes));
            var drawn = multinomial(kernel / kernel.sum(), Samples - 2, replacement: true, generator: generator).add(1);
            var sizesDrawn = drawn.data<long>().ToArray();
            for (int r = 0; r < sizesDrawn.Length; r++)
            {
                using var order = randperm(regions, generator: generator);
                z[r + 2].index_fill_(0, order.narrow(0, 0, sizesDrawn[r]), 1.0);
            }
        }
        return (z, weights);
    }
}
