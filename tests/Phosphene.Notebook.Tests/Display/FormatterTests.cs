using System.Text.RegularExpressions;
using Microsoft.Data.Analysis;
using Phosphene.Imaging;
using Phosphene.Notebook.Display;
using Phosphene.Notebook.Magics.Builtins;
using static TorchSharp.torch;
using Chart = Plotly.NET.CSharp.Chart;

namespace Phosphene.Notebook.Tests.Display;

/// <summary>Plotly injection is per process: the tests that depend on it do not run in parallel with each other.</summary>
[CollectionDefinition("plotly", DisableParallelization = true)]
public class PlotlyCollection { }

[Collection("plotly")]
public class FormatterTests
{
    [Fact]
    public void EveryValueHasPlainTextAndOnlyRegisteredTypesHaveRichForms()
    {
        Assert.Equal(new Dictionary<string, string> { ["text/plain"] = "int[](3) { 1, 2, 3 }" }, NotebookFormatter.Format(new[] { 1, 2, 3 }).Data);
        Assert.Equal("null", NotebookFormatter.Format(null).PlainText);
        Assert.Equal("42", NotebookFormatter.Format(42).PlainText);
        Assert.Empty(NotebookFormatter.RichMimeTypesFor(typeof(Uri)));
        var html = NotebookFormatter.Format(new HtmlContent("<b>x</b>"));
        Assert.Equal("<b>x</b>", html["text/html"]);
        Assert.Equal("console.log(1)", NotebookFormatter.Format(new JavaScriptContent("console.log(1)"))["application/javascript"]);
        Assert.Equal("# T", NotebookFormatter.Format(new MarkdownContent("# T"))["text/markdown"]);
    }

    [Fact]
    public void FormattersRegisteredForABaseTypeOrInterfaceApplyToSubtypes()
    {
        NotebookFormatter.RegisterHtml<IShape>(s => $"<i>{s.Name}</i>");
        NotebookFormatter.RegisterHtml<Square>(s => $"<b>{s.Name}</b>");
        Assert.Equal("<i>circle</i>", NotebookFormatter.Format(new Circle())["text/html"]);
        Assert.Equal("<b>square</b>", NotebookFormatter.Format(new Square())["text/html"]);
        Assert.Equal("square!", NotebookFormatter.Format(new Square()).PlainText);
    }

    [Fact]
    public void WorkSharedByMimeTypesRunsOncePerBundle()
    {
        var calls = 0;
        NotebookFormatter.RegisterHtml<Costly>(c => FormatScope.Memo(c, "drawing", () => ++calls).ToString(System.Globalization.CultureInfo.InvariantCulture));
        NotebookFormatter.RegisterSvg<Costly>(c => $"<svg>{FormatScope.Memo(c, "drawing", () => ++calls)}</svg>");
        var bundle = NotebookFormatter.Format(new Costly());
        Assert.Equal(("1", "<svg>1</svg>"), (bundle["text/html"], bundle["image/svg+xml"]));
        NotebookFormatter.Format(new Costly());
        Assert.Equal(2, calls);
    }

    public sealed class Costly;

    public interface IShape { string Name { get; } }
    public sealed class Circle : IShape { public string Name => "circle"; }
    public sealed class Square : IShape { public string Name => "square"; public override string ToString() => "square!"; }

    [Fact]
    public void ImageTensorIsAPngOfItsSizeAndHtmlScalesItUp()
    {
        using var image = linspace(0, 1, 3 * 20 * 28).reshape(3, 20, 28);
        var bundle = NotebookFormatter.Format(image);
        Assert.StartsWith("Tensor [3, 20, 28] float32 cpu", bundle.PlainText);
        using var decoded = PngImage.Decode(Convert.FromBase64String(bundle["image/png"]!));
        Assert.Equal([3L, 20, 28], decoded.shape);
        Assert.True(decoded.allclose(image, atol: 0.5 / 255 + 1e-6));
        Assert.Equal(new Dictionary<string, object> { ["width"] = 28 * 4, ["height"] = 20 * 4 }, bundle.Metadata["image/png"]);
        Assert.Contains("width=\"112\" height=\"80\"", bundle["text/html"]);
        Assert.Contains("image-rendering:pixelated", bundle["text/html"]);
        // Never shrunk to the cell by the front end (that drops pixel columns): kept at its size, scrolled when wide.
        Assert.Contains("max-width:none", bundle["text/html"]);
        Assert.Contains("<div style=\"overflow-x:auto\"><img ", bundle["text/html"]);
    }

    [Fact]
    public void BatchOfImagesIsAGridAndOutOfRangeValuesAreScaled()
    {
        using var batch = randn(10, 1, 8, 8, generator: new TorchSharp.torch.Generator(0));
        var picture = TensorFormatter.Picture(batch)!;
        // 8 columns × 2 rows of 8×8 cells with 2-pixel padding.
        Assert.Equal((8 * 10 + 2, 2 * 10 + 2), (picture.PixelWidth, picture.PixelHeight));
        using var png = PngImage.Decode(picture.Png);
        Assert.Equal([3L, 22, 82], png.shape);
        Assert.Equal(10, picture.Images);
        Assert.StartsWith("values in [", picture.Note);
        Assert.Contains("scaled to [0, 1] for display", NotebookFormatter.Format(batch)["text/html"]);
    }

    [Fact]
    public void NonImageTensorsShowValuesOrStatistics()
    {
        using var small = tensor(new[] { 1f, 2f, 3f });
        var bundle = NotebookFormatter.Format(small);
        Assert.Equal("Tensor [3] float32 cpu\n[1, 2, 3]", bundle.PlainText);
        Assert.False(bundle.Data.ContainsKey("image/png"));
        using var large = arange(0, 10000, dtype: ScalarType.Float32).reshape(100, 100, 1);
        Assert.Equal("Tensor [100, 100, 1] float32 cpu\nmin 0, max 9999, mean 4999.5, std 2886.9", NotebookFormatter.Format(large).PlainText);
    }

    [Fact]
    public void DataFrameIsAnHtmlTableOfItsValues()
    {
        var frame = new DataFrame(
            new StringDataFrameColumn("method", ["saliency", "sobol", null]),
            new PrimitiveDataFrameColumn<double>("deletion", [0.125, 0.5, 1.0 / 3]));
        var bundle = NotebookFormatter.Format(frame);
        var html = bundle["text/html"]!;
        Assert.Contains("<th title=\"string\">method</th><th title=\"double\">deletion</th>", html);
        Assert.Contains("<tr><th>0</th><td>saliency</td><td>0.125</td></tr>", html);
        Assert.Contains("<tr><th>2</th><td style=\"color:#999\">null</td><td>0.333333</td></tr>", html);
        Assert.Contains("3 rows × 2 columns", html);
        Assert.Equal("  method  deletion\nsaliency     0.125\n   sobol       0.5\n    null  0.333333\n3 rows × 2 columns", bundle.PlainText.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void PlotlyChartRendersOfflineWithPlotlyJsInjectedOncePerSession()
    {
        PlotlyJs.Reset();
        var chart = Chart.Line<int, double, string>(x: new[] { 1, 2, 3 }, y: new[] { 0.5, 0.25, 0.125 });
        var first = NotebookFormatter.Format(chart)["text/html"]!;
        var second = NotebookFormatter.Format(chart)["text/html"]!;
        Assert.Equal("2.28.0", PlotlyJs.Version);
        Assert.True(PlotlyJs.Source.Length > 1_000_000);
        Assert.Contains(PlotlyJs.Source[..200], first);
        Assert.DoesNotContain(PlotlyJs.Source[..200], second);
        Assert.Single(Regex.Matches(first, "plotly.js v2.28.0"));
        foreach (var html in new[] { first, second })
        {
            Assert.DoesNotContain("<script src", html);
            Assert.DoesNotContain("require.config", html);
            Assert.Matches("window.Plotly.newPlot\\(element, figure.data", html);
            Assert.Contains("\"y\":[0.5,0.25,0.125]", html);
        }
        // Outside the bundle itself, nothing refers to a CDN.
        Assert.DoesNotMatch("cdn|https?://", second);
        Assert.Equal("Plotly chart (1 trace)", NotebookFormatter.Format(chart).PlainText);
    }

    [Fact]
    public void ProgressAndVariableTablesHaveHtml()
    {
        var snapshot = new ProgressSnapshot("x", 1, 2, 0.5, 1, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), null, false);
        Assert.Contains("width:50%", NotebookFormatter.Format(snapshot)["text/html"]);
        var listing = new VariableListing([new("n", typeof(int), 3)], detailed: true);
        Assert.Contains("<td><code>n</code></td>", NotebookFormatter.Format(listing)["text/html"]);
    }
}
