using Microsoft.Data.Analysis;
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
    public void LogisticCDefaultsToAutoAndShuffleSplitsAreAnOption()
    {
        var context = Context();
        var result = Assert.IsType<ProbingResult>(context.Magic("%probe --features X --labels y --folds 2 --test-fraction 0.2 --seed 3"));
        var probe = (LogisticRegressionProbe)result.Probes["features"];
        Assert.Null(probe.C);                                        // --c auto is the default
        Assert.Equal(10, probe.CGridScores.Count);
        Assert.Contains(probe.ChosenC, probe.CGrid);
        Assert.Equal(2, result.Details["features"].FoldScores.Count);
        // Each split holds out round(0.2 · 30) = 6 of each of the 3 classes: accuracies are multiples of 1/18.
        foreach (var score in result.Details["features"].FoldScores) Assert.Equal(0, score * 18 - Math.Round(score * 18), 9);
        var fixedC = Assert.IsType<ProbingResult>(context.Magic("%probe --features X --labels y --folds 2 --c 0.5"));
        Assert.Equal(0.5, ((LogisticRegressionProbe)fixedC.Probes["features"]).ChosenC);
        var e = Assert.Throws<MagicException>(() => context.Magic("%probe --features X --labels y --test-fraction 1.5"));
        Assert.Equal("%probe: option '--test-fraction' must be a number at least 0 and less than 1, got 1.5; give a value in that range", e.Message);
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
        // The chart: one score trace with ±SEM error bars over the layers, and the dashed permutation chance level.
        var html = NotebookFormatter.Format(result)["text/html"]!;
        Assert.Contains("\"error_y\"", html);
        Assert.Contains("chance (label permutations)", html);
        Assert.Contains("\"dash\":\"dash\"", html);
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

    /// <summary>
    /// A population of 8 units reading out the inputs themselves through a model whose layer <c>flat</c> is the
    /// identity, so the layer's features are the generating features and the answer is known.
    /// </summary>
    static (ScriptContext Context, SimulatedPopulation Population, Tensor Features) Population(long n, double snr = 1)
    {
        var context = new ScriptContext();
        using var g = new Generator(11);
        var features = randn(n, 6, generator: g).DetachFromDisposeScope();
        var population = SimulatedPopulation.Generate(features, units: 8, trials: 4, snr: snr, seed: 12);
        context.SetVariable("identity", nn.Sequential(("flat", nn.Flatten()), ("head", nn.Linear(6, 2))));
        context.SetVariable("stimuli", features);
        return (context, population, features);
    }

    static void AssertSame(PredictivityScore expected, PredictivityScore actual)
    {
        Assert.Equal(expected.Raw, actual.Raw, 12);
        Assert.Equal(expected.FoldScores, actual.FoldScores, (a, b) => Math.Abs(a - b) < 1e-12);
        Assert.Equal(expected.PerTarget, actual.PerTarget, (a, b) => Math.Abs(a - b) < 1e-12);
        Assert.Equal(expected.Ceiling?.PerTarget ?? [], actual.Ceiling?.PerTarget ?? [], (a, b) => Math.Abs(a - b) < 1e-12);
    }

    [Fact]
    public void TrialsAxisMovesTheRepeatsLastAndTheCeilingMatchesTheKnownValue()
    {
        var (context, population, features) = Population(2000, snr: 0.5);
        var trials = population.Responses;                                   // N×T×R
        context.SetVariable("last", trials);
        context.SetVariable("first", trials.permute(2, 0, 1).contiguous());  // R×N×T
        context.SetVariable("middle", trials.permute(0, 2, 1).contiguous()); // N×R×T
        const string command = "%probe predictivity --model identity --layers flat --inputs stimuli --folds 4";
        var byDefault = Assert.IsType<PredictivityResult>(context.Magic($"{command} --responses last"));
        var axis0 = Assert.IsType<PredictivityResult>(context.Magic($"{command} --responses first --trials-axis 0"));
        var axis1 = Assert.IsType<PredictivityResult>(context.Magic($"{command} --responses middle --trials-axis 1"));
        var axis2 = Assert.IsType<PredictivityResult>(context.Magic($"{command} --responses last --trials-axis 2"));

        // The same numbers as the typed API on the same features, whichever axis held the trials.
        var direct = NeuralPredictivity.Score(features, trials, folds: CrossValidation.KFold(2000, 4, 0));
        foreach (var result in new[] { byDefault, axis0, axis1, axis2 }) AssertSame(direct, result.Scores["flat"]);
        // The known answer: reliability of the 4-trial mean SNR·R/(SNR·R + 1) = 2/3, and a perfect linear model of the
        // signal correlates with the trial mean at √(2/3).
        Assert.Equal(2.0 / 3, population.AnalyticCeiling, 12);
        Assert.InRange(axis0.Ceiling!.Median, 2.0 / 3 - 0.02, 2.0 / 3 + 0.02);
        Assert.Equal(4, axis0.Ceiling.Trials);
        Assert.Equal(Math.Sqrt(2.0 / 3), axis0.Scores["flat"].Raw, 0.03);
    }

    [Fact]
    public void ResponsesFromWideAndLongDataFrames()
    {
        var (context, population, _) = Population(200);
        var trials = population.Responses;                                   // 200×8×4
        var mean = trials.mean([2]);
        // Wide: one numeric column per unit; a text column of image names is ignored.
        var wide = new DataFrame(new StringDataFrameColumn("image", Enumerable.Range(0, 200).Select(i => $"img{i}")));
        var m = mean.data<float>().ToArray();
        for (int t = 0; t < 8; t++)
            wide.Columns.Add(new PrimitiveDataFrameColumn<double>($"unit{t}", Enumerable.Range(0, 200).Select(i => (double)m[i * 8 + t])));
        // Long: one row per (stimulus, target, trial), in a shuffled order (the indices, not the order, place each value).
        var r = trials.data<float>().ToArray();
        var order = Enumerable.Range(0, r.Length).ToArray();
        new Random(3).Shuffle(order);
        var cells = order.Select(c => (Stimulus: c / 32, Target: c / 4 % 8, Trial: c % 4, Response: (double)r[c])).ToArray();
        var longFrame = new DataFrame(
            new PrimitiveDataFrameColumn<int>("Stimulus", cells.Select(c => c.Stimulus)),
            new PrimitiveDataFrameColumn<int>("target", cells.Select(c => c.Target)),
            new PrimitiveDataFrameColumn<int>("trial", cells.Select(c => c.Trial)),
            new PrimitiveDataFrameColumn<double>("response", cells.Select(c => c.Response)));
        context.SetVariable("wide", wide);
        context.SetVariable("longTable", longFrame);
        context.SetVariable("mean", mean);
        context.SetVariable("trials", trials);
        const string command = "%probe predictivity --model identity --layers flat,head --inputs stimuli --folds 4 --responses";

        var fromWide = Assert.IsType<PredictivityResult>(context.Magic($"{command} wide"));
        var fromMean = Assert.IsType<PredictivityResult>(context.Magic($"{command} mean"));
        Assert.Null(fromWide.Ceiling);
        foreach (var layer in new[] { "flat", "head" }) AssertSame(fromMean.Scores[layer], fromWide.Scores[layer]);
        Assert.Equal(8, fromWide.Scores["flat"].PerTarget.Count);

        var fromLong = Assert.IsType<PredictivityResult>(context.Magic($"{command} longTable"));
        var fromTensor = Assert.IsType<PredictivityResult>(context.Magic($"{command} trials"));
        Assert.NotNull(fromLong.Ceiling);
        foreach (var layer in new[] { "flat", "head" }) AssertSame(fromTensor.Scores[layer], fromLong.Scores[layer]);
        Assert.Equal(NoiseCeiling.Compute(trials).PerTarget, fromLong.Ceiling!.PerTarget, (a, b) => Math.Abs(a - b) < 1e-12);
    }

    [Fact]
    public void ResponsesThatDoNotFitAreExactErrors()
    {
        var (context, population, _) = Population(200);
        var trials = population.Responses;                                   // 200×8×4
        context.SetVariable("first", trials.permute(2, 0, 1).contiguous());  // 4×200×8
        context.SetVariable("trials", trials);
        context.SetVariable("fewRows", new DataFrame(Enumerable.Range(0, 3).Select(t =>
            (DataFrameColumn)new PrimitiveDataFrameColumn<double>($"unit{t}", Enumerable.Range(0, 150).Select(i => (double)i)))));
        var cells = Enumerable.Range(0, 200 * 8 * 4 - 1).ToArray();          // the last cell is missing
        context.SetVariable("gappy", new DataFrame(
            new PrimitiveDataFrameColumn<int>("stimulus", cells.Select(c => c / 32)),
            new PrimitiveDataFrameColumn<int>("target", cells.Select(c => c / 4 % 8)),
            new PrimitiveDataFrameColumn<int>("trial", cells.Select(c => c % 4)),
            new PrimitiveDataFrameColumn<double>("response", cells.Select(c => (double)c))));
        const string command = "%probe predictivity --model identity --layers flat --inputs stimuli --responses";

        var e = Assert.Throws<MagicException>(() => context.Magic($"{command} first"));
        Assert.Equal("%probe predictivity: '--responses' has 4 rows but '--inputs' has 200 stimuli; pass one response row per stimulus, " +
                     "in the same order (the responses [4, 200, 8] are read as stimuli × targets × trials with trials on axis 2; " +
                     "did you mean '--trials-axis 0'?)", e.Message);
        e = Assert.Throws<MagicException>(() => context.Magic($"{command} trials --trials-axis 3"));
        Assert.Equal("%probe predictivity: option '--trials-axis' must be a whole number from 0 to 2, got 3; give a value in that range, or auto", e.Message);
        e = Assert.Throws<MagicException>(() => context.Magic($"{command} fewRows"));
        Assert.Equal("%probe predictivity: '--responses' has 150 rows but '--inputs' has 200 stimuli; pass one response row per stimulus, in the same order", e.Message);
        e = Assert.Throws<MagicException>(() => context.Magic($"{command} fewRows --trials-axis 0"));
        Assert.Equal("%probe predictivity: option '--trials-axis' applies to 3-D responses (N×T×R tensors), but '--responses' is a wide " +
                     "DataFrame (one column per target); remove it", e.Message);
        e = Assert.Throws<MagicException>(() => context.Magic($"{command} gappy"));
        Assert.Equal("%probe predictivity: option '--responses': the DataFrame: 6399 rows do not fill 200 stimuli × 8 targets × 4 trials = 6400 cells; " +
                     "every stimulus needs every target on every trial, once", e.Message);
    }

    [Fact]
    public void BadOptionsNameTheOptionAndTheFix()
    {
        var context = Context();
        var e = Assert.Throws<MagicException>(() => context.Magic("%probe --features X --labels y --probe logistc"));
        Assert.Contains("did you mean 'logistic'", e.Message);
        e = Assert.Throws<MagicException>(() => context.Magic("%probe --features X --labels y --c often"));
        Assert.Equal("%probe: option '--c' expects auto or a number greater than 0, but 'often' is not a session variable", e.Message);
        context.SetVariable("mean", 3.0);                             // a variable does not shadow the pooling word 'mean'
        Assert.IsType<ProbingResult>(context.Magic("%probe --features X --labels y --folds 2 --pool mean"));
        e = Assert.Throws<MagicException>(() => context.Magic("%probe --features X --labels y --pool flaten"));
        Assert.Equal("%probe: option '--pool': unknown pooling 'flaten'; did you mean 'flatten'? (poolings: flatten, avg, grid:k)", e.Message);
        e = Assert.Throws<MagicException>(() => context.Magic("%probe --model net --inputs images --labels labels"));
        Assert.StartsWith("%probe: option '--layers' is required, e.g. --layers features,features.0,features.1", e.Message);
        var unknown = Assert.ThrowsAny<PhospheneException>(() => context.Magic("%probe --model net --layers feature.2 --inputs images --labels labels"));
        Assert.StartsWith("%probe: unknown layer 'feature.2'; did you mean 'features.2'?", unknown.Message);
        var mismatch = Assert.ThrowsAny<PhospheneException>(() => context.Magic("%probe --features X --labels labels"));
        Assert.Equal("%probe: features have 90 rows but targets have 40; pass one target per example", mismatch.Message);
        e = Assert.Throws<MagicException>(() => context.Magic("%probe similarity --model net --layers features.2 --inputs images --labels labels"));
        Assert.Equal("%probe similarity has no option '--labels': it belongs to %probe without a subcommand (see %probe similarity --help)", e.Message);
        e = Assert.Throws<MagicException>(() => context.Magic("%probe --features X --labels y --memory-gib 0"));
        Assert.Equal("%probe: option '--memory-gib' must be a number greater than 0, got 0; give a value in that range", e.Message);
        var budget = Assert.ThrowsAny<PhospheneException>(() => context.Magic(
            "%probe --model net --layers features.2 --inputs images --labels labels --memory-gib 0.000001"));
        Assert.StartsWith("%probe: layer 'features.2' gives 40×", budget.Message);
        Assert.Contains("over the memory budget of 0.00 GiB (ProbingOptions.MemoryBudget); reduce it with a PCA in front of the probe (Probe.PcaComponents", budget.Message);
        // With --pca the same layer is streamed through a file and reduced there.
        var streamed = Assert.IsType<ProbingResult>(context.Magic(
            "%probe --model net --layers features.2 --inputs images --labels labels --pca 4 --c 1 --folds 2 --memory-gib 0.000001"));
        Assert.All(streamed.Details["features.2"].Probes, p => Assert.Equal(4, p.FeatureCount));
    }

    [Fact]
    public void HelpListsTheDeclaredOptions()
    {
        var usage = MagicRegistry.Default.Usage("probe").Text;
        foreach (var option in new[] { "--model", "--layers", "--inputs", "--labels", "--probe", "--pool", "--folds", "--c", "--permutations", "--seed", "similarity", "predictivity",
                                        "--test-fraction", "--pca", "--as" })
            Assert.Contains(option, usage);
        // The subcommands' own options are listed too.
        foreach (var option in new[] { "--other", "--other-layers", "--data", "--measure", "--responses", "--trials-axis", "--mapping" })
            Assert.Contains(option, usage);
    }
}
