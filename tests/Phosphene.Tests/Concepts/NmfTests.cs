using System.Globalization;
using Phosphene.Concepts;
using static TorchSharp.torch;

namespace Phosphene.Tests.Concepts;

public class NmfTests
{
    // Known sparse non-negative factors: each concept owns 6 channels of its own plus shared noise-free overlap.
    internal static (Tensor A, Tensor U, Tensor W) Planted(int n = 300, int r = 5, int c = 40, long seed = 7)
    {
        using var generator = new TorchSharp.torch.Generator().manual_seed(seed);
        var w = rand([r, c], dtype: ScalarType.Float64, generator: generator) * 0.2;
        for (int k = 0; k < r; k++) w[k, (k * 6)..(k * 6 + 6)] += 1.0;
        var u = rand([n, r], dtype: ScalarType.Float64, generator: generator);
        u *= rand([n, r], dtype: ScalarType.Float64, generator: generator).gt(0.5).to_type(ScalarType.Float64);
        return (u.mm(w), u, w);
    }

    [Theory]
    [InlineData(NmfSolver.CoordinateDescent)]
    [InlineData(NmfSolver.Hals)]
    [InlineData(NmfSolver.MultiplicativeUpdate)]
    public void RecoversPlantedFactors(NmfSolver solver)
    {
        using var scope = NewDisposeScope();
        var (a, _, w) = Planted();
        using var nmf = new Nmf(5, solver, tolerance: 1e-7, maxIterations: solver == NmfSolver.MultiplicativeUpdate ? 2000 : 500);
        nmf.Fit(a);
        var (similarity, _) = DecompositionMetrics.MatchedCosine(w, nmf.ConceptBank);
        Assert.True(similarity > 0.95, $"matched cosine {similarity}");
        Assert.True(nmf.ConceptBank.min().item<double>() >= 0 && nmf.Coefficients.min().item<double>() >= 0);
        Assert.True(nmf.ReconstructionError(a) / a.norm().item<double>() < 0.05);
    }

    [Fact]
    public void CoordinateDescentAndHalsTakeTheSameSteps()
    {
        using var scope = NewDisposeScope();
        var (a, _, _) = Planted(n: 120, c: 30);
        using var cd = new Nmf(5, NmfSolver.CoordinateDescent, tolerance: 0, maxIterations: 30);
        using var hals = new Nmf(5, NmfSolver.Hals, tolerance: 0, maxIterations: 30);
        cd.Fit(a);
        hals.Fit(a);
        Assert.True(cd.ConceptBank.allclose(hals.ConceptBank, rtol: 1e-8, atol: 1e-10));
    }

    [Fact]
    public void LargeProblemsWithSinglePrecisionProductsReachTheSameError()
    {
        // 1000×300×8 > 2·10⁶: coordinate descent multiplies in float32; HALS stays float64 throughout.
        using var scope = NewDisposeScope();
        var (a, _, _) = Planted(n: 1000, r: 8, c: 300, seed: 5);
        a += 0.05 * rand([1000, 300], dtype: ScalarType.Float64);
        using var cd = new Nmf(8, NmfSolver.CoordinateDescent, tolerance: 0, maxIterations: 40);
        using var hals = new Nmf(8, NmfSolver.Hals, tolerance: 0, maxIterations: 40);
        cd.Fit(a);
        hals.Fit(a);
        double e1 = (a - cd.Coefficients.mm(cd.ConceptBank)).norm().item<double>();
        double e2 = (a - hals.Coefficients.mm(hals.ConceptBank)).norm().item<double>();
        Assert.True(Math.Abs(e1 - e2) <= 1e-4 * e2, $"{e1} vs {e2}");
    }

    [Fact]
    public void EncodingNewRowsSolvesTheNnls()
    {
        using var scope = NewDisposeScope();
        var (a, _, _) = Planted();
        using var nmf = new Nmf(5);
        nmf.Fit(a[..200]);
        var held = a[200..] + 0.05 * rand([100, 40], dtype: ScalarType.Float64);
        var u = nmf.Encode(held);
        Assert.True(NonNegativeLeastSquares.KktViolation(held, nmf.ConceptBank, u) < 1e-5);
        Assert.Equal(ScalarType.Float32, nmf.Encode(held.to_type(ScalarType.Float32)).dtype);
    }

    [Theory]
    [InlineData("cd", NmfSolver.CoordinateDescent, 0.0, 0.0)]
    [InlineData("mu", NmfSolver.MultiplicativeUpdate, 0.0, 0.0)]
    [InlineData("cd", NmfSolver.CoordinateDescent, 0.002, 0.5)]
    public void ReconstructionErrorWithinOnePercentOfScikitLearn(string sklearnSolver, NmfSolver solver, double alpha, double l1Ratio)
    {
        using var scope = NewDisposeScope();
        using var generator = new TorchSharp.torch.Generator().manual_seed(2024);
        var (planted, _, _) = Planted(n: 200, r: 6, c: 30, seed: 3);
        var a = planted + 0.3 * rand([200, 30], dtype: ScalarType.Float64, generator: generator);
        string path = Path.Combine(Path.GetTempPath(), $"phosphene-nmf-{Guid.NewGuid():N}.bin");
        File.WriteAllBytes(path, a.contiguous().bytes.ToArray());
        try
        {
            string script = $$"""
                import warnings, numpy as np
                from sklearn.decomposition import NMF
                warnings.simplefilter("ignore")
                X = np.fromfile({{Quote(path)}}, dtype=np.float64).reshape(200, 30)
                m = NMF(n_components=6, init="nndsvda", solver="{{sklearnSolver}}", max_iter=200, tol=1e-4,
                        alpha_W={{alpha.ToString(CultureInfo.InvariantCulture)}}, l1_ratio={{l1Ratio.ToString(CultureInfo.InvariantCulture)}}, random_state=0)
                m.fit(X)
                print(repr(float(m.reconstruction_err_)))
                """;
            double reference = double.Parse(PythonReference.Run(script), CultureInfo.InvariantCulture);
            using var nmf = new Nmf(6, solver, NmfInit.Nndsvda, 1e-4, 200, alpha, l1Ratio);
            nmf.Fit(a);
            double ours = (a - nmf.Coefficients.mm(nmf.ConceptBank)).norm().item<double>();
            Assert.True(Math.Abs(ours - reference) <= 0.01 * reference, $"Phosphene {ours} vs scikit-learn {reference}");
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void NegativeActivationsAndBadOptionsAreClearErrors()
    {
        using var scope = NewDisposeScope();
        using var nmf = new Nmf(3);
        var e = Assert.Throws<PhospheneException>(() => nmf.Fit(tensor(new double[] { 1, -2, 3, 4, 5, 6, 7, 8, 9 }, [3, 3])));
        Assert.Equal("nmf needs non-negative activations, but the minimum is -2; split after a ReLU, or use the method semi-nmf for signed activations", e.Message);
        Assert.Equal("nmf is not fitted yet; call Fit(activations) first", Assert.Throws<PhospheneException>(() => nmf.ConceptBank).Message);
        Assert.Equal("nmf with 3 concepts needs at least 3 rows, got 2; use fewer concepts or more images",
            Assert.Throws<PhospheneException>(() => nmf.Fit(ones(2, 5))).Message);
        Assert.Equal("l1 ratio must be in [0, 1], got 2", Assert.Throws<PhospheneException>(() => new Nmf(3, l1Ratio: 2)).Message);
        Assert.Equal("unknown decomposition 'nmff'; did you mean 'nmf'? (decompositions: nmf, semi-nmf, pca, ica, kmeans, dictionary)",
            Assert.Throws<PhospheneException>(() => ConceptDecomposition.Create("nmff", 3)).Message);
    }

    static string Quote(string s) => "'" + s.Replace("\\", "\\\\").Replace("'", "\\'") + "'";
}
