using Phosphene.Attribution.Metrics;
using Phosphene.Notebook.Display;
using TorchSharp;
using static TorchSharp.torch;

namespace Phosphene.Notebook.Tests.Display;

[Collection("plotly")]
public class MetricFormattersTests
{
    // Maps of 2×2 images: "one-hot" puts everything on one pixel, "uniform" spreads it evenly.
    static MetricTable Table()
    {
        var model = nn.Sequential(nn.Flatten(), nn.Linear(4, 2));
        using var x = ones(1, 1, 2, 2);
        using var y = zeros(1, ScalarType.Int64);
        using var oneHot = tensor(new float[] { 0, 0, 0, 1 }).view(1, 2, 2);
        using var uniform = ones(1, 2, 2);
        return MetricTable.Evaluate(model, x, y, [new("one-hot", oneHot), new("uniform", uniform)], ["complexity", "sparseness"]);
    }

    [Fact]
    public void MetricTableShowsDirectionsAndMarksTheBestMethod()
    {
        var bundle = NotebookFormatter.Format(Table());
        // Entropy: one-hot 0, uniform log 4 (lower better); Gini: one-hot 3/4, uniform 0 (higher better).
        Assert.Equal("""
            method   complexity ↓  sparseness ↑
            one-hot       0.0000*       0.7500*
            uniform       1.3863        0.0000
            """.ReplaceLineEndings("\n"), bundle.PlainText.ReplaceLineEndings("\n"));
        var html = bundle["text/html"]!;
        Assert.Contains("<th title=\"lower is better\">complexity ↓</th>", html);
        Assert.Contains("<tr><th style=\"text-align:left\">one-hot</th><td><b>0 ★</b></td><td><b>0.75 ★</b></td></tr>", html);
        Assert.Contains("<td>1.386</td><td>0</td>", html);
    }

    [Fact]
    public void CurvesCutoffsAndRandomisationRenderAsOfflineCharts()
    {
        var curve = new CurveResult("deletion", false, [0, 0.5, 1], [new[] { 0.9, 0.3, 0.1 }]);
        var cutoff = new ForGradCutoffResult
        {
            Method = "saliency", Metric = "mu-fidelity", HigherIsBetter = true, Sigmas = [1, 2, 4], Scores = [0.2, 0.5, 0.4],
            UnfilteredScore = 0.3, BestSigma = 2, BestScore = 0.5, ValidationCount = 8,
        };
        var randomisation = new RandomisationResult(RandomisationMode.Cascading, ["fc", "conv"], [0.5, 0.1], [0.6, 0.2], [0.7, 0.3], [0.4]);

        string curveHtml = NotebookFormatter.Format(curve)["text/html"]!;
        Assert.Contains("\"y\":[0.9,0.3,0.1]", curveHtml);
        Assert.Contains("maps (AUC 0.400)", curveHtml);
        string cutoffHtml = NotebookFormatter.Format(cutoff)["text/html"]!;
        Assert.Contains("FORGrad cutoff search (mu-fidelity, higher is better)", cutoffHtml);
        Assert.Contains("saliency best σ = 2", cutoffHtml);
        Assert.Contains("\"y\":[0.2,0.5,0.4]", cutoffHtml);
        Assert.Contains("\"y\":[0.6,0.2]", NotebookFormatter.Format(randomisation)["text/html"]!);
        Assert.Equal("forgrad saliency: best σ = 2 (mu-fidelity 0.5 vs 0.3 unfiltered, 3 cutoffs, 8 inputs)", NotebookFormatter.Format(cutoff).PlainText);
        Assert.StartsWith("randomisation (cascading): mean Spearman of |map| 0.400", NotebookFormatter.Format(randomisation).PlainText);
    }

    [Fact]
    public void BarsHaveOneSubplotPerMetric()
    {
        var chart = MetricCharts.Bars(Table());
        Assert.Equal(2, Plotly.NET.GenericChart.getTraces(chart).Length);
        var json = Plotly.NET.GenericChart.toFigureJson(chart);
        Assert.Contains("sparseness ↑ higher is better", json);
        var layout = System.Text.Json.Nodes.JsonNode.Parse(json)!["layout"]!;
        // Every subplot has axis titles, and the rows leave room for the slanted method names above the next title.
        Assert.Equal("method", (string?)layout["xaxis2"]!["title"]!["text"]);
        Assert.Equal("sparseness score", (string?)layout["yaxis2"]!["title"]!["text"]);
        Assert.Equal(0.6, (double)layout["grid"]!["ygap"]!);
    }
}
