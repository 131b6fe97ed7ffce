using Phosphene.Attribution.Metrics;
using static TorchSharp.torch;

namespace Phosphene.Tests.Attribution.Metrics;

public class StabilityTests
{
    [Fact]
    public void TheGradientOfALinearModelDoesNotMoveAndGradientTimesInputMovesWithinItsBound()
    {
        using var generator = new Generator(5);
        using var model = new LinearClassifier(randn(3, 100, generator: generator));
        using var x = rand(4, 1, 10, 10, generator: generator) + 0.5f;
        using var y = tensor(new long[] { 0, 1, 2, 1 });
        using var gradient = TestExplainers.Gradient(model, x, y);
        using var contributions = TestExplainers.GradientTimesInput(model, x, y);
        const double radius = 0.05;

        var still = new AverageStability { Radius = radius }.Evaluate(model, x, y, gradient, TestExplainers.Gradient);
        var moving = new AverageStability { Radius = radius, BatchSize = 7 }.Evaluate(model, x, y, contributions, TestExplainers.GradientTimesInput);
        var mean = new AverageStability { Radius = radius, Aggregation = StabilityAggregation.Mean }
            .Evaluate(model, x, y, contributions, TestExplainers.GradientTimesInput);

        Assert.All(still.PerExample, s => Assert.Equal(0, s, 6));
        // ‖w ⊙ δ‖ / ‖w ⊙ x‖ ≤ r‖w‖ / ‖w ⊙ x‖ for |δ| ≤ r.
        using var w = model.Weight.detach().index_select(0, y);
        using var bound = (w.norm(1) * radius / contributions.flatten(1).norm(1)).to_type(ScalarType.Float64);
        var bounds = bound.data<double>().ToArray();
        for (int i = 0; i < 4; i++)
        {
            Assert.InRange(moving.PerExample[i], 0.2 * bounds[i], bounds[i]);
            Assert.InRange(mean.PerExample[i], 0, moving.PerExample[i]);
        }
        Assert.False(moving.HigherIsBetter);
    }

    [Fact]
    public void MissingExplainerIsAClearError()
    {
        using var model = new LinearClassifier(ones(2, 4));
        using var x = ones(1, 1, 2, 2);
        using var y = zeros(1, ScalarType.Int64);
        using var map = ones(1, 2, 2);
        var e = Assert.Throws<PhospheneException>(() => new AverageStability().Evaluate(model, x, y, map));
        Assert.Equal("metric 'stability' explains new inputs or models: pass the attribution method as the explainer (e.g. method.Attribute)", e.Message);
    }
}
