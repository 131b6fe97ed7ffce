using Phosphene.Probing;
using Phosphene.Tests.Data;
using static TorchSharp.torch;

namespace Phosphene.Tests.Probing;

public class PlsAndPcaTests
{
    static Tensor Random(long n, long d, long seed, double scale = 1)
    {
        using var g = new Generator((ulong)seed);
        return randn(n, d, generator: g, dtype: ScalarType.Float64).mul(scale);
    }

    [Fact]
    public void PlsMatchesScikitLearnsPlsRegression()
    {
        using var scope = NewDisposeScope();
        var x = Random(120, 15, 1).mul(tensor(Enumerable.Range(1, 15).Select(i => (double)i).ToArray()));
        var y = x.mm(Random(15, 3, 2)).add(Random(120, 3, 3, 4.0));
        var xTest = Random(30, 15, 4);
        using var probe = new PlsProbe { Components = 4 };
        probe.Fit(x, y);
        var reference = PythonReference.RunJson("""
            from sklearn.cross_decomposition import PLSRegression
            m = PLSRegression(n_components=4, scale=True, tol=1e-12, max_iter=5000).fit(x, y)
            out = {"pred": m.predict(xt).ravel().tolist(), "score": m.score(x, y)}
            """, ("x", x), ("y", y), ("xt", xTest));
        var expected = tensor(reference.GetProperty("pred").EnumerateArray().Select(v => v.GetDouble()).ToArray()).view(30, 3);
        double gap = probe.Predict(xTest).sub(expected).abs().max().item<double>();
        Assert.True(gap < 1e-6, $"largest prediction gap {gap}");
        Assert.Equal(reference.GetProperty("score").GetDouble(), probe.Score(x, y), 8);
        Assert.Equal(4, probe.FittedComponents);
    }

    [Fact]
    public void PlsCapsComponentsAtTheFeatureCount()
    {
        using var scope = NewDisposeScope();
        var x = Random(50, 6, 5);
        using var probe = new PlsProbe();               // 25 by default
        probe.Fit(x, x.mm(Random(6, 1, 6)).squeeze(1));
        Assert.True(probe.FittedComponents <= 6);
        Assert.True(probe.Score(x, x.mm(Random(6, 1, 6)).squeeze(1)) > 0.999);
    }

    [Fact]
    public void RandomizedPcaRecoversTheLeadingSubspaceInMemoryAndFromAFile()
    {
        using var scope = NewDisposeScope();
        // Rank-5 signal with decaying scales plus small noise, 400×300.
        var scales = tensor(new double[] { 20, 12, 8, 5, 3 });
        var x = Random(400, 5, 7).mul(scales).mm(linalg.qr(Random(300, 5, 8)).Q.t()).add(Random(400, 300, 9, 0.05)).add(1.5);
        var centred = x.sub(x.mean([0]));
        var (_, s, vt) = linalg.svd(centred, fullMatrices: false);
        using var pca = RandomizedPca.Fit(x, 5, seed: 1);
        // Same axes up to sign: |⟨v_exact, v_random⟩| = 1.
        var overlap = pca.Components.mm(vt.narrow(0, 0, 5).t()).abs().diag();
        Assert.True(overlap.min().item<double>() > 0.9999, overlap.ToString());
        for (int i = 0; i < 5; i++)
            Assert.Equal(s[i].item<double>() * s[i].item<double>() / 399, pca.ExplainedVariance[i], 1e-6 * pca.ExplainedVariance[0]);

        using var dir = new TempDirectory();
        using (var file = ActivationFile.Create(dir.File("x.f32"), 300)) { file.Append(x.narrow(0, 0, 150)); file.Append(x.narrow(0, 150, 250)); }
        using var reopened = ActivationFile.Open(dir.File("x.f32"));
        using var streamed = RandomizedPca.Fit(reopened, 5, blockRows: 64, seed: 1);
        var streamedOverlap = streamed.Components.mm(vt.narrow(0, 0, 5).t()).abs().diag();
        Assert.True(streamedOverlap.min().item<double>() > 0.9999);
        Assert.Equal(new long[] { 400, 5 }, streamed.Transform(x).shape);
        // Transforming the file block by block gives the in-memory projection of the same float32 rows.
        var fromFile = streamed.Transform(reopened, blockRows: 64);
        Assert.Equal(new long[] { 400, 5 }, fromFile.shape);
        Assert.True(fromFile.sub(streamed.Transform(x.to(ScalarType.Float32))).abs().max().item<double>() < 1e-9);
    }

    [Fact]
    public void PcaInFrontOfAProbeIsFittedOnTrainingFeaturesOnly()
    {
        using var scope = NewDisposeScope();
        var (x, y) = LogisticRegressionProbeTests.Blobs(300, d: 40);
        using var probe = new LogisticRegressionProbe { PcaComponents = 8 };
        probe.Fit(x, y);
        Assert.NotNull(probe.Pca);
        Assert.Equal(new long[] { 8, 4 }, probe.Coefficients!.shape);
        Assert.True(probe.Score(x, y) > 0.8);
        var e = Assert.Throws<PhospheneException>(() => RandomizedPca.Fit(x, 41));
        Assert.Equal("PCA components must lie in 1..min(N, D) = 40, got 41", e.Message);
    }
}
