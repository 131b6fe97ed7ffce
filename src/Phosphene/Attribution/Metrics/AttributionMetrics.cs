namespace Phosphene.Attribution.Metrics;

/// <summary>
/// The registry of attribution metrics by name: <c>deletion</c>, <c>insertion</c>, <c>mu-fidelity</c>,
/// <c>average-drop</c>, <c>average-increase</c>, <c>average-gain</c>, <c>stability</c>, <c>randomisation</c>,
/// <c>random-logit</c>, <c>complexity</c>, <c>sparseness</c>, <c>mege</c>, <c>reco</c>; for each, whether higher or
/// lower is better and whether it needs the explainer, so a table can mark the best method per metric.
/// </summary>
public static class AttributionMetrics
{
    /// <summary>One registered metric: its name, direction, needs and one line of description.</summary>
    /// <param name="Name">The registry name.</param>
    /// <param name="HigherIsBetter">Whether a higher score is a better explanation.</param>
    /// <param name="RequiresExplainer">Whether it re-explains (and so needs the attribution method, and costs more).</param>
    /// <param name="Description">What it measures, with its defaults.</param>
    public sealed record Entry(string Name, bool HigherIsBetter, bool RequiresExplainer, string Description);

    static readonly (Entry Entry, Func<MetricSettings, AttributionMetric> Create)[] All =
    [
        (new("deletion", false, false, "area under the target probability as the top-ranked pixels are removed (20 steps, baseline 0)"),
            s => new Deletion { BatchSize = s.BatchSize, Seed = s.Seed }),
        (new("insertion", true, false, "area under the target probability as the top-ranked pixels are restored onto a 0 baseline (20 steps)"),
            s => new Insertion { BatchSize = s.BatchSize, Seed = s.Seed }),
        (new("mu-fidelity", true, false, "Spearman correlation of map mass and logit drop over 200 random 20% subsets of a 9×9 grid"),
            s => new MuFidelity { BatchSize = s.BatchSize, Seed = s.Seed }),
        (new("average-drop", false, false, "mean % of target probability lost when the input is masked by its map"),
            s => new AverageDrop { BatchSize = s.BatchSize, Seed = s.Seed }),
        (new("average-increase", true, false, "% of inputs whose target probability rises when masked by their map"),
            s => new AverageIncrease { BatchSize = s.BatchSize, Seed = s.Seed }),
        (new("average-gain", true, false, "mean % of the remaining probability gained when the input is masked by its map"),
            s => new AverageGain { BatchSize = s.BatchSize, Seed = s.Seed }),
        (new("stability", false, true, "max relative change of the map under 10 uniform input perturbations of radius 0.1"),
            s => new AverageStability { BatchSize = s.BatchSize, Seed = s.Seed }),
        (new("randomisation", false, true, "Spearman correlation of |maps| before and after cascading layer randomisation"),
            s => new ModelRandomisation { BatchSize = s.BatchSize, Seed = s.Seed }),
        (new("random-logit", false, true, "SSIM between the maps of the target and of a random other class"),
            s => new RandomLogit { BatchSize = s.BatchSize, Seed = s.Seed }),
        (new("complexity", false, false, "entropy of the normalised |map|"),
            s => new Complexity { BatchSize = s.BatchSize, Seed = s.Seed }),
        (new("sparseness", true, false, "Gini index of the |map|"),
            s => new Sparseness { BatchSize = s.BatchSize, Seed = s.Seed }),
        (new("mege", true, true, "similarity of the explanations of models retrained on k splits"),
            s => new MeGe(Splits("mege", s)) { BatchSize = s.BatchSize, Seed = s.Seed }),
        (new("reco", true, true, "how well explanation distance separates agreeing from disagreeing retrained models"),
            s => new ReCo(Splits("reco", s)) { BatchSize = s.BatchSize, Seed = s.Seed }),
    ];

    /// <summary>Every registered metric, in a fixed order.</summary>
    public static IReadOnlyList<Entry> Entries { get; } = All.Select(a => a.Entry).ToArray();

    /// <summary>The registry names, in <see cref="Entries"/>' order.</summary>
    public static IReadOnlyList<string> Names { get; } = All.Select(a => a.Entry.Name).ToArray();

    /// <summary>The entry called <paramref name="name"/>.</summary>
    /// <exception cref="PhospheneException">Unknown name; the message suggests the closest one and lists them all.</exception>
    public static Entry Find(string name) => All[IndexOf(name)].Entry;

    /// <summary>Whether a higher score of metric <paramref name="name"/> is better.</summary>
    /// <exception cref="PhospheneException">Unknown name.</exception>
    public static bool HigherIsBetter(string name) => Find(name).HigherIsBetter;

    /// <summary>Creates metric <paramref name="name"/> with its defaults and the shared <paramref name="settings"/>.</summary>
    /// <param name="name">A registry name, e.g. <c>deletion</c>.</param>
    /// <param name="settings">Batch size, seed and, for <c>mege</c>/<c>reco</c>, the split models; default <see cref="MetricSettings"/>'s.</param>
    /// <exception cref="PhospheneException">Unknown name, or <c>mege</c>/<c>reco</c> without split models.</exception>
    public static AttributionMetric Create(string name, MetricSettings? settings = null) =>
        All[IndexOf(name)].Create(settings ?? new MetricSettings());

    /// <summary>
    /// Among <paramref name="scores"/> (e.g. per method), the key of the best score of metric <paramref name="name"/>
    /// (highest or lowest by its direction), ignoring NaN; null if none is finite.
    /// </summary>
    public static string? Best(string name, IReadOnlyDictionary<string, double> scores)
    {
        bool higher = HigherIsBetter(name);
        string? best = null;
        double bestValue = 0;
        foreach (var (key, value) in scores)
        {
            if (!double.IsFinite(value)) continue;
            if (best is null || (higher ? value > bestValue : value < bestValue)) { best = key; bestValue = value; }
        }
        return best;
    }

    static int IndexOf(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        for (int i = 0; i < All.Length; i++)
            if (All[i].Entry.Name == name) return i;
        throw new PhospheneException(
            $"unknown metric '{name}'{Suggestions.DidYouMean(name, Names)} (metrics: {string.Join(", ", Names)})");
    }

    static SplitModels Splits(string name, MetricSettings settings) =>
        settings.Splits ?? throw new PhospheneException(
            $"metric '{name}' compares models retrained on k splits of the data: build them with SplitModels.Train(data, k) " +
            "and pass them as MetricSettings.Splits");
}
