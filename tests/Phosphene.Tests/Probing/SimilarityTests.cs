using Phosphene.Probing;
using static TorchSharp.torch;

namespace Phosphene.Tests.Probing;

public class SimilarityTests
{
    static Tensor Random(long n, long d, long seed)
    {
        using var g = new Generator((ulong)seed);
        return randn(n, d, generator: g, dtype: ScalarType.Float64);
    }

    static Tensor Orthogonal(long d, long seed) => linalg.qr(Random(d, d, seed)).Q;

    [Fact]
    public void CkaOfARepresentationWithItselfIsOne()
    {
        using var scope = NewDisposeScope();
        var x = Random(60, 12, 1);
        Assert.Equal(1.0, LinearCka.Biased(x, x), 12);
        Assert.Equal(1.0, LinearCka.Unbiased(x, x), 12);
        var wide = Random(20, 300, 2);   // Gram-matrix branch
        Assert.Equal(1.0, LinearCka.Biased(wide, wide), 12);
    }

    [Fact]
    public void CkaIsInvariantToOrthogonalTransformsAndIsotropicScaling()
    {
        using var scope = NewDisposeScope();
        var x = Random(80, 10, 3);
        var y = x.mm(Random(10, 6, 4)).add(Random(80, 6, 5));
        double reference = LinearCka.Biased(x, y);
        double unbiased = LinearCka.Unbiased(x, y);
        var transformed = x.mm(Orthogonal(10, 6)).mul(3.7);
        Assert.Equal(reference, LinearCka.Biased(transformed, y), 10);
        Assert.Equal(unbiased, LinearCka.Unbiased(transformed, y), 10);
        Assert.Equal(reference, LinearCka.Biased(transformed, y.mm(Orthogonal(6, 7)).mul(0.01)), 10);
        // Not invariant to an anisotropic scaling.
        var stretched = x.mul(tensor(Enumerable.Range(1, 10).Select(i => (double)i * i).ToArray()));
        Assert.True(Math.Abs(LinearCka.Biased(stretched, y) - reference) > 1e-3);
        // Independent representations: the unbiased form is near 0, the plug-in form is biased upwards.
        var a = Random(50, 200, 8);
        var b = Random(50, 200, 9);
        Assert.True(Math.Abs(LinearCka.Unbiased(a, b)) < 0.05);
        Assert.True(LinearCka.Biased(a, b) > 0.5);
    }

    [Fact]
    public void CkaMatchesTheFeatureAndGramFormsAndAKnownValue()
    {
        using var scope = NewDisposeScope();
        // Two 1-D representations: linear CKA is the squared Pearson correlation.
        var x = tensor(new double[] { 1, 2, 3, 4, 6 }).unsqueeze(1);
        var y = tensor(new double[] { 2, 1, 4, 3, 5 }).unsqueeze(1);
        double r = ProbeMetrics.Pearson(x, y)[0];
        Assert.Equal(r * r, LinearCka.Biased(x, y), 12);
    }

    [Fact]
    public void RsaComparesCorrelationDistanceRdmsBySpearman()
    {
        using var scope = NewDisposeScope();
        var x = Random(30, 8, 10);
        Assert.Equal(1.0, Rsa.Similarity(x, x), 12);
        // Correlation distance ignores per-pattern offset and scale; any monotone change of the RDM keeps Spearman at 1.
        var shifted = x.mul(2.5).add(4);
        Assert.Equal(1.0, Rsa.Similarity(x, shifted), 12);
        var rdm = Rsa.Rdm(tensor(new double[,] { { 1, 2, 3 }, { 3, 2, 1 }, { 1, 2, 4 } }));
        Assert.Equal(2.0, rdm[0, 1].item<double>(), 12);          // r = −1
        Assert.Equal(0.0, rdm[0, 0].item<double>(), 12);
        Assert.Equal(0.8, Rsa.Spearman([1, 2, 3, 4], [1, 3, 2, 4]), 12);   // 1 − 6·2/(4·15)
        Assert.Equal(1.0, Rsa.Spearman([1, 1, 2], [5, 5, 9]), 12); // ties share the average rank
    }

    [Fact]
    public void MismatchedInputsAreAClearError()
    {
        using var scope = NewDisposeScope();
        var e = Assert.Throws<PhospheneException>(() => LinearCka.Biased(Random(10, 3, 1), Random(12, 3, 1)));
        Assert.Equal("the representations describe 10 and 12 inputs; pass the same inputs, in the same order, to both", e.Message);
        e = Assert.Throws<PhospheneException>(() => SimilarityMatrix.ParseMeasure("ckaa"));
        Assert.Equal("unknown similarity measure 'ckaa'; did you mean 'cka'? (measures: cka, cka-unbiased, rsa)", e.Message);
    }
}
