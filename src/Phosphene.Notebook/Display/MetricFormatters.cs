using System.Globalization;
using System.Net;
using System.Text;
using Phosphene.Attribution.Metrics;

namespace Phosphene.Notebook.Display;

/// <summary>
/// Rich display of the attribution metrics' results: a <see cref="MetricTable"/> as an HTML table with the best method
/// per metric marked, a Deletion/Insertion <see cref="CurveResult"/> and a <see cref="ForGradCutoffResult"/> and a
/// <see cref="RandomisationResult"/> as offline Plotly charts (see <see cref="MetricCharts"/>), each with its text.
/// </summary>
public sealed class MetricFormatters : IFormatterSet
{
    /// <inheritdoc/>
    public void Register()
    {
        NotebookFormatter.RegisterHtml<MetricTable>(Html);
        NotebookFormatter.RegisterText<MetricTable>(table => table.ToString());
        NotebookFormatter.RegisterHtml<CurveResult>(curve =>
            PlotlyFormatter.Html(MetricCharts.Curves(new Dictionary<string, CurveResult> { ["maps"] = curve })));
        NotebookFormatter.RegisterHtml<ForGradCutoffResult>(result => PlotlyFormatter.Html(MetricCharts.Cutoffs(result)));
        NotebookFormatter.RegisterHtml<RandomisationResult>(result =>
            PlotlyFormatter.Html(MetricCharts.Randomisation(new Dictionary<string, RandomisationResult> { ["maps"] = result })));
    }

    /// <summary>
    /// The table as HTML: a row per method, a column per metric with its direction (↑ higher is better, ↓ lower), the
    /// best value of each column in bold with a star.
    /// </summary>
    public static string Html(MetricTable table)
    {
        var html = new StringBuilder("<table class=\"phosphene-metrics\" style=\"font-size:12px\"><thead><tr><th>method</th>");
        foreach (var metric in table.Metrics)
            html.Append(CultureInfo.InvariantCulture,
                $"<th title=\"{(table.HigherIsBetter(metric) ? "higher" : "lower")} is better\">{WebUtility.HtmlEncode(metric)} {(table.HigherIsBetter(metric) ? "↑" : "↓")}</th>");
        html.Append("</tr></thead><tbody>");
        foreach (var method in table.Methods)
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr><th style=\"text-align:left\">{WebUtility.HtmlEncode(method)}</th>");
            foreach (var metric in table.Metrics)
            {
                string value = table.Scores[metric][method].ToString("G4", CultureInfo.InvariantCulture);
                html.Append(table.Best(metric) == method ? $"<td><b>{value} ★</b></td>" : $"<td>{value}</td>");
            }
            html.Append("</tr>");
        }
        html.Append("</tbody></table>");
        return html.ToString();
    }
}
