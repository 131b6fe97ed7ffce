using Phosphene.Attribution.Metrics;
using static TorchSharp.torch;

namespace Phosphene.Tests.Attribution.Metrics;

/// <summary>Complexity, Sparseness and the similarity measures against closed forms and SciPy's values.</summary>
public class MapStatisticsTests
{
    [Fact]
    public void GiniOfAOneHotMapIsNMinusOneOverNAndOfAConstantMapZero()
    {
        using var maps = zeros(3, 5, 4);
        maps[0, 2, 3] = tensor(7f);
        maps[1].fill_(-0.25f);                                // constant magnitude, negative sign
        var gini = Sparseness.Gini(maps);                     // map 2 is all zeros
        Assert.Equal(19.0 / 20, gini[0], 12);
        Assert.Equal(0, gini[1], 12);
        Assert.Equal(0, gini[2], 12);
    }

    [Fact]
    public void GiniOfAKnownVectorMatchesTheFormula()
    {
        // |m| sorted = 1, 2, 3, 4: Σ(2i − n − 1)a_i / (n Σ a) = (−3·1 − 1·2 + 1·3 + 3·4) / (4·10) = 0.25.
        using var maps = tensor(new float[] { 3, -1, 4, 2 }).view(1, 2, 2);
        Assert.Equal(0.25, Sparseness.Gini(maps)[0], 12);
    }

    [Fact]
    public void EntropyOfAUniformMapIsLogNAndOfAOneHotMapZero()
    {
        using var maps = zeros(3, 6, 6);
        maps[0].fill_(2f);
        maps[1, 0, 0] = tensor(1f);
        maps[2, 0, 0] = tensor(1f);
        maps[2, 5, 5] = tensor(-1f);                          // two equal magnitudes: log 2
        var entropy = Complexity.Entropy(maps);
        Assert.Equal(Math.Log(36), entropy[0], 10);
        Assert.Equal(0, entropy[1], 12);
        Assert.Equal(Math.Log(2), entropy[2], 10);
    }

    [Fact]
    public void MapOnlyMetricsRunThroughEvaluateWithTheirDirection()
    {
        using var model = new LinearClassifier(ones(2, 4));
        using var x = ones(2, 1, 2, 2);
        using var y = zeros(2, ScalarType.Int64);
        using var maps = tensor(new float[] { 1, 1, 1, 1, 0, 0, 0, 5 }).view(2, 2, 2);
        var complexity = new Complexity().Evaluate(model, x, y, maps);
        var sparseness = new Sparseness().Evaluate(model, x, y, maps);
        Assert.Equal(Math.Log(4) / 2, complexity.Score, 10);
        Assert.Equal(0.75 / 2, sparseness.Score, 10);
        Assert.False(complexity.HigherIsBetter);
        Assert.True(sparseness.HigherIsBetter);
    }

    [Fact]
    public void CorrelationsMatchScipy()
    {
        double[] a = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3], b = [2, 7, 1, 8, 2, 8, 1, 8, 2, 8];
        // scipy.stats.spearmanr(a, b)[0] and pearsonr(a, b)[0] (SciPy 1.10).
        Assert.Equal(0.13471506281091267, MapSimilarity.Spearman(a, b), 12);
        Assert.Equal(0.10492284287735876, MapSimilarity.Pearson(a, b), 12);
        Assert.Equal([3, 1.5, 4, 1.5, 5], MapSimilarity.Ranks([2, 1, 3, 1, 4]));
        Assert.True(double.IsNaN(MapSimilarity.Spearman([1, 1, 1], [1, 2, 3])));
    }

    [Fact]
    public void SsimIsOneForIdenticalMapsAndMatchesAReferenceImplementation()
    {
        var i = arange(16, ScalarType.Float64).view(16, 1).expand(16, 16);
        var j = arange(16, ScalarType.Float64).view(1, 16).expand(16, 16);
        using var a = ((i * 7 + j * 3).remainder(11) / 10.0).unsqueeze(0);
        using var b = ((i * 5 + j * 2).remainder(13) / 12.0).unsqueeze(0);

        Assert.Equal(1, MapSimilarity.Ssim(a, a)[0], 12);
        // NumPy/SciPy: Gaussian window 11×11, σ 1.5, valid convolution, C1 = 0.01², C2 = 0.03².
        Assert.Equal(-0.013427745443663796, MapSimilarity.Ssim(a, b)[0], 10);
    }

    [Fact]
    public void PearsonPerMapCorrelatesEachPairOfMaps()
    {
        using var scope = NewDisposeScope();
        var a = tensor(new float[] { 1, 2, 3, 4, 1, 2, 3, 4, 1, 2, 3, 4 }).view(3, 2, 2);
        var b = tensor(new float[] { 3, 5, 7, 9, 4, 3, 2, 1, 5, 5, 5, 5 }).view(3, 2, 2);
        var r = MapSimilarity.PearsonPerMap(a, b);
        Assert.Equal(1, r[0], 12);                   // an increasing affine copy
        Assert.Equal(-1, r[1], 12);                  // the reversed map
        Assert.True(double.IsNaN(r[2]));             // a constant map has no correlation
    }
}
