using static TorchSharp.torch;

namespace Phosphene.Attribution;

/// <summary>
/// Grad-CAM++ (A. Chattopadhay, A. Sarkar, P. Howlader and V. N. Balasubramanian, 2018, "Grad-CAM++: Generalized
/// gradient-based visual explanations for deep convolutional networks"): Grad-CAM with per-location weights that credit
/// several instances of a class.
/// </summary>
/// <remarks>
/// Map: ReLU(Σ_k w_k A_k), w_k = Σ_ij a_ij^k ReLU(g_ij^k), a_ij^k = g² / (2g² + Σ_ab A_ab^k · g³) with g = ∂f/∂A
/// (the paper's closed form under an exponential score), upsampled bilinearly to N×H×W, float32, non-negative.
/// Default layer: the last convolution.
/// </remarks>
public sealed class GradCamPlusPlus : ClassActivationMap
{
    /// <inheritdoc />
    public override string Name => "grad-cam-pp";

    /// <inheritdoc />
    protected override Tensor Weigh(Tensor activations, Tensor gradients)
    {
        var g2 = gradients.square();
        var g3 = g2 * gradients;
        var denominator = 2 * g2 + activations.sum([2L, 3L], keepdim: true) * g3;
        var a = where(denominator.abs() > 1e-12, g2 / where(denominator.abs() > 1e-12, denominator, ones_like(denominator)),
                      zeros_like(denominator));
        var weights = (a * gradients.relu()).sum([2L, 3L], keepdim: true);
        return (weights * activations).sum(1).relu();
    }
}
