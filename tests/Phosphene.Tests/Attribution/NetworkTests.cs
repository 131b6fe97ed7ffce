using Phosphene.Attribution;
using Phosphene.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Phosphene.Tests.Attribution;

/// <summary>Properties on real networks: the zoo CNN (untrained, seeded) and small hand-built ones.</summary>
public class NetworkTests
{
    [Fact]
    public void IntegratedGradientsIsCompleteOnTheCnn()
    {
        // Sundararajan et al.'s completeness: Σ attributions = f(x) − f(baseline), within 1% at 256 steps.
        using var model = ModelZoo.Create("cnn", seed: 3);
        model.eval();
        using var generator = new Generator(4);
        using var x = rand([2, 1, 28, 28], generator: generator);
        using var targets = tensor(new long[] { 3, 7 });
        var method = new IntegratedGradients { Steps = 256, BatchSize = 128 };
        using var maps = method.Attribute(model, x, targets);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var difference = model.call(x).gather(1, targets.view(-1, 1)).squeeze(1) - model.call(zeros_like(x)).gather(1, targets.view(-1, 1)).squeeze(1);
        var sums = maps.sum([1L, 2L]);
        for (int i = 0; i < 2; i++)
        {
            double expected = difference[i].item<float>(), actual = sums[i].item<float>();
            Assert.True(Math.Abs(actual - expected) <= 0.01 * Math.Abs(expected), $"input {i}: Σ IG = {actual}, f(x) − f(0) = {expected}");
        }
    }

    [Fact]
    public void GuidedBackpropPassesOnlyPositiveGradientsThroughReLUs()
    {
        // f = V·relu(U·x): guided gradient = Uᵀ (relu(V₀) ⊙ 1[U·x > 0]); plain gradient = Uᵀ (V₀ ⊙ 1[U·x > 0]).
        Sequential net;
        Tensor x;
        using (GlobalRandomScope.Seed(5))
        {
            net = nn.Sequential(("flatten", nn.Flatten()), ("0", nn.Linear(4, 6)), ("1", nn.ReLU()), ("2", nn.Linear(6, 2)));
            x = rand(1, 1, 2, 2);
        }
        using var input = x;
        using var target = tensor(new long[] { 0 });
        using var maps = new GuidedBackprop().Attribute(net, x, target);
        using var scope = NewDisposeScope();
        var parameters = net.parameters().ToArray();
        var (u, b, v) = (parameters[0], parameters[1], parameters[2]);
        var active = (u.matmul(x.flatten()) + b).gt(0).to_type(ScalarType.Float32);
        var guided = u.t().matmul(v[0].relu() * active);
        Assert.True((guided.abs().view(2, 2) - maps[0]).abs().max().item<float>() < 1e-6);
        var plain = u.t().matmul(v[0] * active);
        Assert.False((plain.abs().view(2, 2) - maps[0]).abs().max().item<float>() < 1e-6, "v has negative entries, so guided ≠ plain");
        // The hooks are gone afterwards: the plain saliency is the plain gradient.
        using var saliency = new Saliency().Attribute(net, x, target);
        Assert.True((plain.abs().view(2, 2) - saliency[0]).abs().max().item<float>() < 1e-6);
    }

    [Fact]
    public void GradCamMatchesItsDefinitionOnTheLastConvolution()
    {
        using var model = ModelZoo.Create("cnn", seed: 2);
        model.eval();
        using var generator = new Generator(6);
        using var x = rand([3, 1, 28, 28], generator: generator);
        using var targets = tensor(new long[] { 1, 2, 3 });
        using var maps = new GradCam().Attribute(model, x, targets);
        Assert.Equal(new long[] { 3, 28, 28 }, maps.shape);

        // By hand: activations of features.4 (the last Conv2d) and the gradient of the logit with respect to them.
        using var scope = NewDisposeScope();
        var features = (nn.Module<Tensor, Tensor>)model.Layer("features");
        var classifier = (nn.Module<Tensor, Tensor>)model.Layer("classifier");
        var children = features.named_children().Select(c => (nn.Module<Tensor, Tensor>)c.module).ToArray();
        var h = x;
        for (int i = 0; i < 5; i++) h = children[i].call(h);
        var a = h.detach().requires_grad_(true);
        var rest = a;
        for (int i = 5; i < children.Length; i++) rest = children[i].call(rest);
        var logits = classifier.call(rest.flatten(1));
        var g = autograd.grad([logits.gather(1, targets.view(-1, 1)).sum()], [a])[0];
        var cam = (g.mean([2L, 3L], keepdim: true) * a).sum(1).relu().detach();
        var expected = nn.functional.interpolate(cam.unsqueeze(1), [28, 28], mode: InterpolationMode.Bilinear, align_corners: false).squeeze(1);
        Assert.True((expected - maps).abs().max().item<float>() < 1e-5);

        // A named layer: features.6 (after the ReLU) gives another, non-negative map.
        using var named = new GradCamPlusPlus { Layer = "features.6" }.Attribute(model, x, targets);
        Assert.True(named.min().item<float>() >= 0);
        Assert.False(named.equal(maps).all().item<bool>());
    }

    [Fact]
    public void SobolTotalIndicesOfAnAdditiveFunctionAreItsVarianceShares()
    {
        // f(x) = Σ_k c_k x_k on an 8×8 image of ones, grid 8: each cell's mask enters additively, S_Tk = c_k² / Σ c².
        var c = zeros(64);
        c[3] = 4; c[20] = 3; c[41] = 2; c[63] = 1;
        var model = new LinearImageModel(stack([c, zeros(64)]), zeros(2));
        using var x = ones(1, 1, 8, 8);
        using var target = tensor(new long[] { 0 });
        var method = new SobolAttribution { Designs = 512, BatchSize = 4096 };
        using var maps = method.Attribute(model, x, target);
        var flat = maps.flatten();
        double total = 16 + 9 + 4 + 1;
        foreach (var (cell, weight) in new[] { (3, 4.0), (20, 3.0), (41, 2.0), (63, 1.0) })
        {
            double share = weight * weight / total, estimate = flat[cell].item<float>();
            Assert.True(Math.Abs(estimate - share) <= 0.05 * share, $"cell {cell}: S_T = {estimate}, share {share}");
        }
        // Cells with no weight have exactly no effect.
        Assert.Equal(0f, flat.index_select(0, tensor(new long[] { 0, 1, 30, 62 })).abs().max().item<float>());
    }

    [Fact]
    public void HsicRanksTheCellsOfAnAdditiveFunction()
    {
        var c = zeros(16);
        c[5] = 3; c[10] = 1;
        var model = new LinearImageModel(stack([c, zeros(16)]), zeros(2));
        using var x = ones(1, 1, 4, 4);
        using var target = tensor(new long[] { 0 });
        using var maps = new HsicAttribution { Grid = 4, Designs = 256 }.Attribute(model, x, target);
        var flat = maps.flatten();
        Assert.True(flat[5].item<float>() > flat[10].item<float>());
        Assert.True(flat[10].item<float>() > 10 * flat[0].abs().item<float>());
    }

    [Fact]
    public void ForGradKeepsEverythingAtFullCutoffAndTheMeanAtZeroFrequency()
    {
        using var generator = new Generator(8);
        using var maps = randn([2, 12, 10], generator: generator);
        using var all = ForGrad.Filter(maps, 100);
        Assert.True((all - maps).abs().max().item<float>() < 1e-5);
        using var dc = ForGrad.Filter(maps, 0.5);
        Assert.True((dc - maps.mean([1L, 2L], keepdim: true)).abs().max().item<float>() < 1e-5);
        // A medium cutoff removes high-frequency energy but keeps the mean.
        using var low = ForGrad.Filter(maps, 3);
        Assert.True(low.std().item<float>() < maps.std().item<float>());
        Assert.True((low.mean([1L, 2L]) - maps.mean([1L, 2L])).abs().max().item<float>() < 1e-5);
    }

    [Fact]
    public void ForGradWrapsAWhiteBoxMethod()
    {
        using var model = ModelZoo.Create("cnn", seed: 1);
        using var generator = new Generator(9);
        using var x = rand([2, 1, 28, 28], generator: generator);
        using var targets = tensor(new long[] { 4, 5 });
        using var raw = new Saliency().Attribute(model, x, targets);
        using var filtered = new ForGrad(new Saliency(), 6).Attribute(model, x, targets);
        using var expected = ForGrad.Filter(raw, 6);
        Assert.True((filtered - expected).abs().max().item<float>() < 1e-6);
    }
}
