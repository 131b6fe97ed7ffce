using Phosphene.Sensitivity;
using static TorchSharp.torch;

namespace Phosphene.Tests.Sensitivity;

public class SobolEstimatorTests
{
    // Ishigami and Homma (1990): f = sin x1 + a sin² x2 + b x3⁴ sin x1, x uniform on [−π, π]³, a = 7, b = 0.1.
    const double IshigamiA = 7, IshigamiB = 0.1;

    static (double[] First, double[] Total) IshigamiIndices()
    {
        double pi4 = Math.Pow(Math.PI, 4), pi8 = Math.Pow(Math.PI, 8);
        double v1 = 0.5 * Math.Pow(1 + IshigamiB * pi4 / 5, 2);
        double v2 = IshigamiA * IshigamiA / 8;
        double v13 = 8 * IshigamiB * IshigamiB * pi8 / 225;
        double v = v1 + v2 + v13;
        return ([v1 / v, v2 / v, 0], [(v1 + v13) / v, v2 / v, v13 / v]);
    }

    static Tensor Ishigami(Tensor unit)
    {
        var x = unit * (2 * Math.PI) - Math.PI;
        var x1 = x[.., 0]; var x2 = x[.., 1]; var x3 = x[.., 2];
        return x1.sin() + IshigamiA * x2.sin().square() + IshigamiB * x3.pow(4) * x1.sin();
    }

    [Theory]
    [InlineData("jansen", 0.01, 0.01)]
    [InlineData("saltelli", 0.02, 0.02)]
    [InlineData("homma", 0.02, 0.02)]
    [InlineData("janon", 0.01, 0.01)]
    [InlineData("glen-isaacs", 0.02, 0.02)]
    public void IshigamiIndicesMatchTheAnalyticValues(string name, double firstTolerance, double totalTolerance)
    {
        var (first, total) = IshigamiIndices();
        var design = new SaltelliDesign(3, 1 << 13);
        using var scope = NewDisposeScope();
        var outputs = Ishigami(design.Stacked());
        var (fA, fB, fAB) = design.Split(outputs);
        var estimator = SobolEstimator.FromName(name);
        var s = estimator.FirstOrder(fA, fB, fAB).data<double>().ToArray();
        var st = estimator.TotalOrder(fA, fB, fAB).data<double>().ToArray();
        for (int i = 0; i < 3; i++)
        {
            Assert.True(Math.Abs(s[i] - first[i]) < firstTolerance, $"{name} S{i + 1} = {s[i]}, analytic {first[i]}");
            Assert.True(Math.Abs(st[i] - total[i]) < totalTolerance, $"{name} ST{i + 1} = {st[i]}, analytic {total[i]}");
        }
    }

    [Fact]
    public void AdditiveFunctionSharesVarianceByCoefficientSquares()
    {
        // f = Σ c_i x_i, x uniform: no interactions, S_i = S_Ti = c_i² / Σ c_j².
        double[] c = [4, -3, 2, 1, 0.5, 0];
        double sum = c.Sum(v => v * v);
        var design = new SaltelliDesign(c.Length, 1 << 10);
        using var scope = NewDisposeScope();
        var outputs = design.Stacked().matmul(tensor(c, ScalarType.Float64));
        var (fA, fB, fAB) = design.Split(outputs);
        foreach (var name in SobolEstimator.Names)
        {
            var estimator = SobolEstimator.FromName(name);
            var s = estimator.FirstOrder(fA, fB, fAB).data<double>().ToArray();
            var st = estimator.TotalOrder(fA, fB, fAB).data<double>().ToArray();
            for (int i = 0; i < c.Length; i++)
            {
                Assert.True(Math.Abs(st[i] - c[i] * c[i] / sum) < 0.01, $"{name} ST{i} = {st[i]}");
                Assert.True(Math.Abs(s[i] - c[i] * c[i] / sum) < 0.02, $"{name} S{i} = {s[i]}");
            }
        }
    }

    [Fact]
    public void LeadingDimensionsAreEstimatedIndependently()
    {
        // Two outputs at once: one depends on input 0 only, the other on input 1 only, a third is constant.
        var design = new SaltelliDesign(2, 64);
        using var scope = NewDisposeScope();
        var x = design.Stacked();
        var outputs = stack([x[.., 0], x[.., 1].square(), ones(x.shape[0], ScalarType.Float64)]);
        var (fA, fB, fAB) = design.Split(outputs);
        Assert.Equal(new long[] { 3, 2, 64 }, fAB.shape);
        var st = SobolEstimator.Jansen.TotalOrder(fA, fB, fAB);
        Assert.Equal(new long[] { 3, 2 }, st.shape);
        Assert.Equal(1.0, st[0, 0].item<double>(), 0.01);
        Assert.Equal(0.0, st[0, 1].item<double>());
        Assert.Equal(0.0, st[1, 0].item<double>());
        Assert.Equal(1.0, st[1, 1].item<double>(), 0.01);
        Assert.Equal(new[] { 0.0, 0.0 }, st[2].data<double>().ToArray());
    }

    [Fact]
    public void DesignRowsAreAThenBThenTheMixedMatrices()
    {
        var design = new SaltelliDesign(3, 4);
        using var scope = NewDisposeScope();
        var a = design.A(); var b = design.B();
        var points = new SobolSequence(6).Sample(4);
        Assert.True(a.equal(points[.., ..3]).all().item<bool>());
        Assert.True(b.equal(points[.., 3..]).all().item<bool>());
        var mixed = design.AB(1);
        Assert.True(mixed[.., 0].equal(a[.., 0]).all().item<bool>());
        Assert.True(mixed[.., 1].equal(b[.., 1]).all().item<bool>());
        Assert.True(mixed[.., 2].equal(a[.., 2]).all().item<bool>());
        var stacked = design.Stacked();
        Assert.Equal(new long[] { 20, 3 }, stacked.shape);
        Assert.True(stacked[12..16].equal(mixed).all().item<bool>());
        Assert.True(design.Rows(5, 9).equal(stacked[5..14]).all().item<bool>());
    }

    [Fact]
    public void BadInputsAreClearErrors()
    {
        var e = Assert.Throws<PhospheneException>(() => SobolEstimator.FromName("jansn"));
        Assert.Equal("unknown Sobol estimator 'jansn'; did you mean 'jansen'? (estimators: jansen, saltelli, homma, janon, glen-isaacs)",
                     e.Message);
        var design = new SaltelliDesign(3, 8);
        using var scope = NewDisposeScope();
        e = Assert.Throws<PhospheneException>(() => design.Split(zeros(2, 39)));
        Assert.Equal("outputs of this design must end in a dimension of (d + 2)·N = 40, got [2, 39]", e.Message);
        e = Assert.Throws<PhospheneException>(() => SobolEstimator.Jansen.TotalOrder(zeros(8), zeros(8), zeros(3, 7)));
        Assert.Equal("Sobol estimator expects f(A) and f(B) shaped […, N] with N ≥ 2 and f(A_B) shaped […, d, N]; got [8], [8], [3, 7]",
                     e.Message);
        e = Assert.Throws<PhospheneException>(() => new SaltelliDesign(3, 8, new HaltonSequence(3)));
        Assert.Equal("a Saltelli design for 3 inputs needs a 6-dimensional sequence, got 3", e.Message);
    }
}
