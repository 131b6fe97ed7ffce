using Phosphene.Notebook.Display;
using Phosphene.Notebook.Magics;
using Phosphene.Notebook.Magics.Builtins;
using TorchSharp;

namespace Phosphene.Notebook.Tests.Magics;

public class MagicParsingTests
{
    private static ScriptContext Context()
    {
        var registry = new MagicRegistry();
        registry.Register(new SampleMagic());
        return new ScriptContext(registry);
    }

    private static SampleResult Sample(ScriptContext context, string line) => Assert.IsType<SampleResult>(context.Magic(line));

    [Fact]
    public void ModuloContinuationLinesStayCSharp()
    {
        var cell = "var n = 3;\nvar r = 10\n    % n;\nvar q = 10\n%n;\nr + q";
        var segment = Assert.Single(MagicCell.Split(cell));
        Assert.Equal(CellSegmentKind.Code, segment.Kind);
        Assert.False(MagicCell.HasMagic(cell));
        Assert.True(MagicCell.HasMagic("var n = 3;\n%who"));
        Assert.True(MagicCell.HasMagic("%%html\n<b>x</b>"));
    }

    [Fact]
    public void MagicLinesAndCodeRunInOrderWithTheirCellLines()
    {
        var segments = MagicCell.Split("var a = 1;\n%time a + 1\n// note\nvar b = 2;\n  %who\n");
        Assert.Equal([CellSegmentKind.Code, CellSegmentKind.LineMagic, CellSegmentKind.Code, CellSegmentKind.LineMagic], segments.Select(s => s.Kind));
        Assert.Equal([0, 1, 2, 4], segments.Select(s => s.FirstLine));
        Assert.Equal("%time a + 1", segments[1].Text);
        Assert.Equal("%who", segments[3].Text);
    }

    [Fact]
    public void MagicNameAtTheCursorLine()
    {
        const string cell = "var x = 10\n%who\nvar y = 1;\n  %timeit y";
        Assert.Null(MagicCell.MagicNameAt(cell, 12));
        Assert.Equal("timeit", MagicCell.MagicNameAt(cell, cell.Length));
        Assert.Equal("html", MagicCell.MagicNameAt("%%html\n<b>", 3));
    }

    [Fact]
    public void MagicLineInsideABlockIsMarked()
    {
        var segments = MagicCell.Split("for (var i = 0; i < 3; i++)\n{\n    var s = \"{\";\n    %time i * 2\n}\n%who");
        Assert.True(segments.Single(s => s.Text == "%time i * 2").InsideBlock);
        Assert.False(segments.Single(s => s.Text == "%who").InsideBlock);
    }

    [Fact]
    public void CellMagicTakesTheRestOfTheCell()
    {
        var segment = Assert.Single(MagicCell.Split("\n%%html\n<b>x</b>\n<i>y</i>"));
        Assert.Equal(CellSegmentKind.CellMagic, segment.Kind);
        Assert.Equal("%%html", segment.Text);
        Assert.Equal("<b>x</b>\n<i>y</i>", segment.Body);
    }

    [Fact]
    public void UnknownMagicSuggestsTheClosestName()
    {
        var error = Assert.Throws<MagicException>(() => Context().Magic("%timit 1 + 1"));
        Assert.Equal("unknown magic '%timit'; did you mean '%timeit'? (%lsmagic lists the magics)", error.Message);
    }

    [Fact]
    public void UnknownOptionSuggestsTheClosestOption()
    {
        var error = Assert.Throws<MagicException>(() => Context().Magic("%sample fit --bach-size 3"));
        Assert.Equal("%sample fit has no option '--bach-size'; did you mean '--batch-size'? (see %sample fit --help)", error.Message);
    }

    [Fact]
    public void OptionOfAnotherSubcommandSaysWhereItBelongs()
    {
        var error = Assert.Throws<MagicException>(() => Context().Magic("%sample --lr 0.1"));
        Assert.StartsWith("%sample needs a subcommand: fit, score", error.Message);
        error = Assert.Throws<MagicException>(() => Context().Magic("%sample score --lr 0.1 --input {torch.ones(1)}"));
        Assert.Equal("%sample score has no option '--lr': it belongs to %sample fit (see %sample score --help)", error.Message);
    }

    [Fact]
    public void UnknownSubcommandSuggestsTheClosest()
    {
        var error = Assert.Throws<MagicException>(() => Context().Magic("%sample fitt"));
        Assert.Equal("%sample has no subcommand 'fitt'; did you mean 'fit'? (subcommands: fit, score)", error.Message);
    }

    [Fact]
    public void ValuesOfTheWrongTypeSayWhatIsExpected()
    {
        var context = Context();
        Assert.Equal("%sample fit: option '--batch-size' expects an int, got 2.5",
            Assert.Throws<MagicException>(() => context.Magic("%sample fit --batch-size 2.5")).Message);
        Assert.Equal("%sample fit: option '--batch-size' must be a whole number from -2147483648 to 2147483647, got 3000000000; give a value in that range",
            Assert.Throws<MagicException>(() => context.Magic("%sample fit --batch-size 3000000000")).Message);
        Assert.Equal("%sample fit: option '--batch-size' expects an int, but 'abc' is not a session variable",
            Assert.Throws<MagicException>(() => context.Magic("%sample fit --batch-size abc")).Message);
        Assert.Equal("%sample fit: option '--method' accepts 'sobol', 'saliency', 'rise', not 'sobl'; did you mean 'sobol'?",
            Assert.Throws<MagicException>(() => context.Magic("%sample fit --method sobl")).Message);
        Assert.Equal("%sample fit: option '--palette' accepts 'red-blue', 'viridis', not 'red-bleu'; did you mean 'red-blue'?",
            Assert.Throws<MagicException>(() => context.Magic("%sample fit --palette red-bleu")).Message);
        Assert.Equal("%sample fit: option '--steps' expects a range start:stop or start:stop:step of numbers (stop excluded), got '0:x'",
            Assert.Throws<MagicException>(() => context.Magic("%sample fit --steps 0:x")).Message);
        Assert.Equal("%sample fit: option '--batch-size' needs a value (int): Examples per batch.",
            Assert.Throws<MagicException>(() => context.Magic("%sample fit --batch-size")).Message);
        Assert.Equal("%sample score needs --input tensor: Images N×C×H×W.",
            Assert.Throws<MagicException>(() => context.Magic("%sample score")).Message);
    }

    [Fact]
    public void RangesListsBracesQuotesVariablesAndFlagsConvertToTheDeclaredTypes()
    {
        var context = Context();
        context.Run("var bs = 64; var images = torch.ones(4, 1, 2, 2); var layerList = new List<int> { 7, 8 };");
        var fit = Sample(context, "%sample fit --batch-size bs --lr 1e-2 --steps 0:10:2 --layers 1,2,3 --palette red-blue --title \"a b  c\" --names x,'y z' --verbose");
        Assert.Equal("fit", fit.Subcommand);
        Assert.Equal(64, fit.Values["batch-size"]);
        Assert.Equal(0.01, fit.Values["lr"]);
        Assert.Equal(new MagicRange(0, 10, 2), fit.Values["steps"]);
        Assert.Equal([0.0, 2, 4, 6, 8], ((MagicRange)fit.Values["steps"]!).Values());
        Assert.Equal([1, 2, 3], (IReadOnlyList<int>)fit.Values["layers"]!);
        Assert.Equal(Palette.RedBlue, fit.Values["palette"]);
        Assert.Equal("a b  c", fit.Values["title"]);
        Assert.Equal(["x", "y z"], (IReadOnlyList<string>)fit.Values["names"]!);
        Assert.Equal(true, fit.Values["verbose"]);

        var ranged = Sample(context, "%sample fit --layers 0:6:2 --batch-size {bs / 2 + 1}");
        Assert.Equal([0, 2, 4], (IReadOnlyList<int>)ranged.Values["layers"]!);
        Assert.Equal(33, ranged.Values["batch-size"]);
        Assert.Equal([7, 8], (IReadOnlyList<int>)Sample(context, "%sample fit --layers {layerList}").Values["layers"]!);

        var score = Sample(context, "%sample score --input {images[..2]}");
        Assert.Equal([2L, 1, 2, 2], ((torch.Tensor)score.Values["input"]!).shape);
        Assert.Same(context.Variables.Single(v => v.Name == "images").Value, Sample(context, "%sample score --input images").Values["input"]);
    }

    [Fact]
    public void DefaultsFillOptionsThatAreNotGiven()
    {
        var fit = Sample(Context(), "%sample fit");
        Assert.Equal(32, fit.Values["batch-size"]);
        Assert.Equal("sobol", fit.Values["method"]);
        Assert.Equal(false, fit.Values["verbose"]);
        Assert.Equal([1], (IReadOnlyList<int>)fit.Values["layers"]!);
    }

    [Fact]
    public void TensorOptionRejectsAVariableOfAnotherType()
    {
        var context = Context();
        context.Run("var label = \"cat\";");
        var error = Assert.Throws<MagicException>(() => context.Magic("%sample score --input label"));
        Assert.Equal("%sample score: option '--input' expects a tensor (dense, on the CPU) or a number array, got a String (cat)", error.Message);
        error = Assert.Throws<MagicException>(() => context.Magic("%sample score --input {missing[0]}"));
        Assert.StartsWith("%sample score: option '--input': the expression {missing[0]} failed: (1,1): error CS0103: The name 'missing' does not exist", error.Message);
    }

    [Fact]
    public void ObjectOptionNamesAVariableOrTakesALiteral()
    {
        var registry = new MagicRegistry();
        registry.Register(new EchoMagic());
        var context = new ScriptContext(registry);
        context.Run("var network = new List<int> { 1 };");
        Assert.Same(context.Variables.Single(v => v.Name == "network").Value, context.Magic("%echo --value network"));
        Assert.Equal(2.5, context.Magic("%echo --value 2.5"));
        Assert.Equal("netwrk", context.Magic("%echo --value \"netwrk\""));
        // A word that is no variable is the word itself (for options such as --topology all | {matrix}).
        Assert.Equal("all", context.Magic("%echo --value all"));
    }

    private sealed class EchoMagic : Magic
    {
        public override string Name => "echo";
        public override string Summary => "Returns its value.";
        protected override void Declare(MagicDeclaration declaration) => declaration.Required<object>("value", "Anything.");
        public override object? Run(MagicInvocation invocation, IMagicContext context) => invocation.Get<object>("value");
    }

    [Fact]
    public void HelpIsGeneratedFromTheDeclaration()
    {
        var context = Context();
        var help = Assert.IsType<MagicUsage>(context.Magic("%sample --help")).Text;
        Assert.Equal(help, Assert.IsType<MagicUsage>(context.Magic("%sample?")).Text);
        Assert.Equal(help, Assert.IsType<MagicUsage>(context.Magic("%sample fitt --batch-size x --help")).Text);
        Assert.IsType<MagicUsage>(context.Magic("%timeit --runs 3 --help"));
        Assert.IsType<TimeitResult>(context.Magic("%timeit --runs 1 --loops 1 \"--help\".Length"));
        Assert.StartsWith("%sample <subcommand> [--option value | --flag] …\n\nA magic with every kind of option, for tests.\n", help.ReplaceLineEndings("\n"));
        Assert.Contains("  fit                     Fit something.", help);
        Assert.Contains("Options of 'fit':\n  --batch-size int        Examples per batch. (default 32)\n  --lr number             Learning rate. (default 0.001)", help.ReplaceLineEndings("\n"));
        Assert.Contains("  --method sobol|saliency|rise\n                          Which estimator. (default \"sobol\")", help.ReplaceLineEndings("\n"));
        Assert.Contains("  --steps start:stop[:step]", help);
        Assert.Contains("  --palette red-blue|viridis", help);
        Assert.Contains("  --input tensor          Images N×C×H×W. (required)", help);
        Assert.Contains("\n  tensor                  a tensor (dense, on the CPU) or a number array", help.ReplaceLineEndings("\n"));
        Assert.Contains("  --verbose               Say more.", help);
        Assert.Contains("  --as name               Bind the result to a session variable (the last result is also _).", help);
    }

    [Fact]
    public void AsBindsTheResultAndUnderscoreHoldsTheLast()
    {
        var context = Context();
        var result = Sample(context, "%sample fit --batch-size 8 --as fitted");
        Assert.True(context.TryGetVariable("fitted", out var bound));
        Assert.Same(result, bound);
        Assert.Equal(8, context.Evaluate("fitted.BatchSize"));
        Assert.True(context.TryGetVariable("_", out var last));
        Assert.Same(result, last);
        var second = context.Magic("%timeit --runs 1 --loops 1 1 + 1");
        Assert.Same(second, context.Evaluate("_"));
        Assert.Equal("%sample: --as needs a C# variable name, e.g. --as result; '2x' is not one",
            Assert.Throws<MagicException>(() => context.Magic("%sample fit --as 2x")).Message);
    }

    [Fact]
    public void AMagicErrorLeavesTheSessionIntact()
    {
        var context = Context();
        context.Run("var kept = 41;");
        Assert.Throws<MagicException>(() => context.Magic("%sample fit --batch-size nope"));
        Assert.Throws<MagicException>(() => context.Magic("%nosuchmagic"));
        Assert.Equal(42, context.Evaluate("kept + 1"));
    }

    [Fact]
    public void LineAndCellModesAreChecked()
    {
        var context = Context();
        Assert.Equal("%%html is a cell magic: write %%html as the first line of the cell, with the body below it",
            Assert.Throws<MagicException>(() => context.Magic("%html <b>x</b>")).Message);
        Assert.Equal("%who is a line magic, not a cell magic: write %who with a single %",
            Assert.Throws<MagicException>(() => context.Magic("%%who", "")).Message);
    }

    [Fact]
    public void TimeitReportsMeanAndStdOverRunsOfLoops()
    {
        var context = Context();
        context.Run("var counter = 0;");
        var result = Assert.IsType<TimeitResult>(context.Magic("%timeit --runs 3 --loops 50 counter++"));
        Assert.Equal(3, result.Runs);
        Assert.Equal(50, result.Loops);
        Assert.Equal(3, result.PerLoopSeconds.Count);
        Assert.Equal(150, context.Evaluate("counter"));
        Assert.InRange(result.Mean, result.Best, result.Worst);
        Assert.Matches(@"^\d+(\.\d+)? (ns|µs|ms|s) ± \d+(\.\d+)? (ns|µs|ms|s) per loop \(mean ± std\. dev\. of 3 runs, 50 loops each\)$", result.ToString());

        // Statements time too; automatic loops grow by powers of ten until a run takes 0.2 s.
        var auto = Assert.IsType<TimeitResult>(context.Magic("%timeit --runs 1 System.Threading.Thread.Sleep(30);"));
        Assert.Equal(10, auto.Loops);
        Assert.InRange(auto.Mean, 0.025, 0.2);
        Assert.EndsWith("(mean ± std. dev. of 1 run, 1 loop each)", new TimeitResult(1, 1, [0.5]).ToString());
    }

    [Fact]
    public void TimeRunsInTheSessionPrintsTimesAndReturnsTheValue()
    {
        var context = Context();
        Assert.Null(context.Magic("%time var timed = 6 * 7;"));
        Assert.Equal(42, context.Evaluate("timed"));
        Assert.Equal(43, context.Magic("%time timed + 1"));
        Assert.Equal(44, context.Magic("%%time", "var more = timed + 2;\nmore"));
        var lines = context.Output.ToString().ReplaceLineEndings("\n").Split('\n');
        Assert.Matches(@"^CPU times: user .+, sys: .+, total: .+$", lines[0]);
        Assert.Matches(@"^Wall time: \d+(\.\d+)? (ns|µs|ms|s)$", lines[1]);
        Assert.Equal("%time needs code after the options, e.g. %time Math.Sqrt(2)", Assert.Throws<MagicException>(() => context.Magic("%time")).Message);
    }

    [Fact]
    public void WhoAndWhosListTheSessionVariables()
    {
        var context = Context();
        context.Run("var count = 3; var picture = torch.zeros(3, 8, 8); var name = \"x\";");
        Assert.Equal("count\tpicture\tname", context.Magic("%who")!.ToString());
        Assert.Equal("picture", context.Magic("%who Tensor")!.ToString());
        var whos = Assert.IsType<VariableListing>(context.Magic("%whos"));
        Assert.Equal(("picture", "Tensor", "Tensor [3, 8, 8] float32 cpu"), whos.Rows[1]);
        Assert.Contains("<td><code>count</code></td><td>int</td><td>3</td>", whos.ToHtml());
        Assert.Equal("no variable has type 'Tensr'; did you mean 'Tensor'?", Assert.Throws<MagicException>(() => context.Magic("%who Tensr")).Message);
    }

    [Fact]
    public void EnvSetsShowsAndSuggests()
    {
        var context = Context();
        Assert.Null(context.Magic("%env PHOSPHENE_TEST_VALUE=hello world"));
        Assert.Equal("hello world", Environment.GetEnvironmentVariable("PHOSPHENE_TEST_VALUE"));
        Assert.Equal("hello world", context.Magic("%env PHOSPHENE_TEST_VALUE"));
        Assert.Contains("PHOSPHENE_TEST_VALUE=hello world", context.Magic("%env")!.ToString());
        Assert.StartsWith("%env: no environment variable 'PHOSPHENE_TEST_VALU'; did you mean 'PHOSPHENE_TEST_VALUE'?",
            Assert.Throws<MagicException>(() => context.Magic("%env PHOSPHENE_TEST_VALU")).Message);
    }

    [Fact]
    public void CellMagicsWrapTheirBodies()
    {
        var context = Context();
        Assert.Equal(new HtmlContent("<b>bold</b>"), context.Magic("%%html", "<b>bold</b>"));
        Assert.Equal(new JavaScriptContent("console.log(1)"), context.Magic("%%javascript", "console.log(1)"));
        Assert.Equal(new MarkdownContent("# Title"), context.Magic("%%markdown", "# Title"));
        var list = Assert.IsType<MagicList>(context.Magic("%lsmagic"));
        Assert.Contains(("%%html", "Render the cell as HTML."), list.CellMagics);
        Assert.Contains(list.LineMagics, m => m.Name == "%timeit");
    }

    [Fact]
    public void CompletionCoversNamesSubcommandsOptionsAndChoices()
    {
        var registry = Context().Registry;
        var names = MagicCompleter.Complete(registry, "%tim", 4)!;
        Assert.Equal((1, 4), (names.Start, names.End));
        Assert.Equal(["time", "timeit"], names.Matches);
        Assert.Equal(["html", "javascript", "markdown", "time", "timeit"], MagicCompleter.Complete(registry, "%%", 2)!.Matches);
        var options = MagicCompleter.Complete(registry, "%sample fit --ba", 16)!;
        Assert.Equal((12, 16), (options.Start, options.End));
        Assert.Equal(["--batch-size"], options.Matches);
        Assert.Equal(["fit", "score"], MagicCompleter.Complete(registry, "%sample ", 8)!.Matches);
        Assert.Equal(["saliency", "sobol"], MagicCompleter.Complete(registry, "%sample fit --method s", 22)!.Matches.Order());
        Assert.Null(MagicCompleter.Complete(registry, "var x = 10\n%ti", 14));
        Assert.Equal(["timeit"], MagicCompleter.Complete(registry, "var x = 10;\n%timei", 18)!.Matches);
        Assert.Null(MagicCompleter.Complete(registry, "Console.Wr", 10));
    }

    [Fact]
    public void EveryMagicOfTheAssemblyRegistersAndHasUsage()
    {
        var registry = MagicRegistry.Default;
        Assert.Empty(registry.LoadErrors);
        Assert.Empty(NotebookFormatter.RegistrationErrors);
        foreach (var magic in registry.Magics)
        {
            var usage = registry.Usage(magic.Name).Text;
            Assert.Contains(magic.Summary, usage);
            Assert.All(magic.Declaration.Options.Concat(magic.Declaration.Subcommands.SelectMany(s => s.Options)), o => Assert.Contains(o.Name, usage));
        }
        Assert.Contains(registry.Magics, m => m.Name == "timeit");
    }

    [Fact]
    public void RegistryRejectsDuplicateAndMalformedNames()
    {
        var registry = new MagicRegistry();
        Assert.Equal("a magic named '%timeit' is already registered (Phosphene.Notebook.Magics.Builtins.TimeitMagic) (Parameter 'magic')",
            Assert.Throws<ArgumentException>(() => registry.Register(new TimeitMagic())).Message);
        Assert.Contains(registry.Magics, m => m.Name == "lsmagic");
    }
}
