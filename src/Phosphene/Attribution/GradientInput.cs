using static TorchSharp.torch;

namespace Phosphene.Attribution;

/// <summary>
/// Gradient × Input (A. Shrikumar, P. Greenside, A. Shcherbina and A. Kundaje, 2016, "Not just a black box: Learning
/// important features through propagating activation differences"): the gradient times the input, summed over channels.
/// </summary>
/// <remarks>Map: Σ_c x_c·∂f/∂x_c, float32 N×H×W, signed; for a linear model f(x) = w·x it is x ⊙ w exactly.</remarks>
public sealed class GradientInput : GradientAttribution
{
    /// <inheritdoc />
    public override string Name => "gradient-input";

    /// <inheritdoc />
    public override bool SignedMaps => true;

    /// <inheritdoc />
    public override string Parameters => "gradient ⊙ input, sum over channels";

    /// <inheritdoc />
    protected override Tensor Compute(AttributionRun run, Tensor inputs, Tensor targets) =>
        SumOverChannels(InputGradients(run, inputs, targets) * inputs);
}
