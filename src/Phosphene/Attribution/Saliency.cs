using static TorchSharp.torch;

namespace Phosphene.Attribution;

/// <summary>
/// Saliency (K. Simonyan, A. Vedaldi and A. Zisserman, 2014, "Deep inside convolutional networks: Visualising image
/// classification models and saliency maps"): the absolute gradient of the explained score, maximised over channels.
/// </summary>
/// <remarks>Map: max over c of |∂f/∂x_c|, float32 N×H×W. One forward and backward pass per input.</remarks>
public sealed class Saliency : GradientAttribution
{
    /// <inheritdoc />
    public override string Name => "saliency";

    /// <inheritdoc />
    public override string Parameters => "|gradient|, max over channels";

    /// <inheritdoc />
    protected override Tensor Compute(AttributionRun run, Tensor inputs, Tensor targets) =>
        MaxAbsOverChannels(InputGradients(run, inputs, targets));
}
