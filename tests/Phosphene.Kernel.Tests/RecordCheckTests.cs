namespace Phosphene.Kernel.Tests;

/// <summary>
/// environment/check_record.py, which the series test runs on every executed page: it passes a page whose chart
/// draws and whose image decodes, and fails a page with a chart that cannot draw, an image that cannot decode or a
/// script that throws, naming what it found.
/// </summary>
public class RecordCheckTests : IDisposable
{
    private readonly string _out = Directory.CreateTempSubdirectory("phosphene-record").FullName;

    public void Dispose() => Directory.Delete(_out, recursive: true);

    // A 1×1 PNG, and a page with the series' offline plotly.js and one chart in the formatter's markup.
    private const string Pixel = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";

    private static string Page(string chartScript, string image) =>
        $"<html><head><script>{Phosphene.Notebook.Display.PlotlyJs.Source}</script></head><body>" +
        $"<div class=\"phosphene-plotly\" id=\"c1\"></div><script>{chartScript}</script>" +
        $"<img src=\"data:image/png;base64,{image}\"></body></html>";

    private const string GoodChart = "Plotly.newPlot('c1', [{x: [1, 2, 3], y: [2, 1, 3], type: 'scatter'}], {title: {text: 't'}});";

    [Fact]
    public async Task APageWhoseChartDrawsAndWhoseImageDecodesPasses()
    {
        File.WriteAllText(Path.Combine(_out, "01-good.html"), Page(GoodChart, Pixel));
        var (exit, report) = await EnvironmentScripts.CheckRecord(_out);
        Assert.True(exit == 0, report);
        Assert.Matches(@"01-good\.html\s+charts 1/1\s+images 1/1\s+script errors 0", report);
    }

    [Fact]
    public async Task AChartThatDoesNotDrawABrokenImageAndAThrowingScriptFailTheCheck()
    {
        File.WriteAllText(Path.Combine(_out, "01-good.html"), Page(GoodChart, Pixel));
        File.WriteAllText(Path.Combine(_out, "02-broken.html"), Page("Plotly.newPlott('c1', []);", "bm90IGEgcG5n"));
        var (exit, report) = await EnvironmentScripts.CheckRecord(_out);
        Assert.True(exit == 1, report);
        Assert.Matches(@"01-good\.html\s+charts 1/1\s+images 1/1\s+script errors 0", report);
        Assert.Matches(@"02-broken\.html\s+charts 0/1\s+images 0/1\s+script errors 1: .*newPlott", report);
    }
}
