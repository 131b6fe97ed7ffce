namespace Phosphene.Attribution.Metrics;

/// <summary>
/// Average Increase, or increase in confidence (Chattopadhay, Sarkar, Howlader and Balasubramanian 2018, "Grad-CAM++:
/// Improved Visual Explanations for Deep Convolutional Networks"): the percentage of inputs whose target probability
/// rises when the input is masked by its min–max rescaled map, O &gt; Y (see <see cref="MaskedConfidence"/>); per
/// input 100 or 0. Higher is better. Registry name <c>average-increase</c>.
/// </summary>
public sealed class AverageIncrease : MaskedConfidence
{
    /// <summary>Creates the metric.</summary>
    public AverageIncrease() : base("average-increase") { }

    /// <inheritdoc />
    public override bool HigherIsBetter => true;

    /// <inheritdoc />
    public override string Summary => "% of inputs whose target probability rises when masked by their map";

    /// <inheritdoc />
    protected override double Value(double y, double o) => o > y ? 100 : 0;
}
