using System.Globalization;
using System.Net;
using System.Text;
using Phosphene.Attribution;
using Phosphene.Imaging;
using static TorchSharp.torch;

namespace Phosphene.Notebook.Display;

/// <summary>
/// Rich display of an <see cref="AttributionResult"/>: a grid of heatmap overlays (a row per input labelled with its
/// true and predicted class, a column per method after the input itself), the time per method, and when metrics were
/// scored the metric table with the best method per metric marked and a bar chart of the metrics.
/// </summary>
public sealed class AttributionFormatter : IFormatterSet
{
    /// <inheritdoc />
    public void Register()
    {
        NotebookFormatter.RegisterText<AttributionResult>(result => result.ToString());
        NotebookFormatter.RegisterHtml<AttributionResult>(Html);
    }

    /// <summary>The overlay grid as PNG: row labels "true / predicted", column labels "input" and the method names.</summary>
    /// <param name="result">The result to draw.</param>
    /// <param name="scale">Pixels per image pixel; default 4 (a 28×28 image is drawn 112×112).</param>
    /// <remarks>
    /// Importance maps (saliency, SmoothGrad, Grad-CAM, RISE, Sobol, HSIC...) use the result's colormap from 0 to their
    /// maximum; signed maps (<see cref="AttributionMethod.SignedMaps"/>: Gradient × Input, Integrated Gradients,
    /// Occlusion, LIME, KernelSHAP) use the diverging <see cref="Colormaps.RedBlue"/> centred on 0, red positive.
    /// </remarks>
    public static byte[] GridPng(AttributionResult result, int scale = 4)
    {
        using var scope = NewDisposeScope();
        long n = result.Inputs.shape[0];
        var overlays = result.Methods.Select(m => Overlay(result, m)).ToArray();
        var targets = result.Targets.data<long>().ToArray();
        var predictions = result.Predictions.data<long>().ToArray();
        var rows = Enumerable.Range(0, (int)n)
            .Select(i => (IReadOnlyList<Tensor>)new[] { result.Inputs[i] }.Concat(overlays.Select(o => o[i])).ToArray())
            .ToArray();
        var grid = new ImageGrid
        {
            Scale = scale,
            FontSize = 11,
            RowLabels = Enumerable.Range(0, (int)n)
                .Select(i => $"{result.ClassName(targets[i])} / {result.ClassName(predictions[i])}{(targets[i] == predictions[i] ? "" : " ✗")}")
                .ToArray(),
            ColumnLabels = new[] { "input" }.Concat(result.Methods).ToArray(),
        };
        return grid.ComposePng(rows);
    }

    static Tensor Overlay(AttributionResult result, string method)
    {
        using var scope = NewDisposeScope();
        var maps = result.Maps[method];
        var overlay = result.Signed[method]
            ? HeatmapOverlay.Blend(result.Inputs, maps, Colormaps.RedBlue, alpha: 0.7, scaling: MapScaling.Symmetric)
            // Importances are ≥ 0; clamp the small negative overshoot of upsampling or estimation noise.
            : HeatmapOverlay.Blend(result.Inputs, maps.clamp_min(0), result.Colormap, alpha: 0.6, scaling: MapScaling.MinMax);
        return overlay.MoveToOuterDisposeScope();
    }

    /// <summary>The whole display as HTML (no script except the Plotly chart of the metrics).</summary>
    public static string Html(AttributionResult result)
    {
        var html = new StringBuilder("<div class=\"phosphene-attribution\">");
        html.Append(CultureInfo.InvariantCulture,
            $"<div style=\"font-size:12px;margin-bottom:4px\">{result.Methods.Count} method(s) × {result.Inputs.shape[0]} input(s); rows: true / predicted class; non-negative maps in {WebUtility.HtmlEncode(result.Colormap.Name)} (min to max), signed maps in red (positive) and blue (negative) around 0</div>");
        html.Append(HtmlImage.Png(GridPng(result), alt: "attribution maps"));
        html.Append("<table class=\"phosphene-timing\" style=\"font-size:12px\"><thead><tr><th>method</th><th>ms / input</th>" +
                    "<th>total s</th><th>parameters</th></tr></thead><tbody>");
        foreach (var method in result.Methods)
        {
            string parameters = result.Parameters[method] +
                (result.ForGradSigmas.TryGetValue(method, out var sigma) ? $", forgrad σ {sigma.ToString("G4", CultureInfo.InvariantCulture)}" : "");
            html.Append(CultureInfo.InvariantCulture,
                $"<tr><th style=\"text-align:left\">{WebUtility.HtmlEncode(method)}</th>" +
                $"<td>{result.TimePerInput(method).TotalMilliseconds:F1}</td><td>{result.Elapsed[method].TotalSeconds:F2}</td>" +
                $"<td style=\"text-align:left\">{WebUtility.HtmlEncode(parameters)}</td></tr>");
        }
        html.Append("</tbody></table>");
        if (result.Metrics is { } table)
        {
            html.Append(MetricFormatters.Html(table));
            html.Append(PlotlyFormatter.Html(MetricCharts.Bars(table)));
        }
        html.Append("</div>");
        return html.ToString();
    }
}
