using System.Globalization;
using System.Net;
using Microsoft.Data.Analysis;
using Microsoft.FSharp.Core;
using Phosphene.Probing;
using Plotly.NET;
using Plotly.NET.CSharp;
using PlotlyChart = Plotly.NET.CSharp.Chart;

namespace Phosphene.Notebook.Display;

/// <summary>
/// Displays of the probing results: for <see cref="ProbingResult"/> and <see cref="PredictivityResult"/> a line chart of
/// the score per layer with ±SEM error bars (and the permutation chance level or the noise ceiling, dashed) above a
/// table; for <see cref="SimilarityMatrix"/> a layer × layer heatmap above the table. The charts and tables are public
/// so that notebooks can restyle or combine them.
/// </summary>
public sealed class ProbingFormatter : IFormatterSet
{
    /// <inheritdoc/>
    public void Register()
    {
        NotebookFormatter.RegisterHtml<ProbingResult>(r => Html(r.ToString().Split('\n')[0], Chart(r), Table(r)));
        NotebookFormatter.RegisterText<ProbingResult>(r => r.ToString());
        NotebookFormatter.RegisterHtml<SimilarityMatrix>(m => Html($"{MeasureName(m.Measure)}, {m.Rows.Count} × {m.Columns.Count}", Chart(m), Table(m)));
        NotebookFormatter.RegisterText<SimilarityMatrix>(m => m.ToString());
        NotebookFormatter.RegisterHtml<PredictivityResult>(r => Html(
            r.Ceiling is { } c ? $"neural predictivity; {c}" : "neural predictivity (no trials: unceiled)", Chart(r), Table(r)));
        NotebookFormatter.RegisterText<PredictivityResult>(r => r.ToString());
    }

    /// <summary>Mean held-out score per layer with ±SEM error bars, and the permutation chance level when computed.</summary>
    public static GenericChart Chart(ProbingResult result)
    {
        var layers = result.Layers.ToArray();
        var score = PlotlyChart.Line<string, double, string>(x: layers, y: layers.Select(l => result.Scores[l]).ToArray(),
            Name: $"{result.ProbeName} probe", ShowMarkers: true);
        score = WithErrorBars(score, layers.Select(l => result.Sem[l]));
        var traces = new List<GenericChart> { score };
        if (layers.All(l => double.IsFinite(result.Chance[l])))
            traces.Add(PlotlyChart.Line<string, double, string>(x: layers, y: layers.Select(l => result.Chance[l]).ToArray(),
                Name: "chance (label permutations)", LineDash: StyleParam.DrawingStyle.Dash));
        return Axes(PlotlyChart.Combine(traces), "layer", MetricName(result.Metric), $"What each layer encodes ({result.ProbeName} probe, pooling {result.Pooling})");
    }

    /// <summary>Layers, mean score, SEM, chance and permutation p-value.</summary>
    public static DataFrame Table(ProbingResult result)
    {
        var layers = result.Layers;
        return new DataFrame(
            new StringDataFrameColumn("layer", layers),
            new PrimitiveDataFrameColumn<double>(MetricName(result.Metric), layers.Select(l => result.Scores[l])),
            new PrimitiveDataFrameColumn<double>("sem", layers.Select(l => result.Sem[l])),
            new PrimitiveDataFrameColumn<double>("chance", layers.Select(l => result.Chance[l])),
            new PrimitiveDataFrameColumn<double>("p", layers.Select(l => result.Details[l].PValue)),
            new PrimitiveDataFrameColumn<int>("folds", layers.Select(l => result.Details[l].FoldScores.Count)));
    }

    /// <summary>Heatmap of the similarity of every row representation to every column representation.</summary>
    public static GenericChart Chart(SimilarityMatrix matrix)
    {
        var z = Enumerable.Range(0, matrix.Rows.Count)
            .Select(i => Enumerable.Range(0, matrix.Columns.Count).Select(j => matrix.Values[i, j]).ToArray()).ToArray();
        var heatmap = PlotlyChart.Heatmap<double, string, string, string>(zData: z, X: matrix.Columns.ToArray(), Y: matrix.Rows.ToArray(),
            ColorScale: StyleParam.Colorscale.Viridis, ReverseYAxis: true);
        int width = Math.Max(420, 90 * matrix.Columns.Count + 220), height = Math.Max(320, 60 * matrix.Rows.Count + 160);
        return Axes(heatmap, "", "", MeasureName(matrix.Measure)).WithSize(width, height);
    }

    /// <summary>The matrix as a table: one row per row representation, one column per column representation.</summary>
    public static DataFrame Table(SimilarityMatrix matrix)
    {
        var columns = new List<DataFrameColumn> { new StringDataFrameColumn("", matrix.Rows) };
        for (int j = 0; j < matrix.Columns.Count; j++)
            columns.Add(new PrimitiveDataFrameColumn<double>(matrix.Columns[j], Enumerable.Range(0, matrix.Rows.Count).Select(i => matrix.Values[i, j])));
        return new DataFrame(columns);
    }

    /// <summary>Ceiled predictivity per layer with ±SEM, the raw median r, and the ceiling (1 after normalising).</summary>
    public static GenericChart Chart(PredictivityResult result)
    {
        var layers = result.Layers.ToArray();
        var traces = new List<GenericChart>();
        if (result.Ceiling is not null)
            traces.Add(WithErrorBars(PlotlyChart.Line<string, double, string>(x: layers, y: layers.Select(l => result.Scores[l].Normalised).ToArray(),
                Name: "normalised (r / ceiling)", ShowMarkers: true), layers.Select(l => result.Scores[l].NormalisedSem)));
        traces.Add(WithErrorBars(PlotlyChart.Line<string, double, string>(x: layers, y: layers.Select(l => result.Scores[l].Raw).ToArray(),
            Name: "median r", ShowMarkers: true), layers.Select(l => result.Scores[l].Sem)));
        if (result.Ceiling is { } c)
            traces.Add(PlotlyChart.Line<string, double, string>(x: layers, y: layers.Select(_ => c.Median).ToArray(),
                Name: "noise ceiling (split-half, Spearman–Brown)", LineDash: StyleParam.DrawingStyle.Dash));
        // Two quantities share the axis: the raw median r and, when there is a ceiling, r / ceiling. A fixed size keeps
        // the chart from being squeezed by the table beside it.
        string y = result.Ceiling is null ? "held-out Pearson r (median over targets)" : "held-out r (median over targets), or r / ceiling";
        return Axes(PlotlyChart.Combine(traces), "layer", y, "Neural predictivity per layer").WithSize(640, 420);
    }

    /// <summary>Layers with raw median r, SEM, ceiling and normalised score.</summary>
    public static DataFrame Table(PredictivityResult result)
    {
        var layers = result.Layers;
        return new DataFrame(
            new StringDataFrameColumn("layer", layers),
            new PrimitiveDataFrameColumn<double>("median r", layers.Select(l => result.Scores[l].Raw)),
            new PrimitiveDataFrameColumn<double>("sem", layers.Select(l => result.Scores[l].Sem)),
            new PrimitiveDataFrameColumn<double>("ceiling", layers.Select(l => result.Scores[l].Ceiling?.Median ?? double.NaN)),
            new PrimitiveDataFrameColumn<double>("normalised", layers.Select(l => result.Scores[l].Normalised)));
    }

    static GenericChart WithErrorBars(GenericChart chart, IEnumerable<double> sem) =>
        Plotly.NET.Chart.withYErrorStyle<double, double>(
            FSharpOption<bool>.Some(true), null, null, FSharpOption<IEnumerable<double>>.Some(sem.ToArray()),
            null, null, null, null, null, null, null, null, null).Invoke(chart);

    static GenericChart Axes(GenericChart chart, string x, string y, string title) =>
        Plotly.NET.Chart.withTitle(title, TitleFont: null).Invoke(
            chart.WithXAxisStyle<double, double, string>(TitleText: x).WithYAxisStyle<double, double, string>(TitleText: y));

    static string Html(string caption, GenericChart chart, DataFrame table) =>
        $"<div class=\"phosphene-probing\"><div style=\"font-size:12px;color:#555\">{WebUtility.HtmlEncode(caption)}</div>" +
        PlotlyFormatter.Html(chart) + DataFrameFormatter.Html(table) + "</div>";

    static string MetricName(ProbeMetric metric) => metric switch
    {
        ProbeMetric.Accuracy => "accuracy",
        ProbeMetric.BalancedAccuracy => "balanced accuracy",
        ProbeMetric.R2 => "R²",
        _ => "Pearson r",
    };

    static string MeasureName(SimilarityMeasure measure) => measure switch
    {
        SimilarityMeasure.Cka => "linear CKA",
        SimilarityMeasure.CkaUnbiased => "linear CKA (unbiased HSIC)",
        _ => "RSA (Spearman between correlation-distance RDMs)",
    };
}
