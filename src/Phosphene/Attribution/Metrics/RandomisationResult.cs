using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Phosphene.Results;

namespace Phosphene.Attribution.Metrics;

/// <summary>
/// The outcome of the model-randomisation sanity check: for each randomisation step (a layer, in the order
/// randomised), the similarity between the maps of the trained and of the randomised model, averaged over the inputs.
/// <see cref="MetricResult.PerExample"/> holds, per input, its mean |Spearman| over the steps; the score is their mean.
/// </summary>
public sealed class RandomisationResult : MetricResult
{
    /// <summary>Creates the result.</summary>
    /// <param name="mode">Cascading or independent.</param>
    /// <param name="layers">Layer paths in the order randomised.</param>
    /// <param name="spearman">Mean signed Spearman correlation per step.</param>
    /// <param name="spearmanAbsolute">Mean Spearman correlation of |maps| per step.</param>
    /// <param name="ssim">Mean SSIM of the min–max rescaled |maps| per step.</param>
    /// <param name="perExample">Per input, the mean over the steps of <paramref name="spearmanAbsolute"/>'s values.</param>
    public RandomisationResult(RandomisationMode mode, IReadOnlyList<string> layers, IReadOnlyList<double> spearman,
                               IReadOnlyList<double> spearmanAbsolute, IReadOnlyList<double> ssim, IReadOnlyList<double> perExample)
        : base("randomisation", higherIsBetter: false, perExample)
    {
        Mode = mode;
        Layers = layers;
        Spearman = spearman;
        SpearmanAbsolute = spearmanAbsolute;
        Ssim = ssim;
    }

    /// <summary>Cascading (layers accumulate, top down) or independent (one layer at a time).</summary>
    public RandomisationMode Mode { get; }

    /// <summary>The randomised layers' paths, in the order of the steps (output side first).</summary>
    public IReadOnlyList<string> Layers { get; }

    /// <summary>Per step, the mean Spearman rank correlation of the signed maps.</summary>
    public IReadOnlyList<double> Spearman { get; }

    /// <summary>Per step, the mean Spearman rank correlation of the maps' magnitudes.</summary>
    public IReadOnlyList<double> SpearmanAbsolute { get; }

    /// <summary>Per step, the mean SSIM of the maps' magnitudes rescaled to [0, 1].</summary>
    public IReadOnlyList<double> Ssim { get; }

    internal override JsonObject ToJson()
    {
        var json = base.ToJson();
        json["kind"] = "randomisation";
        json["mode"] = Mode.ToString();
        json["layers"] = ResultFile.Strings(Layers);
        json["spearman"] = ResultFile.Numbers(Spearman);
        json["spearmanAbsolute"] = ResultFile.Numbers(SpearmanAbsolute);
        json["ssim"] = ResultFile.Numbers(Ssim);
        return json;
    }

    /// <summary>One line per randomisation step: the layer and the three similarities.</summary>
    public override string ToString()
    {
        var text = new StringBuilder(string.Create(CultureInfo.InvariantCulture,
            $"randomisation ({Mode.ToString().ToLowerInvariant()}): mean Spearman of |map| {Score:F3} (lower is better)"));
        int width = Layers.Max(l => l.Length);
        for (int i = 0; i < Layers.Count; i++)
            text.Append(CultureInfo.InvariantCulture,
                $"\n  {Layers[i].PadRight(width)}  Spearman {Spearman[i],6:F3}  Spearman of |map| {SpearmanAbsolute[i],6:F3}  SSIM {Ssim[i],6:F3}");
        return text.ToString();
    }
}
