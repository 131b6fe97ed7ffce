using System.Globalization;
using System.Net;
using System.Text;
using Phosphene.Concepts;
using Phosphene.Imaging;
using Plotly.NET;
using Plotly.NET.CSharp;
using TorchSharp;
using static TorchSharp.torch;
using PlotlyChart = Plotly.NET.CSharp.Chart;

namespace Phosphene.Notebook.Display;

/// <summary>
/// One colour per concept, shared by every concept view (importance bars, gallery rows, map overlays, legends), so
/// concept k looks the same everywhere: the 20 colours of Tableau/D3's category20, concept k taking colour k mod 20.
/// </summary>
public static class ConceptPalette
{
    static readonly string[] Colours =
    [
        "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
        "#aec7e8", "#ffbb78", "#98df8a", "#ff9896", "#c5b0d5", "#c49c94", "#f7b6d2", "#c7c7c7", "#dbdb8d", "#9edae5",
    ];

    /// <summary>The CSS colour of concept <paramref name="concept"/>, e.g. <c>#1f77b4</c>.</summary>
    public static string Hex(int concept) => Colours[((concept % Colours.Length) + Colours.Length) % Colours.Length];

    /// <summary>The colour of concept <paramref name="concept"/> as RGB in [0, 1].</summary>
    public static (float R, float G, float B) Rgb(int concept)
    {
        string hex = Hex(concept);
        return (Convert.ToInt32(hex[1..3], 16) / 255f, Convert.ToInt32(hex[3..5], 16) / 255f, Convert.ToInt32(hex[5..7], 16) / 255f);
    }
}

/// <summary>
/// Rich displays of the concept results: <see cref="Craft"/> (importance bar chart and gallery of top crops per
/// concept, ordered by importance), <see cref="ConceptMapSet"/> (concept maps overlaid on the images, with a legend
/// of each concept's best crop), <see cref="DecompositionResult"/> (scores and energy chart) and
/// <see cref="MacoResult"/> (the visualisation with and without its transparency map).
/// </summary>
public sealed class ConceptFormatters : IFormatterSet
{
    /// <inheritdoc />
    public void Register()
    {
        NotebookFormatter.RegisterHtml<Craft>(CraftHtml);
        NotebookFormatter.RegisterText<Craft>(c => c.ToString());
        NotebookFormatter.RegisterHtml<ConceptMapSet>(MapsHtml);
        NotebookFormatter.RegisterText<ConceptMapSet>(m => $"Concept maps of {m.Images.shape[0]} images for {m.Craft.ConceptCount} concepts; dominant concepts: {string.Join(", ", m.DominantConcepts())}");
        NotebookFormatter.RegisterHtml<DecompositionResult>(DecompositionHtml);
        NotebookFormatter.RegisterText<DecompositionResult>(d => d.ToString());
        NotebookFormatter.RegisterHtml<MacoResult>(MacoHtml);
        NotebookFormatter.RegisterHtml<ConceptClusterGraph>(ClusterGraphHtml);
        NotebookFormatter.RegisterText<ConceptClusterGraph>(g => $"Strategic cluster graph of class {g.ClassIndex}: {g.Points.Count} images in {g.Nodes.Count(n => n.Images > 0)} clusters of {g.Nodes.Count} concepts");
        NotebookFormatter.RegisterHtml<IReadOnlyList<DecompositionScore>>(ScoresHtml);
        NotebookFormatter.RegisterText<MacoResult>(m => System.FormattableString.Invariant($"MaCo visualisation of {m.Target}: objective {m.Objective[0]:G4} → {m.Objective[^1]:G4} in {m.Objective.Count} steps"));
    }

    /// <summary>The CRAFT result: summary line, importance bar chart, and the top crops of each concept by importance.</summary>
    public static string CraftHtml(Craft craft)
    {
        ArgumentNullException.ThrowIfNull(craft);
        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture,
            $"<div class=\"phosphene-craft\"><p><b>CRAFT</b> · class {craft.ClassIndex} · {craft.ConceptCount} {craft.Decomposition.Name} concepts at <code>{Encode(craft.Split.Layer)}</code> · {craft.Boxes.Count} crops ({craft.Grid.Patch}px, stride {craft.Grid.Stride}) · reconstruction error {craft.ReconstructionError:G4} · importance: {(craft.Options.Importance == ImportanceMethod.Sobol ? $"Sobol total indices ({craft.Options.Designs} {(craft.Options.Sequence == DesignSequence.Halton ? "Halton" : "Sobol")} designs)" : "Gradient × Input")}</p>");
        html.Append(PlotlyFormatter.Html(ImportanceChart(craft.Importances, craft.ConceptsByImportance, $"Concept importance for class {craft.ClassIndex}")));
        html.Append(Gallery(craft, 8));
        html.Append("</div>");
        return html.ToString();
    }

    /// <summary>A bar chart of importances, bars in <paramref name="order"/>, each in its concept's colour.</summary>
    public static GenericChart ImportanceChart(IReadOnlyList<double> importances, IReadOnlyList<int> order, string title)
    {
        ArgumentNullException.ThrowIfNull(importances);
        ArgumentNullException.ThrowIfNull(order);
        return PlotlyChart.Column<double, string, string>(
                values: order.Select(k => importances[k]).ToArray(), Keys: order.Select(k => $"concept {k}").ToArray(),
                MarkerColor: Color.fromColors(order.Select(k => Color.fromString(ConceptPalette.Hex(k)))))
            .Titled(title, "", "importance")
            .WithSize(Height: 320);
    }

    /// <summary>One row per concept, most important first: its colour, index, importance and its top crops.</summary>
    public static string Gallery(Craft craft, int crops)
    {
        ArgumentNullException.ThrowIfNull(craft);
        var html = new StringBuilder("<table style=\"border-collapse:collapse\">");
        var grid = new ImageGrid { Scale = 2, Padding = 2 };
        foreach (int k in craft.ConceptsByImportance)
        {
            using var scope = NewDisposeScope();
            var top = craft.TopCropImages(k, crops);
            var png = PngImage.Encode(grid.Compose(top, crops));
            html.Append(CultureInfo.InvariantCulture,
                $"<tr style=\"border-left:8px solid {ConceptPalette.Hex(k)}\"><td style=\"padding:4px 8px;text-align:left;white-space:nowrap\"><b style=\"color:{ConceptPalette.Hex(k)}\">concept {k}</b><br/>importance {craft.Importances[k]:F3}</td>");
            html.Append(CultureInfo.InvariantCulture, $"<td style=\"padding:2px\"><img src=\"data:image/png;base64,{Convert.ToBase64String(png)}\"/></td></tr>");
        }
        return html.Append("</table>").ToString();
    }

    /// <summary>
    /// Each image next to its concept map overlay (each pixel in the colour of its most attributed concept, opacity by
    /// strength), and a legend of every concept's colour and best crop.
    /// </summary>
    public static string MapsHtml(ConceptMapSet set)
    {
        ArgumentNullException.ThrowIfNull(set);
        using var scope = NewDisposeScope();
        var overlay = Overlay(set.Images, set.Maps);
        var rows = new List<IReadOnlyList<Tensor>>();
        for (long i = 0; i < set.Images.shape[0]; i++) rows.Add([set.Images[i], overlay[i]]);
        var png = new ImageGrid { Scale = 4, ColumnLabels = ["image", "concepts"] }.ComposePng(rows);
        var html = new StringBuilder("<div class=\"phosphene-concept-maps\" style=\"display:flex;gap:16px;align-items:flex-start\">");
        html.Append(CultureInfo.InvariantCulture, $"<img src=\"data:image/png;base64,{Convert.ToBase64String(png)}\"/>");
        html.Append("<table><tr><th colspan=\"2\" style=\"text-align:left\">legend (best crop)</th></tr>");
        var thumb = new ImageGrid { Scale = 2, Padding = 0 };
        foreach (int k in set.Craft.ConceptsByImportance)
        {
            using var inner = NewDisposeScope();
            var best = PngImage.Encode(thumb.Compose(set.Craft.TopCropImages(k, 1), 1));
            html.Append(CultureInfo.InvariantCulture,
                $"<tr><td style=\"padding:2px 6px\"><span style=\"display:inline-block;width:14px;height:14px;background:{ConceptPalette.Hex(k)}\"></span> concept {k}</td><td><img src=\"data:image/png;base64,{Convert.ToBase64String(best)}\"/></td></tr>");
        }
        return html.Append("</table></div>").ToString();
    }

    /// <summary>
    /// The overlay: positive attributions, lightly smoothed (3×3 mean), each concept scaled by its largest value over
    /// the batch; each pixel takes the colour of its strongest concept with opacity 0.8·strength. N×3×H×W.
    /// </summary>
    public static Tensor Overlay(Tensor images, Tensor maps)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(maps);
        using var scope = NewDisposeScope();
        long r = maps.shape[1];
        var positive = nn.functional.avg_pool2d(maps.clamp_min(0), 3, stride: 1, padding: 1);
        var scale = positive.amax([0, 2, 3], keepdim: true).clamp_min(1e-12);
        var normalised = positive / scale;                                            // N×r×H×W in [0, 1]
        var (strength, index) = normalised.max(1);                                    // N×H×W
        var palette = tensor(Enumerable.Range(0, (int)r).SelectMany(k => { var (red, green, blue) = ConceptPalette.Rgb(k); return new[] { red, green, blue }; }).ToArray(), [r, 3]);
        var colour = palette.index_select(0, index.flatten()).reshape(index.shape[0], index.shape[1], index.shape[2], 3).permute(0, 3, 1, 2);
        var rgb = images.shape[1] == 1 ? images.expand(-1, 3, -1, -1) : images;
        var alpha = (strength * 0.8).unsqueeze(1);
        return ((1 - alpha) * rgb + alpha * colour).clamp(0, 1).MoveToOuterDisposeScope();
    }

    /// <summary>Scores table and the energy share of each concept.</summary>
    public static string DecompositionHtml(DecompositionResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture,
            $"<table><tr><th>method</th><th>concepts</th><th>reconstruction error</th><th>relative</th><th>sparsity</th><th>stability</th><th>iterations</th></tr><tr><td>{result.Method}</td><td>{result.Decomposition.Concepts}</td><td>{result.ReconstructionError:G4}</td><td>{result.RelativeError:P2}</td><td>{result.Sparsity:P1}</td><td>{(result.Stability is { } s ? s.ToString("F3", CultureInfo.InvariantCulture) : "—")}</td><td>{result.Decomposition.Iterations}</td></tr></table>");
        var order = Enumerable.Range(0, result.Importances.Count).OrderByDescending(k => result.Importances[k]).ToArray();
        html.Append(PlotlyFormatter.Html(ImportanceChart(result.Importances, order, "Share of the reconstruction's energy per concept")));
        return html.ToString();
    }

    /// <summary>
    /// The strategic cluster graph: (1) the class's images placed by their local-importance vectors, each in the
    /// colour of its most important concept (its cluster; a cross when the model misclassifies it), one legend entry
    /// per concept with its prevalence and reliability; (2) the concepts placed by their directions (edges where the
    /// cosine similarity exceeds 0.8), marker area by prevalence, fill by reliability, outline in the concept's colour.
    /// </summary>
    public static string ClusterGraphHtml(ConceptClusterGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        return PlotlyFormatter.Html(StrategyChart(graph)) + PlotlyFormatter.Html(ProximityChart(graph));
    }

    static GenericChart StrategyChart(ConceptClusterGraph graph)
    {
        var clusters = graph.Strategies.Where(n => n.Images > 0).Select(node =>
        {
            var members = graph.Points.Where(p => p.Concept == node.Concept).ToList();
            return PlotlyChart.Point<double, double, string>(
                    x: members.Select(p => p.X).ToArray(), y: members.Select(p => p.Y).ToArray(),
                    Name: $"concept {node.Concept}: prevalence {Percent(node.Prevalence)}, reliability {Percent(node.Reliability)}",
                    MultiText: members.Select(p => $"image {p.Image} · concept {p.Concept} · {(p.Correct ? "correct" : "misclassified")}").ToArray(),
                    Marker: ChartStyle.Marker(("color", ConceptPalette.Hex(node.Concept)), ("size", 8),
                                              ("symbol", members.Select(p => p.Correct ? "circle" : "x").ToArray())))
                .WithTraceProperties(("hoverinfo", "text"));
        });
        return PlotlyChart.Combine(clusters)
            .Titled($"Strategic cluster graph, class {graph.ClassIndex}: images by their most important concept (× misclassified)", "importance PC 1", "importance PC 2")
            .WithAxisProperties(y: false, ("zeroline", false))
            .WithAxisProperties(y: true, ("zeroline", false))
            .WithLayoutProperties(("legend", new Dictionary<string, object> { ["title"] = new Dictionary<string, string> { ["text"] = "cluster" } }))
            .WithSize(Height: 440);
    }

    static GenericChart ProximityChart(ConceptClusterGraph graph)
    {
        var traces = new List<GenericChart>();
        for (int i = 0; i < graph.Nodes.Count; i++)
            for (int j = i + 1; j < graph.Nodes.Count; j++)
                if (graph.Similarity[i, j] > 0.8)
                    traces.Add(PlotlyChart.Line<double, double, string>(x: [graph.Nodes[i].X, graph.Nodes[j].X], y: [graph.Nodes[i].Y, graph.Nodes[j].Y],
                            ShowLegend: false, LineColor: Color.fromString("#bbbbbb"), LineWidth: Math.Round(1 + 4 * (graph.Similarity[i, j] - 0.8) / 0.2, 2))
                        .WithTraceProperties(("hoverinfo", "skip")));
        var marker = ChartStyle.Marker(
            ("size", graph.Nodes.Select(n => 14 + 50 * Math.Sqrt(n.Prevalence)).ToArray()),
            // Plotly draws a null colour value in its NaN colour: concepts that are nobody's main strategy stay grey.
            ("color", graph.Nodes.Select(n => n.Reliability).ToArray()), ("cmin", 0), ("cmax", 1), ("colorscale", "Viridis"),
            ("colorbar", new Dictionary<string, object> { ["title"] = new Dictionary<string, string> { ["text"] = "reliability" } }),
            ("line", new Dictionary<string, object> { ["color"] = graph.Nodes.Select(n => ConceptPalette.Hex(n.Concept)).ToArray(), ["width"] = 3 }));
        traces.Add(PlotlyChart.Scatter<double, double, string>(x: graph.Nodes.Select(n => n.X).ToArray(), y: graph.Nodes.Select(n => n.Y).ToArray(),
                mode: StyleParam.Mode.Markers_Text, ShowLegend: false, MultiText: graph.Nodes.Select(n => $"{n.Concept}").ToArray(),
                TextPosition: StyleParam.TextPosition.MiddleCenter, Marker: marker)
            .WithTraceProperties(("hoverinfo", "text"), ("hovertext", graph.Nodes.Select(n =>
                $"concept {n.Concept}<br>importance {n.Importance.ToString("F3", CultureInfo.InvariantCulture)}<br>prevalence {Percent(n.Prevalence)} ({n.Images} images)<br>reliability {Percent(n.Reliability)}").ToArray())));
        return PlotlyChart.Combine(traces)
            .Titled($"Concepts by direction, class {graph.ClassIndex} (size: prevalence, fill: reliability)", "", "")
            .WithAxisProperties(y: false, ("showticklabels", false), ("zeroline", false))
            .WithAxisProperties(y: true, ("showticklabels", false), ("zeroline", false))
            .WithSize(Height: 400);
    }

    static string Percent(double? v) => v is { } x ? x.ToString("P0", CultureInfo.InvariantCulture) : "—";

    /// <summary>The holistic comparison: one row per method with reconstruction, sparsity and stability.</summary>
    public static string ScoresHtml(IReadOnlyList<DecompositionScore> scores)
    {
        ArgumentNullException.ThrowIfNull(scores);
        var html = new StringBuilder("<table><tr><th>method</th><th>reconstruction error</th><th>relative error</th><th>sparsity</th><th>stability</th></tr>");
        foreach (var s in scores)
            html.Append(CultureInfo.InvariantCulture,
                $"<tr><td>{Encode(s.Method)}</td><td>{s.ReconstructionError:G4}</td><td>{s.RelativeError:P2}</td><td>{s.Sparsity:P1}</td><td>{s.Stability:F3}</td></tr>");
        return html.Append("</table>").ToString();
    }

    /// <summary>The MaCo image, and the image faded to white where its transparency map is low.</summary>
    public static string MacoHtml(MacoResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        using var scope = NewDisposeScope();
        var alpha = result.Transparency.unsqueeze(0);
        var faded = result.Image * alpha + (1 - alpha);
        var png = new ImageGrid { Scale = 6, ColumnLabels = ["MaCo", "with transparency"] }.ComposePng([[result.Image, faded]]);
        return string.Create(CultureInfo.InvariantCulture,
            $"<div><p>MaCo · {Encode(result.Target)} · objective {result.Objective[0]:G4} → {result.Objective[^1]:G4}</p><img src=\"data:image/png;base64,{Convert.ToBase64String(png)}\"/></div>");
    }

    static string Encode(string text) => WebUtility.HtmlEncode(text);
}
