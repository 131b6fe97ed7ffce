namespace Phosphene.Attribution.Metrics;

/// <summary>
/// Average Gain (Zhang, Torres, Sicre, Avrithis and Ayache 2024, "Opti-CAM: Optimizing saliency maps for interpretability"):
/// 100 · mean over inputs of max(0, O − Y) / (1 − Y), the gain of target probability when the input is masked by its
/// min–max rescaled map, relative to the room left (see <see cref="MaskedConfidence"/>). It completes Average Drop,
/// which a map of all ones would game. In percent; higher is better. Registry name <c>average-gain</c>.
/// </summary>
public sealed class AverageGain : MaskedConfidence
{
    /// <summary>Creates the metric.</summary>
    public AverageGain() : base("average-gain") { }

    /// <inheritdoc />
    public override bool HigherIsBetter => true;

    /// <inheritdoc />
    public override string Summary => "mean % of the remaining probability gained when the input is masked by its map";

    /// <inheritdoc />
    protected override double Value(double y, double o) => y >= 1 ? 0 : 100 * Math.Max(0, o - y) / (1 - y);
}
