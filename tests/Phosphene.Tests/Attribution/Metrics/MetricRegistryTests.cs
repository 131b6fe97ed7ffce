using Phosphene.Attribution.Metrics;
using static TorchSharp.torch;

namespace Phosphene.Tests.Attribution.Metrics;

public class MetricRegistryTests
{
    [Fact]
    public void EveryNameCreatesItsMetricWithItsDirection()
    {
        Assert.Equal(["deletion", "insertion", "mu-fidelity", "average-drop", "average-increase", "average-gain", "stability",
                      "randomisation", "random-logit", "complexity", "sparseness", "mege", "reco"], AttributionMetrics.Names);
        foreach (var entry in AttributionMetrics.Entries.Where(e => e.Name is not ("mege" or "reco")))
        {
            var metric = AttributionMetrics.Create(entry.Name, new MetricSettings { BatchSize = 9, Seed = 3 });
            Assert.Equal(entry.Name, metric.Name);
            Assert.Equal(entry.HigherIsBetter, metric.HigherIsBetter);
            Assert.Equal(entry.RequiresExplainer, metric.RequiresExplainer);
            Assert.Equal(9, metric.BatchSize);
            Assert.Equal(3, metric.Seed);
        }
        Assert.False(AttributionMetrics.HigherIsBetter("deletion"));
        Assert.True(AttributionMetrics.HigherIsBetter("insertion"));
    }

    [Fact]
    public void BestPicksByDirectionAndSkipsNaN()
    {
        var scores = new Dictionary<string, double> { ["saliency"] = 0.3, ["sobol"] = 0.1, ["rise"] = double.NaN };
        Assert.Equal("sobol", AttributionMetrics.Best("deletion", scores));
        Assert.Equal("saliency", AttributionMetrics.Best("insertion", scores));
        Assert.Null(AttributionMetrics.Best("insertion", new Dictionary<string, double> { ["x"] = double.NaN }));
    }

    [Fact]
    public void UnknownMetricSuggestsTheClosestName()
    {
        var e = Assert.Throws<PhospheneException>(() => AttributionMetrics.Create("delection"));
        Assert.Equal("unknown metric 'delection'; did you mean 'deletion'? (metrics: deletion, insertion, mu-fidelity, average-drop, " +
                     "average-increase, average-gain, stability, randomisation, random-logit, complexity, sparseness, mege, reco)", e.Message);
        Assert.StartsWith("unknown metric 'mufidelity'; did you mean 'mu-fidelity'?",
            Assert.Throws<PhospheneException>(() => AttributionMetrics.Find("mufidelity")).Message);
    }

    [Fact]
    public void MeGeWithoutSplitModelsSaysHowToBuildThem()
    {
        var e = Assert.Throws<PhospheneException>(() => AttributionMetrics.Create("reco"));
        Assert.Equal("metric 'reco' compares models retrained on k splits of the data: build them with SplitModels.Train(data, k) " +
                     "and pass them as MetricSettings.Splits", e.Message);
    }

    [Fact]
    public void MismatchedShapesAreNamedBeforeAnyComputation()
    {
        using var model = new LinearClassifier(ones(3, 16));
        using var x = ones(2, 1, 4, 4);
        using var y = zeros(2, ScalarType.Int64);
        using var map = ones(2, 4, 4);
        var deletion = new Deletion();

        Assert.Equal("deletion: maps must be N×H×W = 2×4×4 to match the inputs, got Float32 [2, 4, 5]",
            Assert.Throws<PhospheneException>(() => deletion.Evaluate(model, x, y, ones(2, 4, 5))).Message);
        Assert.Equal("deletion: maps must be N×H×W = 2×4×4 to match the inputs, got Float32 [2, 1, 4, 4]; sum or average the channel axis of an N×C×H×W map first",
            Assert.Throws<PhospheneException>(() => deletion.Evaluate(model, x, y, ones(2, 1, 4, 4))).Message);
        Assert.Equal("deletion: targets must be int64 of length 2 (one class per input), got Int64 [3]",
            Assert.Throws<PhospheneException>(() => deletion.Evaluate(model, x, zeros(3, ScalarType.Int64), map)).Message);
        Assert.Equal("deletion: inputs must be float32 N×C×H×W with N ≥ 1, got Float32 [2, 16]",
            Assert.Throws<PhospheneException>(() => deletion.Evaluate(model, ones(2, 16), y, map)).Message);
        Assert.Equal("deletion: targets must be classes in [0, 3) of the model, got 3",
            Assert.Throws<PhospheneException>(() => deletion.Evaluate(model, x, full(2, 3L), map)).Message);
        Assert.Equal("Deletion.Steps = 0 is invalid: it must be at least 1",
            Assert.Throws<PhospheneException>(() => new Deletion { Steps = 0 }.Evaluate(model, x, y, map)).Message);
        Assert.Equal("MuFidelity.SubsetFraction = 1.5 is invalid: it must be in (0, 1)",
            Assert.Throws<PhospheneException>(() => new MuFidelity { SubsetFraction = 1.5 }.Evaluate(model, x, y, map)).Message);
    }

    [Fact]
    public void AnExplainerReturningTheWrongShapeIsNamed()
    {
        using var model = new LinearClassifier(ones(3, 16));
        using var x = ones(2, 1, 4, 4);
        using var y = zeros(2, ScalarType.Int64);
        using var map = ones(2, 4, 4);
        AttributionFunction channels = (m, inputs, targets) => inputs.clone();
        var e = Assert.Throws<PhospheneException>(() => new RandomLogit().Evaluate(model, x, y, map, channels));
        Assert.Equal("random-logit: the explainer must return 2×4×4 maps for 2 inputs, but returned [2, 1, 4, 4]", e.Message);
    }
}
