using Phosphene.Attribution;
using static TorchSharp.torch;

namespace Phosphene.Tests.Attribution;

/// <summary>Closed forms on f(x) = w·x + b: Saliency = |w|, Gradient×Input = x ⊙ w, IG = (x − b) ⊙ w.</summary>
public class LinearModelTests
{
    // 2 classes over 1×4×5 images; the explained class 0 has weights w.
    static (LinearImageModel Model, Tensor W, Tensor X, Tensor Targets) Setup(long channels = 1)
    {
        using var generator = new Generator(11);
        var weight = randn([2, channels * 20], generator: generator);
        var model = new LinearImageModel(weight, tensor(new float[] { 0.5f, -0.25f }));
        var x = rand([3, channels, 4, 5], generator: generator);
        return (model, weight[0].view(channels, 4, 5), x, zeros(3, ScalarType.Int64));
    }

    static void AssertClose(Tensor expected, Tensor actual, double tolerance = 1e-5)
    {
        Assert.Equal(expected.shape, actual.shape);
        double error = (expected - actual).abs().max().item<float>();
        Assert.True(error <= tolerance, $"max error {error}");
    }

    [Fact]
    public void SaliencyIsTheAbsoluteWeight()
    {
        var (model, w, x, targets) = Setup();
        using var maps = new Saliency().Attribute(model, x, targets);
        Assert.Equal(ScalarType.Float32, maps.dtype);
        AssertClose(w.abs()[0].expand(3, 4, 5), maps);
    }

    [Fact]
    public void SaliencyTakesTheLargestChannel()
    {
        var (model, w, x, targets) = Setup(channels: 3);
        using var maps = new Saliency().Attribute(model, x, targets);
        AssertClose(w.abs().amax([0L]).expand(3, 4, 5), maps);
    }

    [Fact]
    public void GradientInputIsInputTimesWeight()
    {
        var (model, w, x, targets) = Setup(channels: 3);
        using var maps = new GradientInput().Attribute(model, x, targets);
        AssertClose((x * w).sum(1), maps);
    }

    [Theory]
    [InlineData(IntegrationRule.Trapezoid, 0.0)]
    [InlineData(IntegrationRule.Trapezoid, 0.3)]
    [InlineData(IntegrationRule.GaussLegendre, 0.0)]
    public void IntegratedGradientsIsDifferenceTimesWeight(IntegrationRule rule, double baseline)
    {
        var (model, w, x, targets) = Setup();
        var method = new IntegratedGradients { Rule = rule, Baseline = baseline, Steps = 7, BatchSize = 5 };
        using var maps = method.Attribute(model, x, targets);
        AssertClose(((x - baseline) * w).sum(1), maps);
    }

    [Fact]
    public void IntegratedGradientsTakesABaselineImage()
    {
        var (model, w, x, targets) = Setup();
        var baseline = full(1, 4, 5, 0.5f);
        using var maps = new IntegratedGradients { BaselineImage = baseline }.Attribute(model, x, targets);
        AssertClose(((x - baseline) * w).sum(1), maps);
    }

    [Fact]
    public void GaussLegendreNodesIntegratePolynomialsExactly()
    {
        var (nodes, weights) = IntegratedGradients.GaussLegendre(5);
        // ∫₀¹ x⁹ dx = 0.1: exact with 5 nodes (degree < 10).
        Assert.Equal(0.1, nodes.Zip(weights, (x, w) => w * Math.Pow(x, 9)).Sum(), 1e-14);
        Assert.Equal(1.0, weights.Sum(), 1e-14);
        Assert.True(nodes.SequenceEqual(nodes.Order()));
    }

    [Fact]
    public void SmoothGradOfALinearModelIsTheWeight()
    {
        // Gradients of a linear model ignore the noise: SmoothGrad = |w|, SquareGrad = w², VarGrad = 0.
        var (model, w, x, targets) = Setup();
        using var smooth = new SmoothGrad { Samples = 6, BatchSize = 4 }.Attribute(model, x, targets);
        AssertClose(w.abs()[0].expand(3, 4, 5), smooth);
        using var square = new SquareGrad { Samples = 6 }.Attribute(model, x, targets);
        AssertClose(w.square()[0].expand(3, 4, 5), square);
        using var variance = new VarGrad { Samples = 6 }.Attribute(model, x, targets);
        AssertClose(zeros(3, 4, 5), variance);
    }

    [Fact]
    public void OcclusionOfALinearModelIsTheMeanPatchContribution()
    {
        // Occluding with 0 drops the score by the patch's Σ w·x; a 1×1 patch gives w ⊙ x exactly.
        var (model, w, x, targets) = Setup();
        using var maps = new Occlusion { Patch = 1, Stride = 1 }.Attribute(model, x, targets);
        AssertClose((x * w).sum(1), maps);
    }

    [Fact]
    public void KernelShapOnAGridRecoversTheShapleyValuesOfALinearModel()
    {
        // For a linear model with baseline 0 a region's Shapley value is Σ_{pixels in it} w·x.
        var (model, w, x, targets) = Setup();
        var method = new KernelShap { Segmentation = SegmentationKind.Grid, Segments = 4, Samples = 200 };
        using var maps = method.Attribute(model, x[..1], targets[..1]);
        using var labels = Superpixels.Grid(4, 5, 2);
        var contribution = (x[0, 0] * w[0]);
        for (long region = 0; region < 4; region++)
        {
            var inside = labels.eq(region);
            double expected = contribution.masked_select(inside).sum().item<float>();
            var values = maps[0].masked_select(inside);
            Assert.Equal(expected, values[0].item<float>(), 1e-3);
            Assert.True(values.eq(values[0]).all().item<bool>());
        }
    }

    [Fact]
    public void NormalizationIsOnRequest()
    {
        var (model, w, x, targets) = Setup();
        using var raw = new GradientInput().Attribute(model, x, targets);
        using var scaled = new GradientInput { Normalization = MapNormalization.MaxAbs }.Attribute(model, x, targets);
        AssertClose(raw / raw.flatten(1).abs().amax([1L]).view(-1, 1, 1), scaled);
        using var unit = new GradientInput { Normalization = MapNormalization.MinMax }.Attribute(model, x, targets);
        Assert.Equal(0f, unit.flatten(1).amin([1L]).abs().max().item<float>(), 6);
        Assert.Equal(1f, unit.flatten(1).amax([1L]).min().item<float>(), 6);
    }

    [Fact]
    public void SoftmaxHeadExplainsTheProbability()
    {
        // ∂softmax_0/∂x = p0 (1 − p0)(w0 − w1) for two classes.
        var (model, _, x, targets) = Setup();
        using var maps = new GradientInput { Head = OutputHead.Softmax }.Attribute(model, x, targets);
        using var scope = NewDisposeScope();
        var weight = model.parameters().First();
        var p0 = model.call(x).softmax(1)[.., 0].view(-1, 1, 1);
        var expected = x[.., 0] * (p0 * (1 - p0)) * (weight[0] - weight[1]).view(4, 5);
        AssertClose(expected, maps);
    }

    [Fact]
    public void CustomHeadExplainsItsOwnScore()
    {
        // A head that negates the logits explains −logit: the gradient × input maps change sign.
        var (model, _, x, targets) = Setup();
        var negated = OutputHead.Custom("negated logit", logits => -logits);
        Assert.Equal("negated logit", negated.Name);
        using var logit = new GradientInput().Attribute(model, x, targets);
        using var maps = new GradientInput { Head = negated }.Attribute(model, x, targets);
        AssertClose(-logit, maps);
    }
}
