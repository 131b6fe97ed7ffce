using Phosphene.Models;
using Phosphene.Notebook.Display;
using Phosphene.Notebook.Magics;
using Phosphene.Probing;
using static TorchSharp.torch;

namespace Phosphene.Notebook.Tests.Magics;

public class ProbeMagicTests
{
    static ScriptContext Context()
    {
        var context = new ScriptContext();
        using var g = new Generator(1);
        var centres = randn(3, 12, generator: g).mul(2);
        var y = arange(90).remainder(3);
        var x = centres.index_select(0, y).add(randn(90, 12, generator: g));
        context.SetVariable("X", x.DetachFromDisposeScope());
        context.SetVariable("y", y.DetachFromDisposeScope());
        context.SetVariable("net", ModelZoo.Create("cnn"));
        var labels = arange(40).remainder(2);
        context.SetVariable("images", rand(40, 1, 28, 28, generator: g).mul(0.5).add(labels.to(ScalarType.Float32).mul(0.4).view(40, 1, 1, 1)).DetachFromDisposeScope());
        context.SetVariable("labels", labels.DetachFromDisposeScope());
        return context;
    }

    [Fact]
    public void ProbesGivenFeaturesUnderTheFeaturesKey()
    {
        var context = Context();
        var result = Assert.IsType<ProbingResult>(context.Magic("%probe --features X --labels y --folds 3 --c auto --as probes"));
        Assert.Equal(["features"], result.Layers);
        Assert.True(result.Scores["features"] > 0.9);
        Assert.True(result.Sem["features"] >= 0);
        Assert.Contains(((LogisticRegressionProbe)result.Probes["features"]).ChosenC, new LogisticRegressionProbe().CGrid);
        Assert.True(context.TryGetVariable("probes", out var bound));
        Assert.Same(result, bound);
        var html = NotebookFormatter.Format(result)["text/html"]!;
        Assert.Contains("phosphene-plotly", html);
        Assert.Contains("phosphene-dataframe", html);
    }

    [Fact]
    public void ProbesLayersOfAModelWithPoolingAndChance()
    {
        var context = Context();
        var result = Assert.IsType<ProbingResult>(context.Magic(
            "%probe --model net --layers features.2,classifier.1 --inputs images --labels labels --pool avg --folds 4 --permutations 2 --probe ridge --alpha 1"));
        Assert.Equal(["features.2", "classifier.1"], result.Layers);
        Assert.Equal("ridge", result.ProbeName);
        Assert.Equal(ProbeMetric.R2, result.Metric);
        Assert.True(double.IsFinite(result.Chance["classifier.1"]));
        Assert.Equal(1.0, ((RidgeProbe)result.Probes["features.2"]).ChosenAlpha);
        var table = ProbingFormatter.Table(result);
        Assert.Equal(2, table.Rows.Count);
        Assert.Equal(result.Scores["classifier.1"], (double)table["R²"][1]!);
    }

    [Fact]
    public void SimilarityAndPredictivitySubcommands()
    {
        var context = Context();
        var matrix = Assert.IsType<SimilarityMatrix>(context.Magic(
            "%probe similarity --model net --layers features.2,features.6 --inputs images --pool avg --measure cka"));
        Assert.Equal(1.0, matrix["features.2", "features.2"], 9);
        Assert.Equal(matrix["features.2", "features.6"], matrix["features.6", "features.2"], 9);
        Assert.Contains("heatmap", NotebookFormatter.Format(matrix)["text/html"]!);

        context.Run("var population = Phosphene.Probing.SimulatedPopulation.Generate(torch.randn(40, 8), units: 10, trials: 4, snr: 2);");
        var predictivity = Assert.IsType<PredictivityResult>(context.Magic(
            "%probe predictivity --model net --layers features.6,classifier.1 --inputs images --pool avg --responses {population.Responses} --folds 4"));
        Assert.Equal(["features.6", "classifier.1"], predictivity.Layers);
        Assert.NotNull(predictivity.Ceiling);
        Assert.Equal(4, predictivity.Scores["features.6"].FoldScores.Count);
    }

    [Fact]
    public void BadOptionsNameTheOptionAndTheFix()
    {
        var context = Context();
        var e = Assert.Throws<MagicException>(() => context.Magic("%probe --features X --labels y --probe logistc"));
        Assert.Contains("did you mean 'logistic'", e.Message);
        e = Assert.Throws<MagicException>(() => context.Magic("%probe --features X --labels y --c often"));
        Assert.Equal("%probe: option '--c' must be 'auto' or a positive number, got 'often'", e.Message);
        e = Assert.Throws<MagicException>(() => context.Magic("%probe --features X --labels y --pool flaten"));
        Assert.Equal("%probe: option '--pool': unknown pooling 'flaten'; did you mean 'flatten'? (poolings: flatten, avg, grid:k)", e.Message);
        e = Assert.Throws<MagicException>(() => context.Magic("%probe --model net --inputs images --labels labels"));
        Assert.StartsWith("%probe: option '--layers' is required, e.g. --layers features,features.0,features.1", e.Message);
        var unknown = Assert.ThrowsAny<PhospheneException>(() => context.Magic("%probe --model net --layers feature.2 --inputs images --labels labels"));
        Assert.StartsWith("unknown layer 'feature.2'; did you mean 'features.2'?", unknown.Message);
        var mismatch = Assert.ThrowsAny<PhospheneException>(() => context.Magic("%probe --features X --labels labels"));
        Assert.Equal("features have 90 rows but targets have 40; pass one target per example", mismatch.Message);
        e = Assert.Throws<MagicException>(() => context.Magic("%probe similarity --model net --layers features.2 --inputs images --labels labels"));
        Assert.Equal("%probe similarity: option '--labels' applies to %probe without a subcommand; remove it", e.Message);
    }

    [Fact]
    public void HelpListsTheDeclaredOptions()
    {
        var usage = MagicRegistry.Default.Usage("probe").Text;
        foreach (var option in new[] { "--model", "--layers", "--inputs", "--labels", "--probe", "--pool", "--folds", "--c", "--permutations", "--seed", "similarity", "predictivity" })
            Assert.Contains(option, usage);
    }
}
