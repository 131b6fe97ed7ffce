using Phosphene.Attribution;
using Phosphene.Attribution.Metrics;
using Phosphene.Concepts;
using Phosphene.Probing;

namespace Phosphene.Tests;

public class RegistryTests
{
    [Fact]
    public void NamesAndFactsComeFromTheInstances()
    {
        Assert.Equal(AttributionMethods.Registry.Defaults.Select(m => m.Name), AttributionMethods.Names);
        Assert.Equal(["logistic", "mlp-3dpc", "ridge", "pls"], Probes.Names);
        Assert.Equal(["nmf", "semi-nmf", "pca", "ica", "kmeans", "dictionary"], ConceptDecomposition.Names);
        var deletion = AttributionMetrics.Find("deletion");
        Assert.IsType<Deletion>(deletion);
        Assert.False(deletion.HigherIsBetter);
        Assert.Equal("area under the target probability as the top-ranked pixels are removed (20 steps, baseline 0)", deletion.Summary);
        Assert.True(AttributionMetrics.Find("mege").RequiresExplainer);
        Assert.Equal("black-box: masks 4000, grid 7, p 0.5", AttributionMethods.Registry.Find("rise").Summary);
        Assert.Equal("ridge regression, α by leave-one-out", Probes.Registry.Find("ridge").Summary);
    }

    [Fact]
    public void CreateAppliesTheSharedSettingsAndIgnoresCaseAndSpaces()
    {
        var method = AttributionMethods.Create(" Grad-CAM ", new MethodSettings { BatchSize = 7, Seed = 3, Layer = "features.2" });
        var cam = Assert.IsType<GradCam>(method);
        Assert.Equal((7, 3L, "features.2"), (cam.BatchSize, cam.Seed, cam.Layer));
        var probe = Probes.Create("PLS", components: 4, seed: 9);
        Assert.Equal((4, 9L), (((PlsProbe)probe).Components, probe.Seed));
        using var pca = ConceptDecomposition.Create("pca", 5, seed: 2);
        Assert.Equal((5, 2L), (pca.Concepts, pca.Seed));
    }

    [Fact]
    public void UnknownNamesGetOneMessageShape()
    {
        Assert.Equal("unknown probe 'ridg'; did you mean 'ridge'? (probes: logistic, mlp-3dpc, ridge, pls)",
            Assert.Throws<PhospheneException>(() => Probes.Create("ridg")).Message);
        Assert.StartsWith("unknown method 'smothgrad'; did you mean 'smoothgrad'? (methods: saliency, ",
            Assert.Throws<PhospheneException>(() => AttributionMethods.Create("smothgrad")).Message);
        Assert.False(AttributionMetrics.Registry.Contains("delection"));
        Assert.True(AttributionMetrics.Registry.Contains("Deletion"));
    }

    [Fact]
    public void WithCopiesAMethodAndLeavesTheOriginalAsItWas()
    {
        var rise = new Rise { Masks = 12, Grid = 3, BatchSize = 5 };
        var copy = (Rise)rise.With(rise.Settings with { Seed = 4, Normalization = MapNormalization.MaxAbs });
        Assert.Equal((12, 3, 5, 4L, MapNormalization.MaxAbs), (copy.Masks, copy.Grid, copy.BatchSize, copy.Seed, copy.Normalization));
        Assert.Equal((0L, MapNormalization.None), (rise.Seed, rise.Normalization));
    }

    [Fact]
    public void InvalidSettingsHaveOnePhrasing()
    {
        Assert.Equal("Rise.Masks = 0 is invalid: it must be at least 1", Invalid.Setting("Rise", "Masks", 0, "at least 1").Message);
        Assert.Equal("X.Y = null is invalid: it must be set", Invalid.Setting("X", "Y", null, "set").Message);
    }
}
