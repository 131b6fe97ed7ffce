using Phosphene.Models;
using Phosphene.Probing;
using static TorchSharp.torch;

namespace Phosphene.Tests.Probing;

public class LayerProbingTests
{
    // Two classes of images that differ in mean brightness: every layer of a random network separates them.
    static (Tensor Images, Tensor Labels) TwoBrightnessClasses(int count, Generator g)
    {
        var labels = arange(count).remainder(2);
        return (rand(count, 1, 28, 28, generator: g).mul(0.5).add(labels.to(ScalarType.Float32).mul(0.4).view(count, 1, 1, 1)), labels);
    }

    [Fact]
    public void ProbesEveryLayerAndKeepsRefittedProbes()
    {
        using var model = ModelZoo.Create("cnn");
        using var scope = NewDisposeScope();
        using var g = new Generator(3);
        var (images, labels) = TwoBrightnessClasses(80, g);
        var options = new ProbingOptions { Pooling = SpatialPooling.GlobalAverage, Folds = 4, Permutations = 3 };
        using var result = LayerProbing.Run(model, ["features.2", "classifier.1"], images, labels, options);
        Assert.Equal(["features.2", "classifier.1"], result.Layers);
        Assert.True(result.Scores["features.2"] > 0.95, result.ToString());
        Assert.InRange(result.Chance["features.2"], 0.2, 0.8);
        Assert.Equal(4, result.Details["classifier.1"].FoldScores.Count);
        Assert.True(result.Sem["features.2"] >= 0);
        var predicted = result.Predict("features.2", ActivationCapture.Capture(model, ["features.2"], images, SpatialPooling.GlobalAverage)["features.2"]);
        Assert.Equal(labels.shape, predicted.shape);
        // Reuse on new images: the result captures the layer with its own pooling; same answer as the features route.
        var (newImages, labelsNew) = TwoBrightnessClasses(40, g);
        var onNew = result.Predict(model, "features.2", newImages);
        using (var captured = ActivationCapture.Capture(model, ["features.2"], newImages, SpatialPooling.GlobalAverage))
            Assert.True(onNew.equal(result.Predict("features.2", captured["features.2"])).all().item<bool>());
        Assert.True(ProbeMetrics.Accuracy(labelsNew, onNew) > 0.9);
        var e = Assert.Throws<PhospheneException>(() => result.Predict("features.3", images));
        e = Assert.Throws<PhospheneException>(() => result.Predict(model, "features.3", newImages));
        Assert.StartsWith("no refitted probe for layer 'features.3'; did you mean 'features.2'?", e.Message);
        Assert.StartsWith("no refitted probe for layer 'features.3'; did you mean 'features.2'?", e.Message);
    }

    [Fact]
    public void LayersOverTheMemoryBudgetTogetherAreProbedOneAtATimeAndOneTooLargeIsRefused()
    {
        using var model = ModelZoo.Create("cnn");
        using var scope = NewDisposeScope();
        using var g = new Generator(5);
        var (images, labels) = TwoBrightnessClasses(60, g);
        string[] layers = ["features.2", "classifier.1"];
        using var one = ActivationCapture.Capture(model, layers, images.narrow(0, 0, 1), SpatialPooling.Flatten);
        long[] bytes = layers.Select(l => 60 * one[l].shape[1] * 4).ToArray();
        var options = new ProbingOptions { Folds = 3, Probe = new RidgeProbe(), Refit = false };
        using var together = LayerProbing.Run(model, layers, images, labels.to(ScalarType.Float64), options);
        // A budget above each layer but below their sum: one layer at a time, same scores.
        using var oneByOne = LayerProbing.Run(model, layers, images, labels.to(ScalarType.Float64),
                                              options with { MemoryBudget = bytes.Max() + 1 });
        Assert.True(bytes.Sum() > bytes.Max() + 1);
        foreach (var layer in layers)
            Assert.Equal(together.Details[layer].FoldScores, oneByOne.Details[layer].FoldScores);
        // Below the largest layer: refused, with the ways out.
        var e = Assert.Throws<PhospheneException>(() => LayerProbing.Run(model, layers, images, labels.to(ScalarType.Float64),
                                                                          options with { MemoryBudget = 1000 }));
        string big = bytes[0] > 1000 ? "features.2" : "classifier.1";
        long width = one[big].shape[1];
        Assert.Equal($"layer '{big}' gives 60×{width} float32 features ({60 * width * 4 / (double)(1L << 30):F2} GiB), over the memory " +
                     "budget of 0.00 GiB (ProbingOptions.MemoryBudget); reduce it with a PCA in front of the probe (Probe.PcaComponents: " +
                     "the layer is then streamed to a float32 file and reduced from there), pool it (ProbingOptions.Pooling: average or grid), " +
                     "probe fewer inputs, or raise the budget", e.Message);
    }

    [Fact]
    public void ALayerOverTheBudgetWithAPcaIsStreamedThroughAFileAndReducedThere()
    {
        using var model = ModelZoo.Create("cnn");
        using var scope = NewDisposeScope();
        using var g = new Generator(7);
        var (images, labels) = TwoBrightnessClasses(80, g);
        using var one = ActivationCapture.Capture(model, ["features.2", "classifier.1"], images.narrow(0, 0, 1));
        long wide = one["features.2"].shape[1], narrow = one["classifier.1"].shape[1];
        var before = Directory.GetDirectories(Path.GetTempPath(), "phosphene-probe-*").Length;
        // features.2 alone is over the budget (streamed, PCA from the file); classifier.1 fits (captured in memory).
        var options = new ProbingOptions
        {
            Folds = 4, Probe = new LogisticRegressionProbe { C = 1, PcaComponents = 8 }, MemoryBudget = 80 * 4 * (narrow + 1),
        };
        using var result = LayerProbing.Run(model, ["features.2", "classifier.1"], images, labels, options);
        Assert.True(result.Scores["features.2"] > 0.9, result.ToString());
        var streamed = result.Probes["features.2"];
        Assert.Equal(wide, streamed.FeatureCount);
        Assert.Equal(8, streamed.Pca!.Components.shape[0]);
        // The folds' probes saw the 8 components from the file, with no PCA of their own (the in-memory route would
        // give each fold its own PCA of the full-width features).
        Assert.All(result.Details["features.2"].Probes, p => { Assert.Equal(8, p.FeatureCount); Assert.Null(p.Pca); });
        Assert.All(result.Details["classifier.1"].Probes, p => Assert.Equal(narrow, p.FeatureCount));
        // The PCA was fitted on every row of the file: the same as fitting it on the captured features in memory.
        using (var all = ActivationCapture.Capture(model, ["features.2"], images))
        using (var direct = RandomizedPca.Fit(all["features.2"], 8, seed: 0))
            Assert.True(direct.Transform(all["features.2"]).sub(streamed.Pca.Transform(all["features.2"])).abs().max().item<double>() < 1e-3);
        // It predicts on new images at full width, through its PCA.
        var (newImages, labelsNew) = TwoBrightnessClasses(40, g);
        Assert.True(ProbeMetrics.Accuracy(labelsNew, result.Predict(model, "features.2", newImages)) > 0.9);
        Assert.Equal(narrow, result.Probes["classifier.1"].FeatureCount);
        Assert.Equal(before, Directory.GetDirectories(Path.GetTempPath(), "phosphene-probe-*").Length);
    }

    [Fact]
    public void FeaturesGivenDirectlyUseTheFeaturesKey()
    {
        using var scope = NewDisposeScope();
        var (x, y) = LogisticRegressionProbeTests.Blobs(120);
        using var result = LayerProbing.Run(x, y, new ProbingOptions { Folds = 3 });
        Assert.Equal(["features"], result.Layers);
        Assert.Equal(result.Details["features"].FoldScores.Average(), result.Scores["features"], 12);
        Assert.True(double.IsNaN(result.Chance["features"]));
        var e = Assert.Throws<PhospheneException>(() => LayerProbing.Run(x, y.narrow(0, 0, 100)));
        Assert.Equal("features have 120 rows but targets have 100; pass one target per example", e.Message);
    }

    [Fact]
    public void ThreeDpcProbeLearnsAndIsDeterministic()
    {
        using var scope = NewDisposeScope();
        var (x, y) = LogisticRegressionProbeTests.Blobs(300, spread: 0.8);
        var (xt, yt) = LogisticRegressionProbeTests.Blobs(200, spread: 0.8, seed: 0);
        using var a = new ThreeDpcProbe { Seed = 2, MaxEpochs = 40 };
        using var b = new ThreeDpcProbe { Seed = 2, MaxEpochs = 40 };
        a.Fit(x, y);
        b.Fit(x, y);
        Assert.True(a.Score(xt, yt) > 0.85, $"accuracy {a.Score(xt, yt)}");
        Assert.True(a.PredictProbabilities(xt).equal(b.PredictProbabilities(xt)).all().item<bool>());
        Assert.InRange(a.Training.BestEpoch, 1, a.Training.Epochs);
    }

    [Fact]
    public void ModalDifferenceVectorsFindTheLayerThatSeparatesTheClasses()
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(4);
        var labels = arange(100).remainder(2);
        var direction = randn(16, generator: g);
        var separated = randn(100, 16, generator: g).add(labels.to(ScalarType.Float32).unsqueeze(1).mul(direction).mul(0.8));
        var mixed = randn(100, 16, generator: g);
        using var activations = new LayerActivations(["early", "late"],
            new Dictionary<string, Tensor> { ["early"] = mixed.clone(), ["late"] = separated.clone() });
        var result = ModalDifferenceVectors.Analyse(activations, labels, classA: 1, classB: 0, folds: 5);
        Assert.Equal("late", result.BestLayer);
        Assert.True(result.Scores["late"] > 0.9);
        Assert.InRange(result.Scores["early"], 0.3, 0.7);
        // Pairwise accuracy over all pairs is the AUC: a projection that orders A above B perfectly scores 1.
        var projections = tensor(new double[] { 0.1, 0.9, 0.2, 0.8 });
        Assert.Equal(1.0, ModalDifferenceVectors.PairwiseAccuracy(projections, tensor(new long[] { 0, 1, 0, 1 }), 1, 0));
        Assert.Equal(0.5, ModalDifferenceVectors.PairwiseAccuracy(projections, tensor(new long[] { 0, 1, 0, 1 }), 1, 0, [(1, 0), (3, 1)]));
    }

    [Fact]
    public void FoldsAreStratifiedDisjointAndSeeded()
    {
        using var scope = NewDisposeScope();
        var labels = tensor(Enumerable.Range(0, 90).Select(i => (long)(i < 60 ? 0 : i < 80 ? 1 : 2)).ToArray());
        var folds = CrossValidation.StratifiedKFold(labels, 5, seed: 1);
        Assert.Equal(5, folds.Count);
        var l = labels.data<long>().ToArray();
        foreach (var f in folds)
        {
            Assert.Equal(90, f.Train.Length + f.Test.Length);
            Assert.Empty(f.Train.Intersect(f.Test));
            Assert.Equal(12, f.Test.Count(i => l[i] == 0));
            Assert.Equal(4, f.Test.Count(i => l[i] == 1));
            Assert.Equal(2, f.Test.Count(i => l[i] == 2));
        }
        Assert.Equal(90, folds.SelectMany(f => f.Test).Distinct().Count());
        Assert.Equal(folds[0].Test, CrossValidation.StratifiedKFold(labels, 5, seed: 1)[0].Test);
        Assert.NotEqual(folds[0].Test, CrossValidation.StratifiedKFold(labels, 5, seed: 2)[0].Test);
        var e = Assert.Throws<PhospheneException>(() => CrossValidation.KFold(3, 5));
        Assert.Equal("cannot split 3 examples into 5 folds; use at most 3 folds", e.Message);
    }

    [Fact]
    public void StratifiedShuffleSplitsHoldOutTheFractionOfEveryClass()
    {
        using var scope = NewDisposeScope();
        var labels = tensor(Enumerable.Range(0, 90).Select(i => (long)(i < 60 ? 0 : i < 80 ? 1 : 2)).ToArray());
        var l = labels.data<long>().ToArray();
        var splits = CrossValidation.StratifiedShuffleSplit(labels, 6, 0.25, seed: 2);
        Assert.Equal(6, splits.Count);
        foreach (var s in splits)
        {
            Assert.Equal(90, s.Train.Length + s.Test.Length);
            Assert.Empty(s.Train.Intersect(s.Test));
            Assert.Equal(15, s.Test.Count(i => l[i] == 0));   // round(0.25 · 60)
            Assert.Equal(5, s.Test.Count(i => l[i] == 1));    // round(0.25 · 20)
            Assert.Equal(2, s.Test.Count(i => l[i] == 2));    // round(0.25 · 10), banker's rounding
        }
        Assert.NotEqual(splits[0].Test, splits[1].Test);      // independent splits, not a partition
        Assert.Equal(splits[3].Test, CrossValidation.StratifiedShuffleSplit(labels, 6, 0.25, seed: 2)[3].Test);

        // LayerProbing uses them when a test fraction is given: Folds splits, each scored on its held-out quarter.
        var (x, y) = LogisticRegressionProbeTests.Blobs(120);
        var options = new ProbingOptions { Folds = 3, TestFraction = 0.25, Seed = 4 };
        using var result = LayerProbing.Run(x, y, options);
        var expected = CrossValidation.StratifiedShuffleSplit(y, 3, 0.25, 4);
        Assert.Equal(3, result.Details["features"].FoldScores.Count);
        for (int f = 0; f < 3; f++)
        {
            using var fold = new LogisticRegressionProbe().Fit(x.index_select(0, tensor(expected[f].Train)), y.index_select(0, tensor(expected[f].Train)));
            Assert.Equal(fold.Score(x.index_select(0, tensor(expected[f].Test)), y.index_select(0, tensor(expected[f].Test))),
                         result.Details["features"].FoldScores[f], 12);
        }
        var e = Assert.Throws<PhospheneException>(() => CrossValidation.StratifiedShuffleSplit(labels, 2, 1.0));
        Assert.Equal("test fraction 1 is invalid: it must lie strictly between 0 and 1", e.Message);
    }

    [Fact]
    public void BalancedAccuracyMatchesScikitLearn()
    {
        using var scope = NewDisposeScope();
        var truth = tensor(new long[] { 0, 0, 0, 0, 1, 1, 2, 2, 2, 0 });
        var predicted = tensor(new long[] { 0, 1, 0, 0, 1, 0, 2, 1, 2, 0 });
        // recalls: class 0 4/5, class 1 1/2, class 2 2/3
        Assert.Equal((0.8 + 0.5 + 2.0 / 3) / 3, ProbeMetrics.BalancedAccuracy(truth, predicted), 12);
        Assert.Equal(0.7, ProbeMetrics.Accuracy(truth, predicted), 12);
    }
}
