using System.Text.Json.Nodes;

namespace Phosphene.Kernel.Tests;

/// <summary>
/// The main job's parameters (environment/run_notebooks.py, environment/notebook_parameters.py): a cell tagged
/// <c>parameters</c>, <c>-p name=value</c> and <c>--scale paper</c> from the notebook's metadata, injected as a cell
/// tagged <c>injected-parameters</c> that the executed notebook shows; bad values refused before anything runs.
/// </summary>
public class NotebookParametersTests : IClassFixture<NotebookSeriesTests.TemporaryKernelSpec>, IDisposable
{
    private readonly NotebookSeriesTests.TemporaryKernelSpec _spec;
    private readonly string _notebooks = Directory.CreateTempSubdirectory("phosphene-parameters").FullName;
    private readonly string _out = Directory.CreateTempSubdirectory("phosphene-parameters-out").FullName;

    public NotebookParametersTests(NotebookSeriesTests.TemporaryKernelSpec spec)
    {
        _spec = spec;
        Write("01-params.ipynb",
            Cell("int n = 2;            // a count\nstring label = \"two\";\ndouble rate = 0.5;", "parameters"),
            Cell("$\"{label}: {n * 10} at {rate}\""));
        var paper = new JsonObject { ["values"] = new JsonObject { ["n"] = 7 }, ["note"] = "seven, as the paper" };
        var first = JsonNode.Parse(File.ReadAllText(Path.Combine(_notebooks, "01-params.ipynb")))!;
        first["metadata"]!["phosphene"] = new JsonObject { ["scales"] = new JsonObject { ["paper"] = paper } };
        File.WriteAllText(Path.Combine(_notebooks, "01-params.ipynb"), first.ToJsonString());
        Write("02-plain.ipynb", Cell("1 + 1"));
    }

    public void Dispose()
    {
        Directory.Delete(_notebooks, recursive: true);
        Directory.Delete(_out, recursive: true);
    }

    [Fact]
    public void AParameterGivenWithPReplacesTheDeclaredValueAndTheExecutedNotebookShowsIt()
    {
        var (exit, stdout, stderr) = Run("-p", "n=5", "-p", "label=five words");
        Assert.True(exit == 0, stdout + stderr);
        var executed = Executed("01-params.ipynb");
        Assert.Equal("five words: 50 at 0.5", Result(executed, "$\""));
        var injected = executed["cells"]!.AsArray().Single(c => Tags(c!).Contains("injected-parameters"))!;
        Assert.Equal("// Injected by run_notebooks.py (-p)\nint n = 5;\nstring label = \"five words\";", Source(injected));
        var values = executed["metadata"]!["phosphene"]!["parameters"]!["values"]!;
        Assert.Equal("5", (string?)values["n"]!["value"]);
        Assert.Equal("-p", (string?)values["n"]!["from"]);
        Assert.Equal("notebook", (string?)values["rate"]!["from"]);
        Assert.Contains("parameters: n = 5, label = \"five words\"", stdout);
        // The notebook without a parameters cell ran as written.
        Assert.Equal("2", Result(Executed("02-plain.ipynb"), "1 + 1"));
    }

    [Fact]
    public void ThePaperScaleComesFromTheNotebooksMetadataAndPStillWins()
    {
        var (exit, stdout, stderr) = Run("--scale", "paper", "-p", "rate=0.25");
        Assert.True(exit == 0, stdout + stderr);
        var executed = Executed("01-params.ipynb");
        Assert.Equal("two: 70 at 0.25", Result(executed, "$\""));
        var parameters = executed["metadata"]!["phosphene"]!["parameters"]!;
        Assert.Equal("paper", (string?)parameters["scale"]);
        Assert.Equal("seven, as the paper", (string?)parameters["note"]);
        Assert.Equal("scale paper", (string?)parameters["values"]!["n"]!["from"]);
        var index = File.ReadAllText(Path.Combine(_out, "index.html"));
        Assert.Contains("Parameters (paper scale; seven, as the paper): ", index);
        Assert.Contains("n = 7 (scale paper)", index);
        Assert.Contains("rate = 0.25 (-p)", index);
    }

    [Fact]
    public void AParameterNoNotebookDeclaresOrAValueOfTheWrongTypeIsRefusedBeforeAnythingRuns()
    {
        var (exit, _, stderr) = Run("-p", "epochs=3");
        Assert.Equal(2, exit);
        Assert.Contains("-p epochs: no selected notebook declares it in its cell tagged parameters (declared: 01-params: n, label, rate)", stderr);
        (exit, _, stderr) = Run("-p", "n=1.5");
        Assert.Equal(2, exit);
        Assert.Contains("01-params: n (int, -p): an int takes a whole number, not '1.5'", stderr);
        (exit, _, stderr) = Run("-p", "n");
        Assert.Equal(2, exit);
        Assert.Contains("-p takes NAME=VALUE (e.g. -p epochs=10), not 'n'", stderr);
        Assert.Empty(Directory.GetFiles(_out, "*.ipynb"));
    }

    /// <summary>
    /// Every notebook of the series declares its sizes in a parameters cell, and its paper scale (where it gives one)
    /// applies: each value names a declared parameter and fits its type, and each paper notebook says what the scale
    /// does in a note. Checked through the runner's own code, without running the notebooks.
    /// </summary>
    [Fact]
    public async Task EverySeriesNotebookDeclaresParametersAndItsPaperScaleApplies()
    {
        var (exit, stdout, stderr) = await EnvironmentScripts.Run(["-c", """
            import glob, json, os, sys
            sys.path.insert(0, os.path.join(sys.argv[1], "environment"))
            import nbformat, notebook_parameters
            for path in sorted(glob.glob(os.path.join(sys.argv[1], "notebooks", "*.ipynb"))):
                name = os.path.basename(path)[:-6]
                notebook = nbformat.read(path, 4)
                declared = notebook_parameters.declared(notebook, name)
                applied = notebook_parameters.apply(notebook, name, "paper", {})
                changed = sorted(p for p, v in applied["values"].items() if v["from"] == "scale paper")
                print(json.dumps({"notebook": name, "declared": list(declared), "paper": changed, "note": applied["note"] or ""}))
            """, KernelBuild.RepositoryRoot]);
        Assert.True(exit == 0, stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!).ToList();
        Assert.Equal(Directory.GetFiles(Path.Combine(KernelBuild.RepositoryRoot, "notebooks"), "*.ipynb").Length, lines.Count);
        Assert.All(lines, l => Assert.NotEmpty(l["declared"]!.AsArray()));
        foreach (var line in lines.Where(l => (string?)l["notebook"] != "00-tour"))
            Assert.False(string.IsNullOrWhiteSpace((string?)line["note"]), $"{line["notebook"]}: its paper scale has no note");
        var tour = lines.Single(l => (string?)l["notebook"] == "00-tour");
        Assert.Equal("no paper scale declared: runs at the quick scale", (string?)tour["note"]);
        var komplexNet = lines.Single(l => (string?)l["notebook"] == "08-synchrony-binding");
        Assert.Equal(["channels", "epochs", "trainComposites"], komplexNet["paper"]!.AsArray().Select(p => (string?)p));
    }

    private JsonNode Executed(string name) => JsonNode.Parse(File.ReadAllText(Path.Combine(_out, name)))!;

    private static string Source(JsonNode cell) => NotebookSeriesTests.Joined(cell["source"]);

    private static IEnumerable<string?> Tags(JsonNode cell)
        => cell["metadata"]?["tags"]?.AsArray().Select(t => (string?)t) ?? [];

    private static string? Result(JsonNode notebook, string sourceStart)
    {
        var cell = notebook["cells"]!.AsArray().Single(c => Source(c!).StartsWith(sourceStart, StringComparison.Ordinal))!;
        return NotebookSeriesTests.Joined(cell["outputs"]!.AsArray().Single(o => (string?)o!["output_type"] == "execute_result")!["data"]!["text/plain"]);
    }

    private static JsonObject Cell(string source, string? tag = null) => new()
    {
        ["cell_type"] = "code",
        ["execution_count"] = null,
        ["id"] = Guid.NewGuid().ToString("N")[..8],
        ["metadata"] = tag is null ? new JsonObject() : new JsonObject { ["tags"] = new JsonArray(tag) },
        ["outputs"] = new JsonArray(),
        ["source"] = source,
    };

    private void Write(string name, params JsonObject[] cells)
    {
        var notebook = new JsonObject
        {
            ["cells"] = new JsonArray(cells),
            ["metadata"] = new JsonObject
            {
                ["kernelspec"] = new JsonObject { ["name"] = "phosphene-csharp", ["display_name"] = "C# (Phosphene)", ["language"] = "csharp" },
            },
            ["nbformat"] = 4,
            ["nbformat_minor"] = 5,
        };
        File.WriteAllText(Path.Combine(_notebooks, name), notebook.ToJsonString());
    }

    private (int Exit, string Stdout, string Stderr) Run(params string[] arguments)
        => _spec.RunNotebooks(["--notebooks", _notebooks, "--out", _out, .. arguments]).GetAwaiter().GetResult();
}
