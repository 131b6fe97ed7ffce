using Phosphene.Attribution.Metrics;
using static TorchSharp.torch;

namespace Phosphene.Tests.Attribution.Metrics;

public class MetricTableTests
{
    [Fact]
    public void TheTableScoresEveryMethodOnEveryMetricAndMarksTheTrueMapBest()
    {
        using var generator = new Generator(3);
        using var model = new LinearClassifier(randn(2, 64, generator: generator) * 0.5f);
        using var x = rand(8, 1, 8, 8, generator: generator);
        using var y = zeros(8, ScalarType.Int64);
        using var truth = (x.flatten(1) * model.Weight[0].detach()).view(8, 8, 8);
        using var random = rand(8, 8, 8, generator: generator);

        var table = MetricTable.Evaluate(model, x, y,
            [new("truth", truth, TestExplainers.GradientTimesInput), new("random", random)],
            ["deletion", "insertion", "mu-fidelity"]);

        Assert.Equal(["deletion", "insertion", "mu-fidelity"], table.Metrics);
        Assert.Equal(["truth", "random"], table.Methods);
        Assert.Equal(new Deletion().Evaluate(model, x, y, truth).Score, table.Scores["deletion"]["truth"], 12);
        // MuFidelity scores both methods in one call sharing its forward passes: the same numbers as one call each.
        Assert.Equal(new MuFidelity().Evaluate(model, x, y, truth).Score, table.Scores["mu-fidelity"]["truth"], 12);
        Assert.Equal(new MuFidelity().Evaluate(model, x, y, random).Score, table.Scores["mu-fidelity"]["random"], 12);
        Assert.Equal("truth", table.Best("deletion"));
        Assert.Equal("truth", table.Best("insertion"));
        Assert.Equal("truth", table.Best("mu-fidelity"));
        Assert.IsType<CurveResult>(table.Results["insertion"]["random"]);
        Assert.True(table.Elapsed["mu-fidelity"]["random"] > TimeSpan.Zero);
    }

    [Fact]
    public void NamesAndExplainersAreCheckedBeforeAnyWork()
    {
        using var model = new LinearClassifier(ones(2, 4));
        using var x = ones(1, 1, 2, 2);
        using var y = zeros(1, ScalarType.Int64);
        using var map = ones(1, 2, 2);
        ExplainedMethod[] methods = [new("saliency", map)];

        Assert.StartsWith("unknown metric 'insrtion'; did you mean 'insertion'?",
            Assert.Throws<PhospheneException>(() => MetricTable.Evaluate(model, x, y, methods, ["deletion", "insrtion"])).Message);
        Assert.Equal("metric 'stability' re-explains, but method 'saliency' came without its explainer",
            Assert.Throws<PhospheneException>(() => MetricTable.Evaluate(model, x, y, methods, ["deletion", "stability"])).Message);
    }
}
