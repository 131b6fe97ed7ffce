using static TorchSharp.torch;

namespace Phosphene.Attribution;

/// <summary>
/// VarGrad (J. Adebayo, J. Gilmer, I. Goodfellow and B. Kim, 2018, "Local explanation methods for deep neural networks
/// lack sensitivity to parameter values"): the variance of the gradient over noisy copies of the input, a
/// <see cref="SmoothGrad"/> variant.
/// </summary>
/// <remarks>Map: max over c of var_s ∂f/∂x_c(x + ε_s) (population variance), float32 N×H×W. Defaults as SmoothGrad: 50 samples, noise 0.2.</remarks>
public sealed class VarGrad : SmoothGrad
{
    /// <inheritdoc />
    public override string Name => "vargrad";

    /// <inheritdoc />
    protected override Tensor Aggregate(Tensor mean, Tensor meanSquare) => (meanSquare - mean * mean).clamp_min(0).amax([1L]);
}
