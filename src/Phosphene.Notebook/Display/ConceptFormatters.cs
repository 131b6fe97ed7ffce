using System.Globalization;
using System.Net;
using System.Text;
using Phosphene.Concepts;
using Phosphene.Imaging;
using TorchSharp;
using static TorchSharp.torch;

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
        html.Append(ImportanceChart(craft.Importances, craft.ConceptsByImportance, $"Concept importance for class {craft.ClassIndex}"));
        html.Append(Gallery(craft, 8));
        html.Append("</div>");
        return html.ToString();
    }

    /// <summary>A bar chart of importances, bars in <paramref name="order"/>, each in its concept's colour (Plotly, offline).</summary>
    public static string ImportanceChart(IReadOnlyList<double> importances, IReadOnlyList<int> order, string title)
    {
        ArgumentNullException.ThrowIfNull(importances);
        ArgumentNullException.ThrowIfNull(order);
        var labels = string.Join(",", order.Select(k => $"\"concept {k}\""));
        var values = string.Join(",", order.Select(k => importances[k].ToString("R", CultureInfo.InvariantCulture)));
        var colours = string.Join(",", order.Select(k => $"\"{ConceptPalette.Hex(k)}\""));
        var figure = $"{{\"data\":[{{\"type\":\"bar\",\"x\":[{labels}],\"y\":[{values}],\"marker\":{{\"color\":[{colours}]}}}}]," +
                     $"\"layout\":{{\"title\":{{\"text\":{Json(title)}}},\"yaxis\":{{\"title\":{{\"text\":\"importance\"}}}},\"height\":320,\"margin\":{{\"t\":50,\"b\":60}}}}}}";
        return PlotlyDiv(figure, 320);
    }

    static string PlotlyDiv(string figure, int height)
    {
        var id = "plotly-" + Guid.NewGuid().ToString("N");
        var html = new StringBuilder();
        if (PlotlyJs.ClaimInjection()) html.Append(PlotlyJs.LoaderHtml());
        html.Append(CultureInfo.InvariantCulture, $"<div id=\"{id}\" class=\"phosphene-plotly\" style=\"width:100%;height:{height}px\"></div>");
        html.Append(PlotlyJs.DrawScript(id, string.Create(CultureInfo.InvariantCulture, $"var figure = {figure}; window.Plotly.newPlot(element, figure.data, figure.layout, {{responsive: true}});")));
        return html.ToString();
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
        html.Append(ImportanceChart(result.Importances, order, "Share of the reconstruction's energy per concept"));
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
        static string R(double v) => v.ToString("R", CultureInfo.InvariantCulture);
        static string Percent(double? v) => v is { } x ? x.ToString("P0", CultureInfo.InvariantCulture) : "—";

        var clusters = new StringBuilder();
        foreach (var node in graph.Strategies.Where(n => n.Images > 0))
        {
            var members = graph.Points.Where(p => p.Concept == node.Concept).ToList();
            string name = Json($"concept {node.Concept}: prevalence {Percent(node.Prevalence)}, reliability {Percent(node.Reliability)}");
            string symbols = string.Join(",", members.Select(p => p.Correct ? "\"circle\"" : "\"x\""));
            string hover = string.Join(",", members.Select(p => Json($"image {p.Image} · concept {p.Concept} · {(p.Correct ? "correct" : "misclassified")}")));
            clusters.Append(CultureInfo.InvariantCulture,
                $"{{\"type\":\"scatter\",\"mode\":\"markers\",\"name\":{name},\"x\":[{string.Join(",", members.Select(p => R(p.X)))}],\"y\":[{string.Join(",", members.Select(p => R(p.Y)))}]," +
                $"\"text\":[{hover}],\"hoverinfo\":\"text\",\"marker\":{{\"color\":\"{ConceptPalette.Hex(node.Concept)}\",\"size\":8,\"symbol\":[{symbols}]}}}},");
        }
        var strategies = $"{{\"data\":[{clusters.ToString().TrimEnd(',')}],\"layout\":{{\"title\":{{\"text\":\"Strategic cluster graph, class {graph.ClassIndex}: images by their most important concept (× misclassified)\"}}," +
                         "\"xaxis\":{\"title\":{\"text\":\"importance PC 1\"},\"zeroline\":false},\"yaxis\":{\"title\":{\"text\":\"importance PC 2\"},\"zeroline\":false},\"height\":440,\"legend\":{\"title\":{\"text\":\"cluster\"}}}}";

        var edges = new StringBuilder();
        for (int i = 0; i < graph.Nodes.Count; i++)
            for (int j = i + 1; j < graph.Nodes.Count; j++)
                if (graph.Similarity[i, j] > 0.8)
                    edges.Append(CultureInfo.InvariantCulture,
                        $"{{\"type\":\"scatter\",\"mode\":\"lines\",\"showlegend\":false,\"hoverinfo\":\"skip\",\"line\":{{\"color\":\"#bbbbbb\",\"width\":{1 + 4 * (graph.Similarity[i, j] - 0.8) / 0.2:F2}}},\"x\":[{R(graph.Nodes[i].X)},{R(graph.Nodes[j].X)}],\"y\":[{R(graph.Nodes[i].Y)},{R(graph.Nodes[j].Y)}]}},");
        var text = string.Join(",", graph.Nodes.Select(n => Json(
            $"concept {n.Concept}<br>importance {n.Importance.ToString("F3", CultureInfo.InvariantCulture)}<br>prevalence {Percent(n.Prevalence)} ({n.Images} images)<br>reliability {Percent(n.Reliability)}")));
        var labels = string.Join(",", graph.Nodes.Select(n => $"\"{n.Concept}\""));
        var outlines = string.Join(",", graph.Nodes.Select(n => $"\"{ConceptPalette.Hex(n.Concept)}\""));
        // Plotly draws a null colour value in its NaN colour: concepts that are nobody's main strategy stay grey.
        var fill = string.Join(",", graph.Nodes.Select(n => n.Reliability is { } v ? R(v) : "null"));
        var proximity = $"{{\"data\":[{edges}{{\"type\":\"scatter\",\"mode\":\"markers+text\",\"showlegend\":false,\"x\":[{string.Join(",", graph.Nodes.Select(n => R(n.X)))}],\"y\":[{string.Join(",", graph.Nodes.Select(n => R(n.Y)))}]," +
                        $"\"text\":[{labels}],\"textposition\":\"middle center\",\"hovertext\":[{text}],\"hoverinfo\":\"text\"," +
                        $"\"marker\":{{\"size\":[{string.Join(",", graph.Nodes.Select(n => R(14 + 50 * Math.Sqrt(n.Prevalence))))}],\"color\":[{fill}],\"cmin\":0,\"cmax\":1,\"colorscale\":\"Viridis\"," +
                        $"\"colorbar\":{{\"title\":{{\"text\":\"reliability\"}}}},\"line\":{{\"color\":[{outlines}],\"width\":3}}}}}}]," +
                        $"\"layout\":{{\"title\":{{\"text\":\"Concepts by direction, class {graph.ClassIndex} (size: prevalence, fill: reliability)\"}},\"xaxis\":{{\"showticklabels\":false,\"zeroline\":false}},\"yaxis\":{{\"showticklabels\":false,\"zeroline\":false}},\"height\":400}}}}";
        return PlotlyDiv(strategies, 440) + PlotlyDiv(proximity, 400);
    }

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

    static string Json(string text) => System.Text.Json.JsonSerializer.Serialize(text);
}
