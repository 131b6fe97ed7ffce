using Phosphene.Attribution.Metrics;
using Plotly.NET;
using Plotly.NET.CSharp;
using Chart = Plotly.NET.CSharp.Chart;

namespace Phosphene.Notebook.Display;

/// <summary>
/// Plotly charts of attribution-metric results: Deletion/Insertion curves, the FORGrad cutoff curve, the
/// randomisation sanity check per layer, and bars of a metric table. Each returns a <see cref="GenericChart"/>, shown
/// offline by <see cref="PlotlyFormatter"/>.
/// </summary>
public static class MetricCharts
{
    /// <summary>The mean curve of each method (e.g. Deletion of several methods), with the area in the legend.</summary>
    /// <param name="curves">Method name → its <see cref="CurveResult"/> (all of the same metric).</param>
    public static GenericChart Curves(IReadOnlyDictionary<string, CurveResult> curves)
    {
        if (curves.Count == 0) throw new PhospheneException("no curves to plot");
        string metric = curves.First().Value.Metric;
        var traces = curves.Select(c => Chart.Line<double, double, string>(
            x: c.Value.Fractions, y: c.Value.MeanCurve, Name: $"{c.Key} (AUC {c.Value.Score:F3})", ShowMarkers: true));
        return Chart.Combine(traces)
            .WithXAxisStyle<double, double, string>(TitleText: metric == "insertion" ? "fraction of pixels restored" : "fraction of pixels removed")
            .WithYAxisStyle<double, double, string>(TitleText: "target score")
            .Titled($"{metric} ({(curves.First().Value.HigherIsBetter ? "higher" : "lower")} area is better)");
    }

    /// <summary>The cutoff curve of each search: the metric against σ, the unfiltered score dotted, the best σ marked.</summary>
    public static GenericChart Cutoffs(params ForGradCutoffResult[] results)
    {
        if (results.Length == 0) throw new PhospheneException("no cutoff searches to plot");
        var traces = new List<GenericChart>();
        foreach (var r in results)
        {
            traces.Add(Chart.Line<double, double, string>(x: r.Sigmas, y: r.Scores, Name: $"{r.Method} filtered", ShowMarkers: true));
            traces.Add(Chart.Line<double, double, string>(x: [r.Sigmas[0], r.Sigmas[^1]], y: [r.UnfilteredScore, r.UnfilteredScore],
                Name: $"{r.Method} unfiltered", LineDash: StyleParam.DrawingStyle.Dot));
            traces.Add(Chart.Point<double, double, string>(x: [r.BestSigma], y: [r.BestScore], Name: $"{r.Method} best σ = {r.BestSigma:G4}"));
        }
        return Chart.Combine(traces)
            .WithXAxisStyle<double, double, string>(TitleText: "cutoff σ (cycles per image)")
            .WithYAxisStyle<double, double, string>(TitleText: results[0].Metric)
            .Titled($"FORGrad cutoff search ({results[0].Metric}, {(results[0].HigherIsBetter ? "higher" : "lower")} is better)");
    }

    /// <summary>The similarity to the trained model's maps after each randomisation step, one line per method.</summary>
    /// <param name="results">Method name → its randomisation result (same layers).</param>
    public static GenericChart Randomisation(IReadOnlyDictionary<string, RandomisationResult> results)
    {
        if (results.Count == 0) throw new PhospheneException("no randomisation results to plot");
        var first = results.First().Value;
        var layers = first.Layers.Select((l, i) => first.Mode == RandomisationMode.Cascading ? $"→ {l}" : l).ToArray();
        var traces = results.SelectMany(r => new[]
        {
            Chart.Line<string, double, string>(x: layers, y: r.Value.SpearmanAbsolute, Name: $"{r.Key} |Spearman|", ShowMarkers: true),
            Chart.Line<string, double, string>(x: layers, y: r.Value.Ssim, Name: $"{r.Key} SSIM", ShowMarkers: true,
                LineDash: StyleParam.DrawingStyle.Dash),
        });
        return Chart.Combine(traces)
            .WithXAxisStyle<string, string, string>(TitleText: first.Mode == RandomisationMode.Cascading
                ? "layers randomised, output side first (cumulative)" : "layer randomised (one at a time)")
            .WithYAxisStyle<double, double, string>(TitleText: "similarity to the trained model's maps")
            .Titled("Model-randomisation sanity check (lower is better)");
    }

    /// <summary>One bar chart per metric of the table (methods on the x axis), the best bar of each highlighted.</summary>
    public static GenericChart Bars(MetricTable table)
    {
        var charts = table.Metrics.Select(metric =>
        {
            string? best = table.Best(metric);
            var colours = table.Methods.Select(m => m == best ? Color.fromString("#d62728") : Color.fromString("#1f77b4")).ToArray();
            return Chart.Column<double, string, string>(
                    values: table.Methods.Select(m => table.Scores[metric][m]).ToArray(), Keys: table.Methods.ToArray(),
                    Name: metric, MarkerColor: Color.fromColors(colours), ShowLegend: false)
                .WithXAxisStyle<string, string, string>(TitleText: "method")
                .WithYAxisStyle<double, double, string>(TitleText: $"{metric} score");
        }).ToArray();
        var titles = table.Metrics.Select(m => $"{m} {(table.HigherIsBetter(m) ? "↑ higher is better" : "↓ lower is better")}").ToArray();
        int columns = Math.Min(3, charts.Length), rows = (charts.Length + columns - 1) / columns;
        // The method names under each bar group are slanted and take about a third of a cell: the rows keep that
        // much space between them, so no label runs into the subplot title below.
        return Chart.Grid(charts, rows, columns, SubPlotTitles: titles, YGap: 0.6, XGap: 0.35)
            .WithSize(330 * columns, 400 * rows)
            .Titled("Metric scores (the best method of each in red)");
    }

    static GenericChart Titled(this GenericChart chart, string title) =>
        Plotly.NET.Chart.withTitle(title, TitleFont: null).Invoke(chart);
}
