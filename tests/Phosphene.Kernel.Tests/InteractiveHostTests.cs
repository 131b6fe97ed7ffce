using System.Diagnostics;
using System.Text.RegularExpressions;
using System.Text.Json.Nodes;
using Phosphene.Imaging;
using Phosphene.Native;
using Phosphene.Notebook.Magics;

namespace Phosphene.Kernel.Tests;

/// <summary>
/// The second host: .NET Interactive's Jupyter kernel (the dotnet-interactive tool pinned in dotnet-tools.json) with
/// Phosphene loaded by one line, <c>#r "nuget: Phosphene.Interactive"</c>, from a feed packed from this checkout.
/// One kernel session answers every request of the class (see <see cref="InteractiveSession"/>).
/// </summary>
public class InteractiveHostTests : IClassFixture<InteractiveHostTests.InteractiveSession>
{
    private readonly InteractiveSession _session;

    public InteractiveHostTests(InteractiveSession session) => _session = session;

    [Fact]
    public void OneLineLoadsTheToolkitAndSaysWhatItDid()
    {
        var loaded = _session.Text("load");
        Assert.Contains("Phosphene 1.0.0 loaded:", loaded);
        Assert.Contains("#!attribute, #!claim, #!craft, #!env, #!kuramoto, #!probe, #!timeit", loaded);
        // The native fix is applied at run time exactly where the system libstdc++ lacks GLIBCXX_3.4.32.
        Assert.Contains(TorchSharpNativeLibrary.SystemNeedsFix() ? "with its GLIBCXX_3.4.32 need marked weak" : "nothing to do", loaded);
        Assert.Equal("6", _session.Value("tensor-sum"));
    }

    [Fact]
    public void TensorsShowAsInThePhospheneKernel()
    {
        var data = _session.Result("tensor-image")["data"]!;
        Assert.StartsWith("Tensor [1, 1, 28, 20] float32 cpu", (string?)data["text/plain"]);
        using var image = PngImage.Decode(Convert.FromBase64String((string)data["image/png"]!));
        Assert.Equal([1L, 28, 20], image.shape);
        Assert.Contains("<img src=\"data:image/png;base64,", (string?)data["text/html"]);
    }

    [Fact]
    public void DataFramesShowAsInThePhospheneKernelThoughDataAnalysisBringsItsOwnView()
    {
        var html = (string)_session.Result("dataframe")["data"]!["text/html"]!;
        Assert.Contains("<th title=\"int\">epoch</th><th title=\"double\">loss</th>", html);
        Assert.Contains("<tr><th>1</th><td>2</td><td>0.5</td></tr>", html);
    }

    [Fact]
    public void DirectivesAndPercentLinesRunTheMagicsOwnCode()
    {
        Assert.Equal(MagicRegistry.Default.Usage("attribute").Text, _session.Value("directive-help"));
        Assert.Equal(MagicRegistry.Default.Usage("attribute").Text, _session.Value("line-help"));
        Assert.StartsWith("Line magics:", _session.Value("lsmagic"));
    }

    [Fact]
    public void BadInputGetsTheMagicsErrorAndTheSessionKeepsItsState()
    {
        var error = _session.Reply("line-typo");
        Assert.Equal("error", (string?)error["status"]);
        Assert.Contains("%attribute has no option '--methd'; did you mean '--methods'?", (string?)error["evalue"]);
        // The directive parser of .NET Interactive checks names against the declaration before the magic runs.
        Assert.Contains("Unrecognized parameter name '--methd'", (string?)_session.Reply("directive-typo")["evalue"]);
        Assert.Equal("2", _session.Value("after-errors"));
    }

    [Fact]
    public void ResultsBindInTheCSharpKernelAndCrossToFSharpAndJavaScript()
    {
        Assert.Equal("ClaimCheck holds", _session.Value("bound"));
        Assert.Equal("Holds", _session.Value("fsharp-share"));
        // What the browser's JavaScript API (interactive.csharp.getVariable) fetches from the kernel's HTTP service.
        var http = _session.Reply("javascript-get");
        Assert.Equal(200, (int)http["status"]!);
        var claim = JsonNode.Parse((string)http["body"]!)!;
        Assert.Equal("two is two", (string?)claim["Statement"]);
        Assert.Equal(2.0, (double)claim["Value"]!);
        Assert.Equal("holds", (string?)claim["StatusText"]);
    }

    [Fact]
    public void CompletionsComeFromTheMagicsDeclaration()
    {
        var subcommands = MagicRegistry.Default.Magics.Single(m => m.Name == "kuramoto").Declaration.Subcommands.Select(s => s.Name);
        Assert.Equal(subcommands.Order(), _session.Matches("complete-subcommand").Order());
        Assert.Equal(["--methods", "--metrics"], _session.Matches("complete-option").Order());
    }

    [Fact]
    public void ProgressBarsUpdateInPlace()
    {
        var messages = _session.Messages("progress");
        var shown = Assert.Single(messages, m => m.Type == "display_data");
        var id = (string?)shown.Content["transient"]?["display_id"];
        Assert.False(string.IsNullOrEmpty(id));
        var updates = messages.Where(m => m.Type == "update_display_data").ToList();
        Assert.NotEmpty(updates);
        Assert.All(updates, u => Assert.Equal(id, (string?)u.Content["transient"]?["display_id"]));
        Assert.Contains("3/3", (string?)updates[^1].Content["data"]?["text/plain"]);
    }

    [Fact]
    public void TheHostsOwnDirectivesWorkAlongside()
    {
        Assert.Contains("Wall time:", _session.Text("host-time"));
        Assert.Contains("claimed", _session.Text("host-who"));
    }

    /// <summary>
    /// .NET Interactive set up by environment/dotnet_interactive.py in a temporary Jupyter folder, and one kernel
    /// session (tests/Phosphene.Kernel.Tests/jupyter_session.py) that runs every request below in order.
    /// </summary>
    public sealed class InteractiveSession : IDisposable
    {
        private readonly string _jupyter = Directory.CreateTempSubdirectory("phosphene-dotnet-interactive").FullName;
        private readonly JsonObject _answers;

        private static readonly (string Name, string Kind, string Text)[] Requests =
        [
            ("load", "execute", "#r \"nuget: Phosphene.Interactive\""),
            ("tensor-sum", "execute", "torch.ones(2, 3).sum().item<float>()"),
            ("tensor-image", "execute", "torch.rand(1, 1, 28, 20, generator: new torch.Generator(0))"),
            ("dataframe", "execute", "new DataFrame(new PrimitiveDataFrameColumn<int>(\"epoch\", new[] { 1, 2 }), new PrimitiveDataFrameColumn<double>(\"loss\", new[] { 0.75, 0.5 }))"),
            ("directive-help", "execute", "#!attribute --help"),
            ("line-help", "execute", "%attribute --help"),
            ("lsmagic", "execute", "%lsmagic"),
            ("claim", "execute", "%claim \"two is two\" --value 2 --criterion \">= 1.5\" --paper rise --as claimed"),
            ("line-typo", "execute", "%attribute --methd saliency"),
            ("directive-typo", "execute", "#!attribute --methd saliency"),
            ("after-errors", "execute", "claimed.Value"),
            ("bound", "execute", "$\"{claimed.GetType().Name} {claimed.StatusText}\""),
            ("fsharp-reference", "execute", "#!fsharp\n#r \"nuget: Phosphene.Interactive\""),
            ("fsharp-share", "execute", "#!fsharp\n#!share --from csharp claimed\nclaimed.Status.ToString()"),
            ("javascript-get", "http_get", "/variables/csharp/claimed"),
            ("complete-subcommand", "complete", "#!kuramoto "),
            ("complete-option", "complete", "#!attribute --me"),
            ("progress", "execute", "var steps = progress(\"steps\", 3);\nfor (var i = 1; i <= 3; i++) { steps.Report(i); System.Threading.Thread.Sleep(150); }\nsteps.Dispose();"),
            ("host-time", "execute", "#!time\nSystem.Threading.Thread.Sleep(5);"),
            ("host-who", "execute", "#!who"),
        ];

        public InteractiveSession()
        {
            Run("/usr/bin/python3", [Path.Combine(KernelBuild.RepositoryRoot, "environment", "dotnet_interactive.py"), _jupyter], null);
            var requests = new JsonArray(Requests.Select(r => (JsonNode)new JsonObject
            {
                ["name"] = r.Name,
                [r.Kind] = r.Text,
                ["cursor"] = r.Kind == "complete" ? r.Text.Length : null,
            }).ToArray());
            var input = new JsonObject { ["kernel"] = ".net-csharp", ["cwd"] = Path.GetTempPath(), ["requests"] = requests }.ToJsonString();
            _answers = JsonNode.Parse(Run("/usr/bin/python3", [Path.Combine(KernelBuild.RepositoryRoot, "tests", "Phosphene.Kernel.Tests", "jupyter_session.py")], input))!.AsObject();
        }

        public JsonNode Reply(string name) => _answers[name]!["reply"]!;

        public List<(string Type, JsonNode Content)> Messages(string name)
            => _answers[name]!["messages"]!.AsArray().Select(m => ((string)m!["type"]!, m["content"]!)).ToList();

        public JsonNode Result(string name)
        {
            Assert.True((string?)Reply(name)["status"] == "ok", $"{name}: {Reply(name).ToJsonString()}");
            return Messages(name).Single(m => m.Type == "execute_result").Content;
        }

        /// <summary>The request's result as text: its text/plain, or for the values .NET Interactive shows as HTML only (numbers, strings), the text of that HTML's &lt;pre&gt;.</summary>
        public string? Value(string name) => Plain(Result(name)["data"]!);

        /// <summary>Every text the request showed: streams, and the text of displays and results.</summary>
        public string Text(string name) => string.Concat(Messages(name).Select(m => (string?)m.Content["text"] ?? (m.Content["data"] is { } data ? Plain(data) : "")));

        private static string? Plain(JsonNode data)
            => (string?)data["text/plain"] ?? (string?)data["text/markdown"]
               ?? (data["text/html"] is { } html && Regex.Match((string)html!, "<pre>(.*?)</pre>", RegexOptions.Singleline) is { Success: true } pre
                   ? System.Net.WebUtility.HtmlDecode(pre.Groups[1].Value) : null);

        public IEnumerable<string> Matches(string name) => Reply(name)["matches"]!.AsArray().Select(m => (string)m!);

        private string Run(string program, string[] arguments, string? input)
        {
            var start = new ProcessStartInfo(program, arguments) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = input is not null };
            start.Environment["JUPYTER_PATH"] = _jupyter;
            using var process = Process.Start(start)!;
            if (input is not null)
            {
                process.StandardInput.Write(input);
                process.StandardInput.Close();
            }
            var stderr = process.StandardError.ReadToEndAsync();
            var stdout = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
                throw new InvalidOperationException($"{Path.GetFileName(arguments[0])} failed ({process.ExitCode}):\n{stdout}\n{stderr.Result}");
            return stdout;
        }

        public void Dispose() => Directory.Delete(_jupyter, recursive: true);
    }
}
