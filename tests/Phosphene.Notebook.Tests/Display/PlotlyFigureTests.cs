using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Phosphene.Notebook.Display;
using Plotly.NET.CSharp;
using static TorchSharp.torch;
using Chart = Plotly.NET.CSharp.Chart;

namespace Phosphene.Notebook.Tests.Display;

[Collection("plotly")]
public class PlotlyFigureTests
{
    static JsonObject FigureOf(string html)
    {
        var match = Regex.Match(html, @"var figure = (\{.*?\}); var config = ", RegexOptions.Singleline);
        Assert.True(match.Success, "the drawing script declares the figure");
        return JsonNode.Parse(match.Groups[1].Value.Replace("<\\/", "</", StringComparison.Ordinal))!.AsObject();
    }

    [Fact]
    public void FigureHtmlIsOneSizedDivDrawnByOneScriptWithTheChartsJson()
    {
        PlotlyJs.Reset();
        var chart = Chart.Line<double, double, string>(x: [1.0, 2.0], y: [0.25, 0.75], Name: "</script><b>loss").WithSize(Width: 560, Height: 320);
        string first = new PlotlyFigure(chart).ToHtml();
        string second = new PlotlyFigure(chart).ToHtml();

        Assert.StartsWith("<script type=\"text/javascript\">if (!window.Plotly)", first);      // the first figure brings plotly.js
        Assert.DoesNotContain("if (!window.Plotly) { (function (define", second);
        var div = Regex.Match(second, "<div id=\"(plotly-[0-9a-f]{32})\" class=\"phosphene-plotly\" style=\"width:560px;height:320px\"></div>");
        Assert.True(div.Success, second[..Math.Min(300, second.Length)]);
        Assert.Contains($"document.getElementById('{div.Groups[1].Value}')", second);
        Assert.Single(Regex.Matches(second, "<div "));
        // A trace name cannot close the script element early; the figure still reads back exactly.
        Assert.Single(Regex.Matches(second, "</script>"));
        var figure = FigureOf(second);
        var trace = figure["data"]![0]!;
        Assert.Equal("</script><b>loss", (string)trace["name"]!);
        Assert.Equal([0.25, 0.75], trace["y"]!.AsArray().Select(v => (double)v!));
        Assert.Equal(320, (int)figure["layout"]!["height"]!);
    }

    static Plotly.NET.GenericChart Titled(Plotly.NET.GenericChart chart, string title) =>
        Plotly.NET.Chart.withTitle(title, TitleFont: null).Invoke(chart);

    [Fact]
    public void ALongTitleOfAFixedWidthChartIsBrokenIntoLinesThatFit()
    {
        const string title = "coherence r(t), mean over 4 networks (10 of the 16 couplings, evenly spaced)";
        // A chart wide enough keeps its title as written.
        var wide = Titled(Chart.Line<double, double, string>(x: [0.0, 1.0], y: [0.0, 1.0]).WithSize(Width: 1000, Height: 300), title);
        Assert.Equal(title, (string)JsonNode.Parse(new PlotlyFigure(wide).ToJson())!["layout"]!["title"]!["text"]!);
        var narrow = Titled(Chart.Line<double, double, string>(x: [0.0, 1.0], y: [0.0, 1.0]).WithSize(Width: 420, Height: 300), title);
        var text = (string)JsonNode.Parse(new PlotlyFigure(narrow).ToJson())!["layout"]!["title"]!["text"]!;
        var lines = text.Split("<br>");
        Assert.True(lines.Length >= 2, text);
        Assert.All(lines, l => Assert.True(l.Length <= (420 - 80) / (0.55 * 17), l));
        Assert.Equal(title, string.Join(" ", lines));
        // Markup of the title's own is kept as written (a space may be inside a tag).
        const string styled = "<span style='color: red'>coherence r(t)</span>, mean over 4 networks (10 of the 16 couplings)";
        var marked = Titled(Chart.Line<double, double, string>(x: [0.0, 1.0], y: [0.0, 1.0]).WithSize(Width: 420, Height: 300), styled);
        Assert.Equal(styled, (string)JsonNode.Parse(new PlotlyFigure(marked).ToJson())!["layout"]!["title"]!["text"]!);
    }

    [Fact]
    public void FramesAndLayoutEntriesAreAddedToTheChartsFigure()
    {
        var chart = Chart.Point<double, double, string>(x: [0.0], y: [1.0]);
        var frames = new JsonArray(new JsonObject { ["name"] = "t0", ["data"] = new JsonArray(new JsonObject { ["y"] = new JsonArray(2.0) }) });
        var figure = new PlotlyFigure(chart, frames, new JsonObject { ["sliders"] = new JsonArray(new JsonObject { ["active"] = 0 }) });

        var json = JsonNode.Parse(figure.ToJson())!;
        Assert.Equal((1, 1), (figure.TraceCount, figure.FrameCount));
        Assert.Equal("t0", (string)json["frames"]![0]!["name"]!);
        Assert.Equal(0, (int)json["layout"]!["sliders"]![0]!["active"]!);
        Assert.NotNull(json["layout"]!["template"]);                                          // Plotly.NET's layout is kept
        Assert.Contains("window.Plotly.addFrames(element, figure.frames)", figure.ToHtml());
        Assert.Equal("Plotly chart (1 trace), 1 frames", NotebookFormatter.Format(figure).PlainText);
    }

    [Fact]
    public void AnimatedPhaseCircleMovesOnlyTheOscillatorsThroughAtMost120Frames()
    {
        // 3 oscillators over 200 times; at the first time all at phase 0 (r = 1).
        using var phases = linspace(0, 2, 200).unsqueeze(0) * tensor(new float[] { 0, 1, 2 }).unsqueeze(1);
        var times = Enumerable.Range(0, 200).Select(i => i * 0.1).ToArray();
        var figure = KuramotoCharts.AnimatedPhaseCircle(phases, times, null, "test");

        var json = JsonNode.Parse(figure.ToJson())!;
        var frames = json["frames"]!.AsArray();
        Assert.Equal(120, frames.Count);
        Assert.Equal(3, figure.TraceCount);                                                   // unit circle, oscillators, r e^(iψ)
        Assert.All(frames, f => Assert.Equal([1, 2], f!["traces"]!.AsArray().Select(i => (int)i!)));
        Assert.Equal(["0", "19.9"], new[] { (string)frames[0]!["name"]!, (string)frames[^1]!["name"]! });
        Assert.Equal("r e^(iψ), r = 1.000", (string)json["data"]![2]!["name"]!);
        // Last frame: phases 0, 2, 4 → cos as the oscillators' x.
        var x = frames[^1]!["data"]![0]!["x"]!.AsArray().Select(v => (double)v!).ToArray();
        Assert.Equal([1.0, Math.Cos(2), Math.Cos(4)], x, (a, b) => Math.Abs(a - b) < 1e-5);
        Assert.Equal(120, json["layout"]!["sliders"]![0]!["steps"]!.AsArray().Count);
        Assert.Equal("x", (string)json["layout"]!["yaxis"]!["scaleanchor"]!);
    }

    [Fact]
    public void ConceptImportanceBarsFollowTheOrderInEachConceptsColour()
    {
        // As notebook 05 shows it: a chart wrapped as HTML content.
        var html = NotebookFormatter.Format(new HtmlContent(ConceptFormatters.ImportanceChart([0.1, 0.7, 0.2], [1, 2, 0], "importance")))["text/html"]!;
        var bars = FigureOf(html)["data"]![0]!;
        Assert.Equal("bar", (string)bars["type"]!);
        Assert.Equal(["concept 1", "concept 2", "concept 0"], bars["x"]!.AsArray().Select(v => (string)v!));
        Assert.Equal([0.7, 0.2, 0.1], bars["y"]!.AsArray().Select(v => (double)v!));
        Assert.Equal(new[] { 1, 2, 0 }.Select(ConceptPalette.Hex), bars["marker"]!["color"]!.AsArray().Select(v => (string)v!));
    }

    [Fact]
    public void HeatmapRefusesANonMatrix()
    {
        using var vector = zeros(3);
        var error = Assert.Throws<PhospheneException>(() => KuramotoCharts.Heatmap("K", vector));
        Assert.Contains("a heatmap needs a matrix, got [3]", error.Message);
    }
}
