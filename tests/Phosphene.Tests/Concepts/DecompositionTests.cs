using Phosphene.Concepts;
using static TorchSharp.torch;

namespace Phosphene.Tests.Concepts;

public class DecompositionTests
{
    [Fact]
    public void PcaFindsTheAxesOfAnAnisotropicCloud()
    {
        using var scope = NewDisposeScope();
        using var generator = new TorchSharp.torch.Generator().manual_seed(1);
        var z = randn([4000, 3], dtype: ScalarType.Float64, generator: generator) * tensor(new double[] { 3, 1, 0.1 });
        var rotation = linalg.qr(randn([3, 3], dtype: ScalarType.Float64, generator: generator)).Q;
        var a = z.mm(rotation.t()) + 5;                       // axes are the columns of the rotation
        using var pca = new Pca(2);
        pca.Fit(a);
        var cosine = pca.ConceptBank.mm(rotation).abs();      // 2×3
        Assert.True(cosine[0, 0].item<double>() > 0.999 && cosine[1, 1].item<double>() > 0.999);
        Assert.Equal(9, pca.ExplainedVariance[0], 0.6);
        Assert.Equal(1, pca.ExplainedVariance[1], 0.1);
        using var full = new Pca(3);
        full.Fit(a);
        Assert.True(full.Decode(full.Encode(a)).allclose(a, atol: 1e-9));
    }

    [Fact]
    public void FastIcaUnmixesNonGaussianSources()
    {
        using var scope = NewDisposeScope();
        using var generator = new TorchSharp.torch.Generator().manual_seed(4);
        long n = 3000;
        var uniform = rand([n], dtype: ScalarType.Float64, generator: generator) * 2 - 1;
        var u2 = rand([n], dtype: ScalarType.Float64, generator: generator);
        var laplace = -(1 - 2 * (u2 - 0.5).abs()).log() * (u2 - 0.5).sign();
        var sources = stack([uniform, laplace], 1);
        var mixing = tensor(new double[] { 1, 0.5, 0.2, 0.3, 1, 0.8 }, [2, 3]);
        var a = sources.mm(mixing);
        using var ica = new FastIca(2, seed: 0);
        ica.Fit(a);
        Assert.True(ica.Converged);
        var recovered = ica.Coefficients;
        var correlation = corrcoef(cat([sources.t(), recovered.t()], 0))[..2, 2..].abs();
        var (similarity, _) = (correlation.max(1).values.mean().item<double>(), 0);
        Assert.True(similarity > 0.98, $"mean |correlation| {similarity}");
        Assert.True(ica.Decode(ica.Encode(a)).allclose(a, atol: 1e-8));
    }

    [Fact]
    public void KMeansFindsSeparatedBlobs()
    {
        using var scope = NewDisposeScope();
        using var generator = new TorchSharp.torch.Generator().manual_seed(9);
        var centres = tensor(new double[] { 0, 0, 10, 0, 0, 10 }, [3, 2]);
        var labels = arange(300) % 3;
        var a = centres.index_select(0, labels) + 0.5 * randn([300, 2], dtype: ScalarType.Float64, generator: generator);
        using var kmeans = new KMeans(3, seed: 0);
        kmeans.Fit(a);
        var (similarity, matching) = DecompositionMetrics.MatchedCosine(centres + 1, kmeans.ConceptBank + 1);
        Assert.True(similarity > 0.99);
        var assigned = kmeans.Coefficients.argmax(1);
        var expected = tensor(matching.Select(m => (long)m).ToArray()).index_select(0, labels);
        Assert.True(assigned.equal(expected).all().item<bool>());
        Assert.Equal(1.0, kmeans.Coefficients.sum(1).min().item<double>());
        Assert.Equal("kmeans has no differentiable encoding (its assignment is piecewise constant); use nmf, semi-nmf, pca, ica or dictionary",
            Assert.Throws<PhospheneException>(() => kmeans.EncodeDifferentiable(a)).Message);
    }

    [Fact]
    public void SemiNmfFitsSignedActivationsWithNonNegativeCoefficients()
    {
        using var scope = NewDisposeScope();
        using var generator = new TorchSharp.torch.Generator().manual_seed(5);
        var w = randn([4, 20], dtype: ScalarType.Float64, generator: generator);
        var u = rand([400, 4], dtype: ScalarType.Float64, generator: generator);
        var a = u.mm(w);
        Assert.True(a.min().item<double>() < 0);
        using var semi = new SemiNmf(4, tolerance: 1e-8, maxIterations: 1000);
        semi.Fit(a);
        Assert.True(semi.Coefficients.min().item<double>() >= 0);
        double relative = semi.ReconstructionError(a) / a.norm().item<double>();
        Assert.True(relative < 0.05, $"relative error {relative}");
        var encoded = semi.Encode(a);
        Assert.True(NonNegativeLeastSquares.KktViolation(a, semi.ConceptBank, encoded) < 1e-5);
    }

    [Fact]
    public void DictionaryLearningRecoversSparselyUsedAtoms()
    {
        using var scope = NewDisposeScope();
        using var generator = new TorchSharp.torch.Generator().manual_seed(6);
        var atoms = nn.functional.normalize(randn([5, 20], dtype: ScalarType.Float64, generator: generator), p: 2, dim: 1);
        var which = randint(5, [800], generator: generator);
        var codes = nn.functional.one_hot(which, 5).to_type(ScalarType.Float64) * (1 + rand([800, 1], dtype: ScalarType.Float64, generator: generator));
        var a = codes.mm(atoms) + 0.01 * randn([800, 20], dtype: ScalarType.Float64, generator: generator);
        using var dictionary = new DictionaryLearning(5, alpha: 0.05);
        dictionary.Fit(a);
        var (similarity, _) = DecompositionMetrics.MatchedCosine(atoms, dictionary.ConceptBank, ignoreSign: true);
        Assert.True(similarity > 0.95, $"matched |cosine| {similarity}");
        Assert.True(DecompositionMetrics.Sparsity(dictionary.Coefficients) > 0.5);
        var encoded = dictionary.Encode(a[..20]);
        Assert.True(dictionary.EncodeDifferentiable(a[..20]).allclose(encoded, atol: 1e-8));
    }

    [Fact]
    public void HungarianMatchesBruteForce()
    {
        var random = new Random(3);
        for (int trial = 0; trial < 20; trial++)
        {
            int n = 1 + random.Next(5), m = n + random.Next(3);
            var cost = new double[n, m];
            for (int i = 0; i < n; i++) for (int j = 0; j < m; j++) cost[i, j] = random.Next(20);
            var assignment = LinearAssignment.Minimize(cost);
            Assert.Equal(n, assignment.Distinct().Count());
            double total = Enumerable.Range(0, n).Sum(i => cost[i, assignment[i]]);
            Assert.Equal(BruteForce(cost, 0, new bool[m]), total);
        }
        Assert.Equal("assignment needs at most as many rows as columns, got 3×2; transpose the cost matrix",
            Assert.Throws<PhospheneException>(() => LinearAssignment.Minimize(new double[3, 2])).Message);
    }

    static double BruteForce(double[,] cost, int row, bool[] used)
    {
        if (row == cost.GetLength(0)) return 0;
        double best = double.PositiveInfinity;
        for (int j = 0; j < cost.GetLength(1); j++)
        {
            if (used[j]) continue;
            used[j] = true;
            best = Math.Min(best, cost[row, j] + BruteForce(cost, row + 1, used));
            used[j] = false;
        }
        return best;
    }

    [Fact]
    public void ScoresReportReconstructionSparsityAndStability()
    {
        using var scope = NewDisposeScope();
        var (a, _, _) = NmfTests.Planted();
        var nmf = DecompositionMetrics.Score(a, seed => new Nmf(5, seed: seed), runs: 3);
        Assert.Equal("nmf", nmf.Method);
        Assert.True(nmf.RelativeError < 0.05);
        Assert.True(nmf.Stability > 0.95, $"stability {nmf.Stability}");
        var pca = DecompositionMetrics.Score(a, seed => new Pca(5, seed), runs: 2);
        Assert.Equal(0, pca.Sparsity);
        Assert.True(nmf.Sparsity > 0.05, $"sparsity {nmf.Sparsity}");   // exact zeros; PCA has none
    }
}
