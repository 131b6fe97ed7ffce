using System.Text.Json.Nodes;
using Phosphene.Imaging;
using Phosphene.Kernel.Protocol;

namespace Phosphene.Kernel.Tests;

/// <summary>Rich display and magics through a running kernel (one kernel for the class).</summary>
public class KernelDisplayAndMagicTests : IClassFixture<KernelFixture>
{
    private readonly KernelProcess _kernel;

    public KernelDisplayAndMagicTests(KernelFixture fixture) => _kernel = fixture.Kernel;

    private JsonNode Result(string code)
    {
        var (reply, outputs) = _kernel.Execute(code);
        Assert.True((string?)reply.Content["status"] == "ok", reply.Content.ToJsonString());
        return outputs.Single(m => m.MessageType == "execute_result").Content;
    }

    [Fact]
    public void ImageTensorResultIsAPngOfTheRightSize()
    {
        var result = Result("torch.rand(1, 1, 28, 20, generator: new torch.Generator(0))");
        var data = result["data"]!;
        Assert.StartsWith("Tensor [1, 1, 28, 20] float32 cpu", (string?)data["text/plain"]);
        using var image = PngImage.Decode(Convert.FromBase64String((string)data["image/png"]!));
        Assert.Equal([1L, 28, 20], image.shape);
        Assert.Equal(20 * 4, (int)result["metadata"]!["image/png"]!["width"]!);
        Assert.Contains("<img src=\"data:image/png;base64,", (string?)data["text/html"]);
    }

    [Fact]
    public void DataFrameResultIsAnHtmlTable()
    {
        var data = Result("new DataFrame(new PrimitiveDataFrameColumn<int>(\"epoch\", new[] { 1, 2 }), new PrimitiveDataFrameColumn<double>(\"loss\", new[] { 0.75, 0.5 }))")["data"]!;
        var html = (string)data["text/html"]!;
        Assert.Contains("<th title=\"int\">epoch</th><th title=\"double\">loss</th>", html);
        Assert.Contains("<tr><th>1</th><td>2</td><td>0.5</td></tr>", html);
    }

    [Fact]
    public void PlotlyChartsCarryPlotlyJsOnceAndNeverACdn()
    {
        var charts = new[] { "Chart.Column<double, string, string>(new[] { 0.9, 0.8 }, new[] { \"cnn\", \"resnet\" })", "Chart.Point<int, int, string>(new[] { 1, 2 }, new[] { 3, 4 })" }
            .Select(code => (string)Result(code)["data"]!["text/html"]!).ToList();
        Assert.Contains("plotly.js v2.28.0", charts[0]);
        Assert.DoesNotContain("plotly.js v2.28.0", charts[1]);
        Assert.All(charts, html => Assert.DoesNotContain("<script src", html));
        Assert.DoesNotMatch("cdn|https?://", charts[1]);
    }

    [Fact]
    public void EachNewClientSessionGetsPlotlyJsWithItsFirstChart()
    {
        // A reloaded page (or another tab) talks to the kernel in a new client session: its first chart must bring
        // plotly.js, as the page has none; the charts after it in that page must not.
        string Chart(string session)
        {
            var request = JupyterMessage.Create("execute_request", new JsonObject
            {
                ["code"] = "Chart.Point<int, int, string>(new[] { 1, 2 }, new[] { 3, 4 })", ["silent"] = false, ["store_history"] = true,
                ["user_expressions"] = new JsonObject(), ["allow_stdin"] = false, ["stop_on_error"] = true,
            }, session);
            _kernel.SendFrames(Channel.Shell, _kernel.Wire.Encode(request));
            Assert.Equal("ok", (string?)_kernel.Reply(Channel.Shell).Content["status"]);
            return (string)_kernel.Outputs(request).Single(m => m.MessageType == "execute_result").Content["data"]!["text/html"]!;
        }
        var firstPage = new[] { Chart("page-1"), Chart("page-1") };
        var reloaded = new[] { Chart("page-2"), Chart("page-2") };
        Assert.Contains("plotly.js v2.28.0", firstPage[0]);
        Assert.DoesNotContain("plotly.js v2.28.0", firstPage[1]);
        Assert.Contains("plotly.js v2.28.0", reloaded[0]);
        Assert.DoesNotContain("plotly.js v2.28.0", reloaded[1]);
        // A chart drawn before plotly.js is in the page waits for it; the loader draws the waiting charts.
        Assert.Contains("window.phospheneChartsWaitingForPlotly", firstPage[1]);
        Assert.Contains("waiting.forEach(function (draw) { draw(); })", firstPage[0]);
    }

    [Fact]
    public void DisplayHandleUpdatesTheSameOutputWithRichData()
    {
        var (reply, outputs) = _kernel.Execute("var shown = display(new HtmlContent(\"<b>one</b>\"));\nshown.Update(new HtmlContent(\"<b>two</b>\"));");
        Assert.Equal("ok", (string?)reply.Content["status"]);
        var display = outputs.Single(m => m.MessageType == "display_data").Content;
        var update = outputs.Single(m => m.MessageType == "update_display_data").Content;
        Assert.Equal("<b>one</b>", (string?)display["data"]!["text/html"]);
        Assert.Equal("<b>two</b>", (string?)update["data"]!["text/html"]);
        Assert.Equal((string?)display["transient"]!["display_id"], (string?)update["transient"]!["display_id"]);
    }

    [Fact]
    public void ProgressBarShowsThenUpdatesInPlace()
    {
        var (_, outputs) = _kernel.Execute("using (var bar = progress(\"steps\", 3)) { for (var i = 0; i < 3; i++) bar.Advance(); }");
        var first = outputs.First(m => m.MessageType == "display_data").Content;
        var last = outputs.Last(m => m.MessageType == "update_display_data").Content;
        Assert.Equal((string?)first["transient"]!["display_id"], (string?)last["transient"]!["display_id"]);
        Assert.StartsWith("steps 100% |", (string?)last["data"]!["text/plain"]);
        Assert.Contains("phosphene-progress", (string?)last["data"]!["text/html"]);
    }

    [Fact]
    public void CellsMixMagicLinesAndCSharpInOrder()
    {
        var (reply, outputs) = _kernel.Execute("var mixed = 2;\n%timeit --runs 2 --loops 10 mixed * 3\nvar after = mixed + 1;\nafter");
        Assert.Equal("ok", (string?)reply.Content["status"]);
        var timing = (string?)outputs.Single(m => m.MessageType == "display_data").Content["data"]!["text/plain"];
        Assert.Matches(@"per loop \(mean ± std\. dev\. of 2 runs, 10 loops each\)$", timing);
        Assert.Equal("3", (string?)outputs.Single(m => m.MessageType == "execute_result").Content["data"]!["text/plain"]);
    }

    [Fact]
    public void ModuloContinuationLineStaysCSharp()
        => Assert.Equal("2", (string?)Result("var divisor = 4;\nvar remainder = 10\n%divisor;\nremainder")["data"]!["text/plain"]);

    [Fact]
    public void MagicErrorNamesTheFixAndLeavesTheSessionIntact()
    {
        _kernel.Execute("var kept = 5;");
        var (reply, outputs) = _kernel.Execute("%timeit --runz 3 1 + 1");
        Assert.Equal("error", (string?)reply.Content["status"]);
        var error = Assert.Single(outputs, m => m.MessageType == "error");
        Assert.Equal("MagicError", (string?)error.Content["ename"]);
        Assert.Equal("%timeit has no option '--runz'; did you mean '--runs'? (see %timeit --help)", (string?)error.Content["evalue"]);
        Assert.Equal("unknown magic '%tiemit'; did you mean '%timeit'? (%lsmagic lists the magics)",
            (string?)_kernel.Execute("%tiemit 1").Reply.Content["evalue"]);
        Assert.Equal("6", (string?)Result("kept + 1")["data"]!["text/plain"]);
    }

    [Fact]
    public void MagicInsideABlockIsRefusedBeforeAnythingRuns()
    {
        var (reply, _) = _kernel.Execute("var blockRan = true;\nif (blockRan)\n{\n    %who\n}");
        Assert.Equal("MagicError", (string?)reply.Content["ename"]);
        Assert.Equal("%who on line 4 is inside a C# block; magics run between top-level statements: move it out of the { … } block", (string?)reply.Content["evalue"]);
        Assert.Equal("error", (string?)_kernel.Execute("blockRan").Reply.Content["status"]);
    }

    [Fact]
    public void AsBindsTheResultAndUnderscoreIsTheLast()
    {
        _kernel.Execute("%timeit --runs 3 --loops 1 --as timing 1 + 1");
        Assert.Equal("3", (string?)Result("timing.Runs")["data"]!["text/plain"]);
        Assert.Equal("1", (string?)Result("_.Loops")["data"]!["text/plain"]);
    }

    [Fact]
    public void TimeCellMagicKeepsDeclarationsAndReportsErrorsAtTheCellsLines()
    {
        var (reply, outputs) = _kernel.Execute("%%time\nvar timedValue = 21 * 2;\ntimedValue");
        Assert.Equal("ok", (string?)reply.Content["status"]);
        Assert.Contains(outputs, m => m.MessageType == "stream" && ((string?)m.Content["text"])!.Contains("Wall time: "));
        Assert.Equal("42", (string?)outputs.Single(m => m.MessageType == "execute_result").Content["data"]!["text/plain"]);

        var failing = _kernel.Execute("%%time\nvar x = 1;\nthrow new InvalidOperationException(\"late\");").Reply;
        Assert.Equal("InvalidOperationException", (string?)failing.Content["ename"]);
        Assert.Equal($"   at cell [{(int)failing.Content["execution_count"]!}], line 3", (string?)failing.Content["traceback"]![1]);
    }

    [Fact]
    public void InterruptStopsATimeitAndTheNextCellRuns()
    {
        var request = _kernel.Submit("%timeit --runs 1000 --loops 1000000 Math.Sqrt(2)");
        Thread.Sleep(1000);
        _kernel.Interrupt(request);
        Assert.Equal("2", (string?)Result("1 + 1")["data"]!["text/plain"]);
    }

    [Fact]
    public void MagicHelpGoesToThePager()
    {
        var (reply, _) = _kernel.Execute("%timeit?");
        var page = reply.Content["payload"]!.AsArray().Single()!;
        Assert.Equal("page", (string?)page["source"]);
        Assert.StartsWith("%timeit [--option value | --flag] … <code>", (string?)page["data"]!["text/plain"]);
        Assert.Contains("--runs int", (string?)page["data"]!["text/plain"]);
    }

    [Fact]
    public void InspectOnAMagicLineGivesItsUsage()
    {
        var code = "var a = 1;\n%timeit --runs 2 a + 1";
        var request = _kernel.Send(Channel.Shell, "inspect_request", new JsonObject { ["code"] = code, ["cursor_pos"] = 14, ["detail_level"] = 0 });
        var reply = _kernel.Reply(Channel.Shell);
        _kernel.Outputs(request);
        Assert.True((bool)reply.Content["found"]!);
        Assert.StartsWith("%timeit [--option value | --flag] … <code>", (string?)reply.Content["data"]!["text/plain"]);
    }

    [Fact]
    public void MagicNamesAndOptionsComplete()
    {
        (int, int, List<string?>) Complete(string code)
        {
            var request = _kernel.Send(Channel.Shell, "complete_request", new JsonObject { ["code"] = code, ["cursor_pos"] = code.Length });
            var reply = _kernel.Reply(Channel.Shell);
            _kernel.Outputs(request);
            return ((int)reply.Content["cursor_start"]!, (int)reply.Content["cursor_end"]!, reply.Content["matches"]!.AsArray().Select(m => (string?)m).ToList());
        }
        var names = Complete("%tim");
        Assert.Equal((1, 4), (names.Item1, names.Item2));
        Assert.Equal(["time", "timeit"], names.Item3);
        var options = Complete("%timeit --ru");
        Assert.Equal((8, 12), (options.Item1, options.Item2));
        Assert.Equal(["--runs"], options.Item3);
        Assert.Equal(["html"], Complete("%%htm").Item3);
        Assert.Contains("WriteLine", Complete("Console.WriteL").Item3);
        // The cell globals complete, the kernel's internal binding hook does not.
        Assert.Contains("clear_output", Complete("clear_").Item3);
        Assert.Empty(Complete("__Take").Item3);
    }
}
