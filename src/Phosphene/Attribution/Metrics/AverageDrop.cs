namespace Phosphene.Attribution.Metrics;

/// <summary>
/// Average Drop (Chattopadhay, Sarkar, Howlader and Balasubramanian 2018, "Grad-CAM++: Improved Visual Explanations
/// for Deep Convolutional Networks"): 100 · mean over inputs of max(0, Y − O) / Y, where Y is the target's softmax
/// probability on the input and O on the input masked by its min–max rescaled map (see <see cref="MaskedConfidence"/>).
/// In percent; a map that keeps what the model needs loses little confidence: lower is better. Registry name
/// <c>average-drop</c>.
/// </summary>
public sealed class AverageDrop : MaskedConfidence
{
    /// <summary>Creates the metric.</summary>
    public AverageDrop() : base("average-drop") { }

    /// <inheritdoc />
    public override bool HigherIsBetter => false;

    /// <inheritdoc />
    public override string Summary => "mean % of target probability lost when the input is masked by its map";

    /// <inheritdoc />
    protected override double Value(double y, double o) => 100 * Math.Max(0, y - o) / y;
}
