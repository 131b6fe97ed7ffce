using Phosphene.Attribution;
using static TorchSharp.torch;

namespace Phosphene.Tests.Attribution;

/// <summary>
/// <see cref="IntegrationRule.Trapezoid"/> against Captum's <c>riemann_trapezoid</c>: same points α_k = k/(n − 1),
/// weights 1/(n − 1) here and 1/n in Captum (both halved at the ends), so our maps are exactly n/(n − 1) of Captum's.
/// </summary>
public class TrapezoidRuleTests
{
    /// <summary>Captum's riemann_trapezoid weights, written out: 1/n each, the first and last halved.</summary>
    static double[] CaptumWeights(int n) =>
        Enumerable.Range(0, n).Select(k => (k == 0 || k == n - 1 ? 0.5 : 1.0) / n).ToArray();

    [Theory]
    [InlineData(2)]
    [InlineData(7)]
    [InlineData(50)]
    public void WeightsAreNOverNMinusOneTimesCaptums(int n)
    {
        var (nodes, weights) = IntegratedGradients.Trapezoid(n);
        var captum = CaptumWeights(n);
        Assert.Equal(1.0, weights.Sum(), 1e-14);
        Assert.Equal((n - 1.0) / n, captum.Sum(), 1e-14);
        for (int k = 0; k < n; k++)
        {
            Assert.Equal((double)k / (n - 1), nodes[k], 1e-15);
            Assert.Equal((double)n / (n - 1), weights[k] / captum[k], 1e-12);
        }
    }

    [Fact]
    public void MapsOfANetworkAreFiftyFortyNinthsOfCaptumsAtFiftySteps()
    {
        const int n = 50;
        manual_seed(3);
        using var model = new TinyCnn();
        model.eval();
        using var generator = new Generator(5);
        using var x = rand([3, 1, 16, 16], generator: generator);
        using var targets = tensor(new long[] { 0, 1, 0 });

        using var ours = new IntegratedGradients { Steps = n, BatchSize = 64 }.Attribute(model, x, targets);

        // Captum's riemann_trapezoid, baseline 0, from autograd gradients at the same points.
        using var scope = NewDisposeScope();
        var captumWeights = CaptumWeights(n);
        var averaged = zeros_like(x);
        for (int k = 0; k < n; k++)
        {
            var point = (x * ((double)k / (n - 1))).detach().requires_grad_();
            var score = model.call(point).gather(1, targets.view(-1, 1)).sum();
            var gradient = autograd.grad([score], [point])[0];
            averaged += gradient * captumWeights[k];
        }
        var captum = (x * averaged).sum(1);

        double scale = captum.abs().max().item<float>();
        Assert.True(scale > 1e-3, $"the maps are too small to compare ({scale})");
        double error = (ours - captum * ((double)n / (n - 1))).abs().max().item<float>();
        Assert.True(error <= 1e-5 * scale, $"ours − 50/49 · Captum's: max {error} (scale {scale})");
        // And the factor is visible: without it the maps differ by 1/49 of their size.
        double unscaled = (ours - captum).abs().max().item<float>();
        Assert.True(unscaled >= scale / 49 * 0.5, $"ours and Captum's differ by only {unscaled} (scale {scale})");
    }
}
