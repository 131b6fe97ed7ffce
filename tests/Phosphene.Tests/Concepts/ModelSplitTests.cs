using Phosphene.Concepts;
using Phosphene.Models;
using static TorchSharp.torch;

namespace Phosphene.Tests.Concepts;

public class ModelSplitTests
{
    [Theory]
    [InlineData("cnn", "features.6", new long[] { 32, 14, 14 })]
    [InlineData("cnn", "features.3", new long[] { 16, 14, 14 })]
    [InlineData("cnn", "classifier.1", new long[] { 128 })]
    [InlineData("resnet", "layer2", new long[] { 32, 14, 14 })]
    [InlineData("resnet", "layer3.0", new long[] { 64, 7, 7 })]
    public void HOfGEqualsTheModel(string architecture, string layer, long[] shape)
    {
        using var model = ModelZoo.Create(architecture, seed: 1);
        var split = new ModelSplit(model, layer);
        Assert.Equal(shape, split.ActivationShape);
        using var scope = NewDisposeScope();
        using var generator = new TorchSharp.torch.Generator().manual_seed(0);
        var x = rand([3, 1, 28, 28], generator: generator);
        var direct = model.call(x);
        var activations = split.Activations(x);
        Assert.Equal(new[] { 3L }.Concat(shape), activations.shape);
        var recomposed = split.Logits(activations);
        Assert.True(direct.allclose(recomposed, rtol: 1e-5, atol: 1e-5));
    }

    [Fact]
    public void GradientsFlowThroughBothHalves()
    {
        using var model = ModelZoo.Create("resnet", seed: 2);
        var split = new ModelSplit(model, "layer2");
        using var scope = NewDisposeScope();
        var x = rand([2, 1, 28, 28]).requires_grad_(true);
        var activations = split.Activations(x);
        var direct = model.call(x)[.., 3].sum();
        var viaSplit = split.Logits(activations)[.., 3].sum();
        var g1 = TorchSharp.torch.autograd.grad([direct], [x])[0];
        var g2 = TorchSharp.torch.autograd.grad([viaSplit], [x])[0];
        Assert.True(g1.abs().sum().item<float>() > 0);
        Assert.True(g1.allclose(g2, rtol: 1e-4, atol: 1e-6));
    }

    [Fact]
    public void SharedModulesAndWrongShapesAreClearErrors()
    {
        using var model = ModelZoo.Create("resnet");
        var e = Assert.Throws<PhospheneException>(() => new ModelSplit(model, "layer1.0.relu"));
        Assert.Equal("layer 'layer1.0.relu' of resnet runs 2 times per forward pass, so the model cannot be split there; " +
                     "split at the block that contains it (e.g. 'layer1.0' instead of 'layer1.0.relu')", e.Message);
        var typo = Assert.Throws<PhospheneException>(() => new ModelSplit(model, "layer22"));
        Assert.StartsWith("unknown layer 'layer22'; did you mean 'layer2'?", typo.Message);
        var inside = Assert.Throws<PhospheneException>(() => new ModelSplit(model, "layer3.0.conv1"));
        Assert.Equal("layer 'layer3.0.conv1' is not a cut of resnet: later layers also read activations from before it " +
                     "(a residual shortcut), so h(g(x)) would differ from the model; split at a block boundary such as 'layer3.0'", inside.Message);
        var split = new ModelSplit(model, "layer2");
        using var scope = NewDisposeScope();
        var bad = Assert.Throws<PhospheneException>(() => split.Logits(zeros(2, 16, 14, 14)));
        Assert.Equal("activations at 'layer2' must be N×32×14×14, got [2, 16, 14, 14]", bad.Message);
    }
}
