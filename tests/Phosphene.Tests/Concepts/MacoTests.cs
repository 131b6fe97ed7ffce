using Phosphene.Concepts;
using Phosphene.Models;
using static TorchSharp.torch;

namespace Phosphene.Tests.Concepts;

public class MacoTests
{
    [Fact]
    public void PhaseOptimisationRaisesTheTargetDeterministically()
    {
        using var model = ModelZoo.Create("cnn", seed: 3);
        using var scope = NewDisposeScope();
        var options = new MacoOptions { Steps = 30, Views = 4, Seed = 1 };
        var result = Maco.Visualize(model, MacoTarget.Channel("features.6", 5), options: options);
        Assert.Equal(new long[] { 1, 28, 28 }, result.Image.shape);
        Assert.Equal(new long[] { 28, 28 }, result.Transparency.shape);
        Assert.InRange(result.Image.min().item<float>(), 0, 1);
        Assert.InRange(result.Image.max().item<float>(), 0, 1);
        Assert.Equal(1.0, result.Transparency.max().item<float>(), 5);
        Assert.True(result.Objective.Skip(25).Average() > result.Objective.Take(5).Average(),
            $"objective {result.Objective[0]} → {result.Objective[^1]}");
        var again = Maco.Visualize(model, MacoTarget.Channel("features.6", 5), options: options);
        Assert.True(result.Image.equal(again.Image).all().item<bool>());
        Assert.Equal("channel 5 of features.6", result.Target);
    }

    [Fact]
    public void DatasetMagnitudeLogitAndConceptTargets()
    {
        using var model = ModelZoo.Create("cnn", seed: 3);
        using var scope = NewDisposeScope();
        using var generator = new Generator(0);
        var images = rand(16, 1, 28, 28, generator: generator);
        var magnitude = Maco.MeanAmplitude(images);
        Assert.Equal(new long[] { 1, 28, 15 }, magnitude.shape);
        var logit = Maco.Visualize(model, MacoTarget.Logit(2), magnitude, new MacoOptions { Steps = 20, Views = 2 });
        Assert.True(logit.Objective.TakeLast(5).Average() > logit.Objective.Take(5).Average(), $"logit: {string.Join(", ", logit.Objective)}");
        var neuron = Maco.Visualize(model, MacoTarget.Neuron("features.5", 3, 7, 7), magnitude, new MacoOptions { Steps = 20, Views = 2 });
        Assert.Equal("neuron 3 at (7, 7) of features.5", neuron.Target);
        Assert.True(neuron.Objective.TakeLast(5).Average() > neuron.Objective.Take(5).Average(), $"neuron: {string.Join(", ", neuron.Objective)}");
        using var craft = Craft.Fit(model, "features.6", images[..4], 2, new CraftOptions { Concepts = 3, Designs = 4 });
        var concept = Maco.Visualize(model, MacoTarget.Concept(craft, 1), magnitude, new MacoOptions { Steps = 20, Views = 2 });
        Assert.Equal("concept 1 at features.6", concept.Target);
        Assert.True(concept.Objective.TakeLast(5).Average() > concept.Objective.Take(5).Average(), $"concept: {string.Join(", ", concept.Objective)}");
        Assert.Equal("magnitude must be 1×28×15 for cnn, got [1, 28, 28]",
            Assert.Throws<PhospheneException>(() => Maco.Visualize(model, MacoTarget.Logit(0), ones(1, 28, 28))).Message);
    }
}
