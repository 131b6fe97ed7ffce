using static TorchSharp.torch;

namespace Phosphene.Attribution.Metrics;

/// <summary>
/// The shared base of <see cref="AverageDrop"/>, <see cref="AverageIncrease"/> and <see cref="AverageGain"/>
/// (Chattopadhay, Sarkar, Howlader and Balasubramanian 2018, "Grad-CAM++: Improved Visual Explanations for Deep
/// Convolutional Networks"; Zhang, Torres, Sicre, Avrithis and Ayache 2024, "Opti-CAM: Optimizing saliency maps for
/// interpretability"): the model sees the input masked by its own map, x ⊙ M with M the map rescaled to [0, 1] by its
/// minimum and maximum, and the target's softmax probability O on it is compared with the probability Y on x.
/// </summary>
public abstract class MaskedConfidence : AttributionMetric
{
    /// <summary>Creates the base for the named metric.</summary>
    protected MaskedConfidence(string name) : base(name) { }

    /// <summary>The watched score; default the target's softmax probability (the papers' definition).</summary>
    public OutputHead Head { get; init; } = OutputHead.Softmax;

    /// <summary>The per-example value from the full-input score <paramref name="y"/> and the masked-input score <paramref name="o"/>.</summary>
    protected abstract double Value(double y, double o);

    /// <inheritdoc />
    protected override MetricResult Compute(MetricInput input)
    {
        var mask = MapSimilarity.MinMaxNormalise(input.Maps).unsqueeze(1);
        var masked = input.Inputs * mask;
        var y = Values(Scores(input, input.Inputs, input.Targets, Head));
        var o = Values(Scores(input, masked, input.Targets, Head));
        input.Progress?.Report(new MetricProgress(Name, input.Count, input.Count));
        return new MetricResult(Name, HigherIsBetter, y.Select((yi, i) => Value(yi, o[i])).ToArray());
    }
}
