using static TorchSharp.torch;

namespace Phosphene.Attribution;

/// <summary>
/// SquareGrad (S. Hooker, D. Erhan, P.-J. Kindermans and B. Kim, 2019, "A benchmark for interpretability methods in
/// deep neural networks"): the mean squared gradient over noisy copies of the input, a <see cref="SmoothGrad"/> variant.
/// </summary>
/// <remarks>Map: max over c of mean_s (∂f/∂x_c(x + ε_s))², float32 N×H×W, non-negative. Defaults as SmoothGrad: 50 samples, noise 0.2.</remarks>
public sealed class SquareGrad : SmoothGrad
{
    /// <inheritdoc />
    public override string Name => "squaregrad";

    /// <inheritdoc />
    protected override Tensor Aggregate(Tensor mean, Tensor meanSquare) => meanSquare.amax([1L]);
}
