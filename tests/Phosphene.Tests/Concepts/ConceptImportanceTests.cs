using Phosphene.Concepts;
using Phosphene.Sensitivity;
using static TorchSharp.torch;

namespace Phosphene.Tests.Concepts;

public class ConceptImportanceTests
{
    [Fact]
    public void SobolOnAnAdditiveScoreGivesTheAnalyticShares()
    {
        // score(m ⊙ u) = Σ_k a_k m_k u_k with independent uniform masks: S_Tk = (a_k u_k)² / Σ_j (a_j u_j)².
        using var scope = NewDisposeScope();
        var u = tensor(new double[] { 1, 2, 3, 4, 0.5, 0.5, 2, 0 }, [2, 1, 4]);
        var a = tensor(new double[] { 1, 1, 1, 1 });
        Func<Tensor, Tensor> score = masked => (masked * a).sum([1, 2]);
        // The default: 32 designs of the Sobol sequence; Halton points need more designs for the same accuracy.
        foreach (var (sequence, designs) in new (LowDiscrepancySequence?, int)[] { (null, 32), (new HaltonSequence(8), 128) })
        {
            var indices = ConceptImportance.SobolTotal(u, score, designs: designs, sequence: sequence);
            Assert.Equal(new long[] { 2, 4 }, indices.shape);
            var contribution = (u.squeeze(1) * a).square();
            var shares = contribution / contribution.sum(1, keepdim: true);
            // The issue's "within 5 %" in share units (5 percentage points): with 32 designs the worst share is off by
            // under 3 points, each index a few percent below its share (quasi-Monte Carlo error of 32 points).
            var error = (indices - shares).abs().max().item<double>();
            Assert.True(error < 0.05, $"max deviation from analytic shares {error} ({sequence?.GetType().Name ?? "Sobol"})");
        }
        // Read as 5 % of each share instead, it holds once the quasi-Monte Carlo error is small: 256 designs.
        {
            var indices = ConceptImportance.SobolTotal(u, score, designs: 256);
            var contribution = (u.squeeze(1) * a).square();
            var shares = contribution / contribution.sum(1, keepdim: true);
            var relative = ((indices - shares).abs() / shares.clamp_min(1e-12)).masked_fill(shares.eq(0), 0).max().item<double>();
            Assert.True(relative < 0.05, $"max relative deviation from analytic shares {relative} (256 designs)");
            Assert.True(indices[1, 3].item<double>() < 1e-6, "a concept with zero contribution has a zero index");
        }
    }

    [Fact]
    public void BatchingDoesNotChangeSobolIndices()
    {
        using var scope = NewDisposeScope();
        var u = rand([3, 5, 6], dtype: ScalarType.Float64);
        Func<Tensor, Tensor> score = masked => masked.sum(1).square().sum(1).sqrt();
        var whole = ConceptImportance.SobolTotal(u, score, designs: 16, batchSize: 1000);
        var small = ConceptImportance.SobolTotal(u, score, designs: 16, batchSize: 7);
        Assert.True(whole.allclose(small, atol: 1e-12));
    }

    [Fact]
    public void LogitScoreIsTheClassLogitOfTheDecodedActivationsExactly()
    {
        // The score narrows to float32 before its channel-first copy; that must give h of the float64 decoding,
        // bit for bit, and the same gradient.
        using var model = Phosphene.Models.ModelZoo.Create("cnn", seed: 3);
        using var scope = NewDisposeScope();
        var split = new ModelSplit(model, "features.6");
        using var generator = new Generator().manual_seed(5);
        var images = rand([4, 1, 28, 28], generator: generator);
        using var nmf = new Nmf(3);
        nmf.Fit(new CropGrid(14).Activations(split, images));
        var (u, h, w) = ConceptImportance.SpatialCoefficients(split, nmf, images);
        var masked = (u * rand([4, 1, 3], dtype: ScalarType.Float64, generator: generator)).requires_grad_(true);
        var score = ConceptImportance.LogitScore(split, nmf, 2, h, w)(masked);
        var rows = nmf.Decode(masked.reshape(-1, 3));
        var reference = split.Logits(rows.reshape(4, h, w, rows.shape[1]).permute(0, 3, 1, 2).contiguous().to_type(ScalarType.Float32))[.., 2]
            .to_type(ScalarType.Float64);
        Assert.Equal(new long[] { 4 }, score.shape);
        Assert.True(score.equal(reference).all().item<bool>(), "LogitScore differs from h of the float64 decoding");
        var gradient = autograd.grad([score.sum()], [masked])[0];
        var referenceGradient = autograd.grad([reference.sum()], [masked])[0];
        Assert.True(gradient.abs().sum().item<double>() > 0, "the score has no gradient");
        Assert.True(gradient.equal(referenceGradient).all().item<bool>(), "LogitScore's gradient differs");
    }

    [Fact]
    public void GradientInputOfALinearScoreIsTheContribution()
    {
        using var scope = NewDisposeScope();
        var u = rand([4, 3, 5], dtype: ScalarType.Float64);
        var a = tensor(new double[] { 2, -1, 0, 3, 0.5 });
        var gi = ConceptImportance.GradientInput(u, masked => (masked * a).sum([1, 2]), batchSize: 3);
        Assert.True(gi.allclose(u.sum(1) * a, atol: 1e-12));
    }

    [Fact]
    public void BadArgumentsAreClearErrors()
    {
        using var scope = NewDisposeScope();
        Assert.Equal("coefficients must be N×P×r (samples × positions × concepts), got [4, 3]",
            Assert.Throws<PhospheneException>(() => ConceptImportance.SobolTotal(ones(4, 3), m => m.sum([1, 2]))).Message);
        Assert.Equal("the score function must return one value per masked copy (10), got [10, 1]",
            Assert.Throws<PhospheneException>(() => ConceptImportance.SobolTotal(ones(1, 1, 3), m => m.sum([2]), designs: 2, batchSize: 10)).Message);
    }
}
