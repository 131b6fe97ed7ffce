using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Phosphene.Results;
using TorchSharp;
using static TorchSharp.torch;

namespace Phosphene.Attribution.Metrics;

/// <summary>One attribution method's maps for a metric table, with the method itself for metrics that re-explain.</summary>
/// <param name="Name">The method's name, a column of the table (e.g. <c>saliency</c>).</param>
/// <param name="Maps">Its N×H×W maps of the table's inputs.</param>
/// <param name="Explainer">The method, needed by stability, randomisation, random-logit, MeGe and ReCo; may be null otherwise.</param>
public sealed record ExplainedMethod(string Name, Tensor Maps, AttributionFunction? Explainer = null);

/// <summary>
/// Several metrics of several attribution methods on the same inputs: every score as <c>Scores[metric][method]</c>,
/// the full results, the time each took, and the best method per metric by the metric's direction. This is what the
/// <c>%attribute</c> magic shows as a table of the metrics it was asked for.
/// </summary>
public sealed class MetricTable
{
    MetricTable(IReadOnlyList<string> metrics, IReadOnlyList<string> methods,
                Dictionary<string, Dictionary<string, MetricResult>> results, Dictionary<string, Dictionary<string, TimeSpan>> elapsed)
    {
        Metrics = metrics;
        Methods = methods;
        Results = results.ToDictionary(r => r.Key, r => (IReadOnlyDictionary<string, MetricResult>)r.Value);
        Scores = results.ToDictionary(r => r.Key,
            r => (IReadOnlyDictionary<string, double>)r.Value.ToDictionary(m => m.Key, m => m.Value.Score));
        Elapsed = elapsed.ToDictionary(r => r.Key, r => (IReadOnlyDictionary<string, TimeSpan>)r.Value);
    }

    /// <summary>The metric names, in the order asked.</summary>
    public IReadOnlyList<string> Metrics { get; }

    /// <summary>The method names, in the order given.</summary>
    public IReadOnlyList<string> Methods { get; }

    /// <summary>Every score: <c>Scores["deletion"]["saliency"]</c>.</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> Scores { get; }

    /// <summary>Every full result (curves, per-layer values, per-example values): <c>Results["deletion"]["saliency"]</c>.</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, MetricResult>> Results { get; }

    /// <summary>
    /// Wall-clock time of each evaluation: <c>Elapsed["deletion"]["saliency"]</c>. A metric that scores every method in
    /// one shared call (one that does not re-explain) reports that call's time split evenly over the methods.
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, TimeSpan>> Elapsed { get; }

    /// <summary>Whether a higher score of <paramref name="metric"/> is better.</summary>
    public bool HigherIsBetter(string metric) => AttributionMetrics.HigherIsBetter(metric);

    /// <summary>The method with the best finite score on <paramref name="metric"/>, or null.</summary>
    public string? Best(string metric) => AttributionMetrics.Best(metric, Scores[metric]);

    /// <summary>
    /// Scores every method on every metric. All names are checked before any work: unknown metrics (with a
    /// suggestion), duplicate methods, maps of the wrong shape, or a method without an explainer for a metric that
    /// re-explains are reported at once.
    /// </summary>
    /// <param name="model">The classifier explained.</param>
    /// <param name="inputs">float32 N×C×H×W inputs.</param>
    /// <param name="targets">int64 N target classes.</param>
    /// <param name="methods">The methods with their maps of <paramref name="inputs"/>.</param>
    /// <param name="metrics">Registry names (see <see cref="AttributionMetrics.Names"/>).</param>
    /// <param name="settings">Batch size, seed and split models shared by the metrics; default <see cref="MetricSettings"/>'s.</param>
    /// <param name="progress">Receives each metric's progress.</param>
    /// <param name="cancellation">Checked between batches.</param>
    /// <exception cref="PhospheneException">Any invalid name, shape or missing explainer, before anything runs.</exception>
    public static MetricTable Evaluate(nn.Module<Tensor, Tensor> model, Tensor inputs, Tensor targets, IReadOnlyList<ExplainedMethod> methods,
                                       IReadOnlyList<string> metrics, MetricSettings? settings = null,
                                       IProgress<MetricProgress>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (methods.Count == 0) throw new PhospheneException("a metric table needs at least one method");
        if (metrics.Count == 0) throw new PhospheneException($"a metric table needs at least one metric (metrics: {string.Join(", ", AttributionMetrics.Names)})");
        settings ??= new MetricSettings();
        var entries = metrics.Select(AttributionMetrics.Find).ToArray();
        if (metrics.Distinct().Count() != metrics.Count) throw new PhospheneException($"metric listed twice in {string.Join(",", metrics)}");
        if (methods.Select(m => m.Name).Distinct().Count() != methods.Count)
            throw new PhospheneException($"method listed twice in {string.Join(",", methods.Select(m => m.Name))}");
        foreach (var method in methods)
        {
            AttributionMetric.CheckShapes(method.Name, inputs, targets, method.Maps);
            if (method.Explainer is null && entries.FirstOrDefault(e => e.RequiresExplainer) is { } needy)
                throw new PhospheneException($"metric '{needy.Name}' re-explains, but method '{method.Name}' came without its explainer");
        }
        var created = metrics.Select(name => AttributionMetrics.Create(name, settings)).ToArray();

        var results = new Dictionary<string, Dictionary<string, MetricResult>>();
        var elapsed = new Dictionary<string, Dictionary<string, TimeSpan>>();
        foreach (var metric in created)
        {
            results[metric.Name] = [];
            elapsed[metric.Name] = [];
            if (!metric.RequiresExplainer)
            {
                // One call for all methods: metrics such as MuFidelity run their map-independent forward passes once.
                var clock = Stopwatch.StartNew();
                var each = metric.EvaluateEach(model, inputs, targets, methods.Select(m => m.Maps).ToArray(), null, progress, cancellation);
                var share = clock.Elapsed / methods.Count;
                for (int i = 0; i < methods.Count; i++)
                {
                    results[metric.Name][methods[i].Name] = each[i];
                    elapsed[metric.Name][methods[i].Name] = share;
                }
                continue;
            }
            foreach (var method in methods)
            {
                var clock = Stopwatch.StartNew();
                results[metric.Name][method.Name] = metric.Evaluate(model, inputs, targets, method.Maps, method.Explainer, progress, cancellation);
                elapsed[metric.Name][method.Name] = clock.Elapsed;
            }
        }
        return new MetricTable(metrics, methods.Select(m => m.Name).ToArray(), results, elapsed);
    }

    /// <summary>The table as saved inside a result file: metrics, methods, every full result and time.</summary>
    internal JsonObject ToJson() => new()
    {
        ["metrics"] = ResultFile.Strings(Metrics),
        ["methods"] = ResultFile.Strings(Methods),
        ["results"] = ResultFile.Map(Results, r => ResultFile.Map(r, m => m.ToJson())),
        ["elapsedSeconds"] = ResultFile.Map(Elapsed, e => ResultFile.Map(e, t => ResultFile.Duration(t))),
    };

    /// <summary>A table saved by <see cref="ToJson"/>.</summary>
    internal static MetricTable FromJson(JsonNode json) => new(
        ResultFile.Strings(json["metrics"]!), ResultFile.Strings(json["methods"]!),
        ResultFile.Map(json["results"]!, r => ResultFile.Map(r, MetricResult.FromJson)),
        ResultFile.Map(json["elapsedSeconds"]!, e => ResultFile.Map(e, t => ResultFile.Duration(t))));

    /// <summary>
    /// The table as aligned text: one row per method, one column per metric (↑ higher is better, ↓ lower), the best
    /// value of each column marked with <c>*</c>.
    /// </summary>
    public override string ToString()
    {
        var header = new[] { "method" }.Concat(Metrics.Select(m => $"{m} {(HigherIsBetter(m) ? "↑" : "↓")}")).ToArray();
        var rows = new List<string[]> { header };
        foreach (var method in Methods)
            rows.Add(new[] { method }.Concat(Metrics.Select(metric =>
                Scores[metric][method].ToString("F4", CultureInfo.InvariantCulture) + (Best(metric) == method ? "*" : " "))).ToArray());
        var widths = Enumerable.Range(0, header.Length).Select(i => rows.Max(r => r[i].Length)).ToArray();
        var text = new StringBuilder();
        foreach (var row in rows)
            text.AppendLine(string.Join("  ", row.Select((cell, i) => i == 0 ? cell.PadRight(widths[i]) : cell.PadLeft(widths[i]))).TrimEnd());
        return text.ToString().TrimEnd();
    }
}
