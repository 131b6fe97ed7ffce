using static TorchSharp.torch;

namespace Phosphene.Attribution;

/// <summary>
/// Grad-CAM (R. R. Selvaraju, M. Cogswell, A. Das, R. Vedantam, D. Parikh and D. Batra, 2017, "Grad-CAM: Visual
/// explanations from deep networks via gradient-based localization"): the layer's activation maps weighted by their
/// spatially averaged gradients, rectified.
/// </summary>
/// <remarks>
/// Map: ReLU(Σ_k α_k A_k) with α_k = mean over h×w of ∂f/∂A_k, upsampled bilinearly to N×H×W, float32, non-negative.
/// Default layer: the last convolution (see <see cref="ClassActivationMap.Layer"/>). One pass per input.
/// </remarks>
public sealed class GradCam : ClassActivationMap
{
    /// <inheritdoc />
    public override string Name => "grad-cam";

    /// <inheritdoc />
    protected override Tensor Weigh(Tensor activations, Tensor gradients)
    {
        var alpha = gradients.mean([2L, 3L], keepdim: true);
        return (alpha * activations).sum(1).relu();
    }
}
