namespace Phosphene.Attribution.Metrics;

/// <summary>
/// Deletion (Petsiuk, Das and Saenko 2018, "RISE: Randomized Input Sampling for Explanation of Black-box Models"):
/// the most important pixels according to the map are removed first (set to the baseline, default 0) and the
/// target's probability is recorded as the removed fraction grows from 0 to 1; a faithful map makes it fall fast, so
/// a lower area under the curve is better. Defaults: 20 steps, baseline 0, softmax probability; see
/// <see cref="PixelPerturbationCurve"/> for the ordering. Registry name <c>deletion</c>.
/// </summary>
public sealed class Deletion : PixelPerturbationCurve
{
    /// <summary>Creates the metric with its defaults (set the properties to change them).</summary>
    public Deletion() : base("deletion") { }

    /// <inheritdoc />
    public override bool HigherIsBetter => false;

    /// <inheritdoc />
    public override string Summary => "area under the target probability as the top-ranked pixels are removed (20 steps, baseline 0)";

    /// <inheritdoc />
    protected override bool Inserts => false;
}
