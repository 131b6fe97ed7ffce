using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.FSharp.Core;
using Plotly.NET;

namespace Phosphene.Notebook.Display;

/// <summary>
/// The one writer of chart HTML: a Plotly.NET chart's figure JSON, optionally with animation frames and the layout
/// entries that drive them (play buttons, a slider), as a div and the script that draws it with plotly.js.
/// </summary>
/// <remarks>
/// Every chart of the notebook layer is a <see cref="GenericChart"/>; raw JSON enters only for what Plotly.NET does
/// not model (animation frames, <c>updatemenus</c>, <c>sliders</c>). The first figure written since
/// <see cref="PlotlyJs.Reset"/> carries plotly.js itself (<see cref="PlotlyJs.LoaderHtml"/>), so output stays offline.
/// </remarks>
public sealed class PlotlyFigure
{
    /// <summary>Height in pixels of a chart whose layout gives none (Plotly's own default).</summary>
    public const int DefaultHeight = 450;

    // Readable non-ASCII (r∞, ω) in the page; "</" is escaped in ToHtml so no string can close the script element.
    private static readonly JsonSerializerOptions JsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly JsonObject _figure;
    private readonly JsonNode? _config;
    private readonly (int? Width, int? Height) _size;

    /// <summary>The figure of <paramref name="chart"/>, with <paramref name="frames"/> (each <c>{name, data, traces?}</c>)
    /// added after it is drawn and <paramref name="layout"/> entries merged over its layout (top-level keys replace).</summary>
    public PlotlyFigure(GenericChart chart, JsonArray? frames = null, JsonObject? layout = null)
    {
        ArgumentNullException.ThrowIfNull(chart);
        _figure = JsonNode.Parse(GenericChart.toFigureJson(chart))!.AsObject();
        _config = JsonNode.Parse(Newtonsoft.Json.JsonConvert.SerializeObject(GenericChart.getConfig(chart)));
        var (width, height) = GenericChart.tryGetLayoutSize(chart);
        _size = (OptionModule.IsSome(width) ? width.Value : null, OptionModule.IsSome(height) ? height.Value : null);
        if (_figure["layout"] is not JsonObject)
            _figure["layout"] = new JsonObject();
        if (layout is not null)
            foreach (var (key, value) in layout)
                _figure["layout"]![key] = value?.DeepClone();
        if (frames is { Count: > 0 })
            _figure["frames"] = frames.DeepClone();
        if (_size.Width is { } fixedWidth)
            WrapTitle(_figure["layout"]!.AsObject(), fixedWidth);
    }

    // plotly.js does not wrap titles: on a chart of fixed width a long one runs past the edge and is cut. Break it at
    // spaces into lines that fit (an average glyph is about 0.55 of the font size wide). A title with markup of its own
    // (<br>, <sub>, a styled <span>) is left as written: its spaces may be inside a tag.
    private static void WrapTitle(JsonObject layout, int width)
    {
        if (layout["title"] is not JsonObject title || title["text"] is not JsonValue value || !value.TryGetValue(out string? text)
            || text.Contains('<', StringComparison.Ordinal))
            return;
        double fontSize = title["font"]?["size"] is JsonValue size && size.TryGetValue(out double points) ? points : 17;
        int perLine = Math.Max(20, (int)((width - 80) / (0.55 * fontSize)));
        var lines = new List<string>();
        var line = new StringBuilder();
        foreach (var word in text.Split(' '))
        {
            if (line.Length > 0 && line.Length + 1 + word.Length > perLine)
            {
                lines.Add(line.ToString());
                line.Clear();
            }
            line.Append(line.Length > 0 ? " " : "").Append(word);
        }
        lines.Add(line.ToString());
        title["text"] = string.Join("<br>", lines);
    }

    /// <summary>Number of traces drawn first (before any animation).</summary>
    public int TraceCount => (_figure["data"] as JsonArray)?.Count ?? 0;

    /// <summary>Number of animation frames (0 for a still chart).</summary>
    public int FrameCount => (_figure["frames"] as JsonArray)?.Count ?? 0;

    /// <summary>The figure as plotly.js takes it: <c>{"data": [...], "layout": {...}, "frames": [...]}</c>.</summary>
    public string ToJson() => _figure.ToJsonString(JsonOptions);

    /// <summary>
    /// A div of the chart's size (its width in pixels or 100%, its height or <see cref="DefaultHeight"/>) and the script
    /// that draws the figure into it (<see cref="PlotlyJs.DrawScript"/>), preceded by plotly.js when this page has none yet.
    /// </summary>
    public string ToHtml()
    {
        string width = _size.Width is { } w ? $"{w}px" : "100%";
        int height = _size.Height ?? DefaultHeight;
        string id = "plotly-" + Guid.NewGuid().ToString("N");
        string figure = Escape(ToJson());
        string config = Escape(_config?.ToJsonString(JsonOptions) ?? "{}");
        var html = new StringBuilder();
        if (PlotlyJs.ClaimInjection())
            html.Append(PlotlyJs.LoaderHtml());
        html.Append(CultureInfo.InvariantCulture, $"<div id=\"{id}\" class=\"phosphene-plotly\" style=\"width:{width};height:{height}px\"></div>");
        html.Append(PlotlyJs.DrawScript(id,
            $"var figure = {figure}; var config = {config}; "
            + "window.Plotly.newPlot(element, figure.data, figure.layout || {}, Object.assign({responsive: true}, config))"
            + ".then(function () { if (figure.frames) { return window.Plotly.addFrames(element, figure.frames); } });"));
        return html.ToString();
    }

    /// <summary>The <c>data</c> array (the traces) of <paramref name="chart"/>'s figure, e.g. for an animation frame.</summary>
    public static JsonArray Traces(GenericChart chart)
    {
        ArgumentNullException.ThrowIfNull(chart);
        return JsonNode.Parse(GenericChart.toFigureJson(chart))!["data"]!.AsArray().DeepClone().AsArray();
    }

    private static string Escape(string json) => json.Replace("</", "<\\/", StringComparison.Ordinal);
}
