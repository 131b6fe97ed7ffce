namespace Phosphene.Attribution.Metrics;

/// <summary>
/// Insertion (Petsiuk, Das and Saenko 2018, "RISE: Randomized Input Sampling for Explanation of Black-box Models"):
/// starting from the baseline image (default all 0), the most important pixels according to the map are restored
/// first and the target's probability is recorded as the restored fraction grows from 0 to 1; a faithful map makes
/// it rise fast, so a higher area under the curve is better. Defaults: 20 steps, baseline 0, softmax probability; see
/// <see cref="PixelPerturbationCurve"/> for the ordering. Registry name <c>insertion</c>.
/// </summary>
public sealed class Insertion : PixelPerturbationCurve
{
    /// <summary>Creates the metric with its defaults (set the properties to change them).</summary>
    public Insertion() : base("insertion") { }

    /// <inheritdoc />
    public override bool HigherIsBetter => true;

    /// <inheritdoc />
    public override string Summary => "area under the target probability as the top-ranked pixels are restored onto a 0 baseline (20 steps)";

    /// <inheritdoc />
    protected override bool Inserts => true;
}
