using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Phosphene.Kernel.Tests;

/// <summary>
/// Every notebook of the series (notebooks/*.ipynb) executes without error through nbclient with the built kernel,
/// as the README's main job runs it (environment/run_notebooks.py), into a temporary output folder; the runner fails
/// a notebook whose paper claim fails without being declared, so every claim check is a test too.
/// </summary>
public class NotebookSeriesTests : IClassFixture<NotebookSeriesTests.TemporaryKernelSpec>
{
    readonly TemporaryKernelSpec _spec;

    public NotebookSeriesTests(TemporaryKernelSpec spec) => this._spec = spec;

    public static TheoryData<string> Notebooks()
    {
        var data = new TheoryData<string>();
        foreach (var path in Directory.GetFiles(Path.Combine(KernelBuild.RepositoryRoot, "notebooks"), "*.ipynb").Order())
            data.Add(Path.GetFileName(path));
        return data;
    }

    [Theory]
    [MemberData(nameof(Notebooks))]
    public async Task NotebookExecutesWithoutError(string notebook)
    {
        var output = Directory.CreateTempSubdirectory("phosphene-series").FullName;
        try
        {
            await Run(output, notebook);
            Assert.True(File.Exists(Path.Combine(output, Path.ChangeExtension(notebook, ".html"))), "HTML written");
            Assert.True(File.Exists(Path.Combine(output, "index.html")), "index.html written");
            // Every paper notebook checks its paper's claims, and records them with the papers in its metadata.
            var executed = JsonNode.Parse(File.ReadAllText(Path.Combine(output, notebook)))!;
            var claims = executed["metadata"]?["phosphene"]?["claims"]?.AsArray() ?? [];
            var record = JsonNode.Parse(File.ReadAllText(Path.Combine(output, "claims.json")))!.AsArray();
            Assert.Equal(claims.Count, record.Count);
            if (notebook.StartsWith("00-", StringComparison.Ordinal))
                Assert.Equal("Skipped: this cell is F# (#!fsharp), which runs on .NET Interactive; this kernel runs C# only.",
                             CellText(executed, "#!fsharp").Trim());
            else
            {
                Assert.NotEmpty(claims);
                Assert.NotEmpty(executed["metadata"]!["phosphene"]!["papers"]!.AsArray());
                Assert.All(record, c => Assert.Contains((string?)c!["status"], new[] { "holds", "not reproduced here" }));
            }
            // Opened as a reader opens it (headless Chromium, file://, offline): every chart drew, every image decoded.
            var (exit, report) = await EnvironmentScripts.CheckRecord(output);
            Assert.True(exit == 0, report);
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }

    [Fact]
    public async Task ASecondRunGivesTheSameClaimValues()
    {
        string[] notebooks = ["06-kuramoto-model.ipynb", "09-probing-layers.ipynb", "10-representational-alignment.ipynb"];
        var first = Directory.CreateTempSubdirectory("phosphene-series").FullName;
        var second = Directory.CreateTempSubdirectory("phosphene-series").FullName;
        try
        {
            await Run(first, notebooks);
            await Run(second, notebooks);
            var a = JsonNode.Parse(File.ReadAllText(Path.Combine(first, "claims.json")))!.AsArray();
            var b = JsonNode.Parse(File.ReadAllText(Path.Combine(second, "claims.json")))!.AsArray();
            Assert.True(a.Count >= 3, $"only {a.Count} claims in three notebooks");
            Assert.Equal(a.Select(c => (string?)c!["notebook"]).Distinct().Count(), notebooks.Length);
            Assert.Equal(a.Select(c => ((string?)c!["claim"], (double?)c["value"])), b.Select(c => ((string?)c!["claim"], (double?)c["value"])));
        }
        finally
        {
            Directory.Delete(first, recursive: true);
            Directory.Delete(second, recursive: true);
        }
    }

    /// <summary>
    /// On the second host, .NET Interactive (set up by the runner from the tool manifest and a feed packed from this
    /// checkout), a subset that exercises every magic and the formatters: 00 (built-in magics, tensors, tables, a
    /// Plotly chart), 01 (%attribute), 04 (%craft), 06 (%kuramoto), 09 (%probe). Their claims hold there, and the
    /// values are the ones the Phosphene kernel computes.
    /// </summary>
    [Fact]
    public async Task TheSeriesRunsOnDotNetInteractiveWithTheClaimValuesOfThePhospheneKernel()
    {
        string[] subset = ["00-tour.ipynb", "01-attribution-methods.ipynb", "04-craft-concepts.ipynb", "06-kuramoto-model.ipynb", "09-probing-layers.ipynb"];
        string[] compared = ["01-attribution-methods.ipynb", "06-kuramoto-model.ipynb", "09-probing-layers.ipynb"];
        var interactive = Directory.CreateTempSubdirectory("phosphene-series").FullName;
        var ours = Directory.CreateTempSubdirectory("phosphene-series").FullName;
        try
        {
            await Run(interactive, ["--kernel", ".net-csharp", .. subset]);
            await Run(ours, compared);
            var there = JsonNode.Parse(File.ReadAllText(Path.Combine(interactive, "claims.json")))!.AsArray();
            var here = JsonNode.Parse(File.ReadAllText(Path.Combine(ours, "claims.json")))!.AsArray();
            Assert.All(there, c => Assert.Equal("holds", (string?)c!["status"]));
            Assert.Equal(subset.Skip(1).Select(Path.GetFileNameWithoutExtension), there.Select(c => (string?)c!["notebook"]).Distinct());
            var thereCompared = there.Where(c => compared.Contains((string?)c!["notebook"] + ".ipynb"));
            Assert.Equal(here.Select(c => ((string?)c!["claim"], (double?)c["value"])), thereCompared.Select(c => ((string?)c!["claim"], (double?)c["value"])));
            var executed = JsonNode.Parse(File.ReadAllText(Path.Combine(interactive, "00-tour.ipynb")))!;
            Assert.Equal(".net-csharp", (string?)executed["metadata"]!["kernelspec"]!["name"]);
            // The tour's F# cell received the C# kernel's CNN (#!share) and its test accuracy (#!set): the same value.
            var csharp = Regex.Match(CellText(executed, "var cnn = ModelZoo.Trained"), @"test accuracy (\d+\.\d\d) ?%");
            var fsharp = Regex.Match(CellText(executed, "#!fsharp"), @"^F# received the CNN \(test accuracy (\d+\.\d\d) %\): lowest training loss \d\.\d{4} at epoch \d of \d");
            Assert.True(csharp.Success && fsharp.Success, CellText(executed, "#!fsharp"));
            Assert.Equal(csharp.Groups[1].Value, fsharp.Groups[1].Value);
        }
        finally
        {
            Directory.Delete(interactive, recursive: true);
            Directory.Delete(ours, recursive: true);
        }
    }

    // The text outputs (streams and text/plain) of the one code cell whose source contains marker.
    private static string CellText(JsonNode notebook, string marker)
    {
        var cell = notebook["cells"]!.AsArray().Single(c => (string?)c!["cell_type"] == "code" &&
            Joined(c["source"]).Contains(marker, StringComparison.Ordinal))!;
        return string.Concat(cell["outputs"]!.AsArray().Select(o => Joined(o!["text"] ?? o["data"]?["text/plain"])));
    }

    // nbformat stores multi-line text as a list of lines or as one string.
    internal static string Joined(JsonNode? text)
        => text is JsonArray lines ? string.Concat(lines.Select(l => (string?)l)) : (string?)text ?? "";

    private async Task Run(string output, params string[] arguments)
    {
        var notebooks = arguments.Where(a => a.EndsWith(".ipynb", StringComparison.Ordinal)).ToList();
        var (exit, stdout, stderr) = await _spec.RunNotebooks(["--out", output, .. arguments]);
        Assert.True(exit == 0, $"{string.Join(", ", notebooks)} failed:\n{stdout}\n{stderr}");
        foreach (var notebook in notebooks)
            Assert.True(File.Exists(Path.Combine(output, notebook)), $"executed {notebook} written");
    }

    /// <summary>The kernelspec installed into a temporary prefix that only these runs see (through JUPYTER_PATH).</summary>
    public sealed class TemporaryKernelSpec : IDisposable
    {
        readonly string _prefix = Directory.CreateTempSubdirectory("phosphene-kernelspec").FullName;
        public string JupyterPath => Path.Combine(_prefix, "share", "jupyter");

        public TemporaryKernelSpec()
        {
            using var install = Process.Start(new ProcessStartInfo("dotnet", [KernelBuild.KernelDll, "install", "--prefix", _prefix])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            })!;
            string log = install.StandardOutput.ReadToEnd() + install.StandardError.ReadToEnd();
            install.WaitForExit();
            if (install.ExitCode != 0) throw new InvalidOperationException($"kernelspec install failed: {log}");
        }

        /// <summary>environment/run_notebooks.py with <paramref name="arguments"/>, seeing only this kernelspec.</summary>
        public Task<(int Exit, string Stdout, string Stderr)> RunNotebooks(string[] arguments)
            => EnvironmentScripts.Run([EnvironmentScripts.Path("run_notebooks.py"), .. arguments], new Dictionary<string, string> { ["JUPYTER_PATH"] = JupyterPath });

        public void Dispose() => Directory.Delete(_prefix, recursive: true);
    }
}
