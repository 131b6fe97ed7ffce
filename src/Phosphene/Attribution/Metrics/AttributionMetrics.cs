namespace Phosphene.Attribution.Metrics;

/// <summary>
/// The registry of attribution metrics by name: <c>deletion</c>, <c>insertion</c>, <c>mu-fidelity</c>,
/// <c>average-drop</c>, <c>average-increase</c>, <c>average-gain</c>, <c>stability</c>, <c>randomisation</c>,
/// <c>random-logit</c>, <c>complexity</c>, <c>sparseness</c>, <c>mege</c>, <c>reco</c>; each metric says whether higher
/// or lower is better and whether it needs the explainer, so a table can mark the best method per metric.
/// </summary>
public static class AttributionMetrics
{
    /// <summary>The registry itself; names, directions and summaries come from the metrics.</summary>
    public static Registry<MetricSettings, AttributionMetric> Registry { get; } = new("metric", new MetricSettings(),
        s => new Deletion { BatchSize = s.BatchSize, Seed = s.Seed },
        s => new Insertion { BatchSize = s.BatchSize, Seed = s.Seed },
        s => new MuFidelity { BatchSize = s.BatchSize, Seed = s.Seed },
        s => new AverageDrop { BatchSize = s.BatchSize, Seed = s.Seed },
        s => new AverageIncrease { BatchSize = s.BatchSize, Seed = s.Seed },
        s => new AverageGain { BatchSize = s.BatchSize, Seed = s.Seed },
        s => new AverageStability { BatchSize = s.BatchSize, Seed = s.Seed },
        s => new ModelRandomisation { BatchSize = s.BatchSize, Seed = s.Seed },
        s => new RandomLogit { BatchSize = s.BatchSize, Seed = s.Seed },
        s => new Complexity { BatchSize = s.BatchSize, Seed = s.Seed },
        s => new Sparseness { BatchSize = s.BatchSize, Seed = s.Seed },
        s => new MeGe(s.Splits) { BatchSize = s.BatchSize, Seed = s.Seed },
        s => new ReCo(s.Splits) { BatchSize = s.BatchSize, Seed = s.Seed });

    /// <summary>Every registered metric with its defaults (name, direction, needs, summary), in a fixed order.</summary>
    public static IReadOnlyList<AttributionMetric> Entries => Registry.Defaults;

    /// <summary>The registry names, in <see cref="Entries"/>' order.</summary>
    public static IReadOnlyList<string> Names => Registry.Names;

    /// <summary>The default instance of metric <paramref name="name"/>, to read its facts (shared: do not evaluate it).</summary>
    /// <exception cref="PhospheneException">Unknown name; the message suggests the closest one and lists them all.</exception>
    public static AttributionMetric Find(string name) => Registry.Find(name);

    /// <summary>Whether a higher score of metric <paramref name="name"/> is better.</summary>
    /// <exception cref="PhospheneException">Unknown name.</exception>
    public static bool HigherIsBetter(string name) => Find(name).HigherIsBetter;

    /// <summary>Creates metric <paramref name="name"/> with its defaults and the shared <paramref name="settings"/>.</summary>
    /// <param name="name">A registry name, e.g. <c>deletion</c>.</param>
    /// <param name="settings">Batch size, seed and, for <c>mege</c>/<c>reco</c>, the split models; default <see cref="MetricSettings"/>'s.</param>
    /// <exception cref="PhospheneException">Unknown name, or <c>mege</c>/<c>reco</c> without split models.</exception>
    public static AttributionMetric Create(string name, MetricSettings? settings = null)
    {
        var metric = Registry.Create(name, settings ?? new MetricSettings());
        if (metric is AlgorithmicStabilityMetric { HasSplits: false }) throw AlgorithmicStabilityMetric.MissingSplits(metric.Name);
        return metric;
    }

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
}
