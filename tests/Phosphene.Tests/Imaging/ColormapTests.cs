using Phosphene.Imaging;
using TorchSharp;
using static TorchSharp.torch;

namespace Phosphene.Tests.Imaging;

public class ColormapTests
{
    static string Hex((float R, float G, float B) c) =>
        $"#{(int)Math.Round(c.R * 255):x2}{(int)Math.Round(c.G * 255):x2}{(int)Math.Round(c.B * 255):x2}";

    // Published endpoints and centres (matplotlib's tables; turbo from Google's table).
    [Theory]
    [InlineData("viridis", "#440154", "#fde725")]
    [InlineData("magma", "#000004", "#fcfdbf")]
    [InlineData("turbo", "#30123b", "#7a0403")]
    [InlineData("rdbu", "#053061", "#67001f")]
    [InlineData("gray", "#000000", "#ffffff")]
    public void EndpointsMatchPublishedColours(string name, string low, string high)
    {
        var map = Colormap.Named(name);
        Assert.Equal(low, Hex(map[0]));
        Assert.Equal(high, Hex(map[1]));
    }

    [Fact]
    public void InteriorEntriesMatchTheTable()
    {
        // Entry 128 of 256 sits at t = 128/255.
        Assert.Equal("#21918c", Hex(Colormaps.Viridis[128 / 255.0]));
        Assert.Equal("#b73779", Hex(Colormaps.Magma[128 / 255.0]));
        // Halfway between two entries is their mean: gray is exactly linear.
        Assert.Equal((0.25f, 0.25f, 0.25f), Colormaps.Gray[0.25]);
    }

    [Fact]
    public void ApplyColoursEveryPixelLikeTheIndexer()
    {
        using var scope = NewDisposeScope();
        var values = tensor(new float[] { 0f, 0.1f, 0.5f, 0.77f, 1f, 0.33f }, [1, 2, 3]);
        var rgb = Colormaps.Turbo.Apply(values, MapScaling.None);

        Assert.Equal(new long[] { 1, 3, 2, 3 }, rgb.shape);
        var flat = values.data<float>().ToArray();
        for (int p = 0; p < flat.Length; p++)
        {
            var expected = Colormaps.Turbo[flat[p]];
            Assert.Equal(expected.R, rgb[0, 0, p / 3, p % 3].item<float>(), 5);
            Assert.Equal(expected.G, rgb[0, 1, p / 3, p % 3].item<float>(), 5);
            Assert.Equal(expected.B, rgb[0, 2, p / 3, p % 3].item<float>(), 5);
        }
    }

    [Fact]
    public void ScalingPerMap()
    {
        using var scope = NewDisposeScope();
        var maps = tensor(new float[] { 2, 4, 6, 10, /* second map */ -2, 0, 1, 4 }, [2, 2, 2]);

        Assert.Equal(new[] { 0f, 0.25f, 0.5f, 1f, 0f, 2 / 6f, 0.5f, 1f },
                     Colormap.Scale(maps, MapScaling.MinMax).data<float>().ToArray());
        Assert.Equal(new[] { 0.6f, 0.7f, 0.8f, 1f, 0.25f, 0.5f, 0.625f, 1f },
                     Colormap.Scale(maps, MapScaling.Symmetric).data<float>().ToArray());
        // Auto picks Symmetric because a value is negative.
        Assert.Equal(Colormap.Scale(maps, MapScaling.Symmetric).data<float>().ToArray(),
                     Colormap.Scale(maps, MapScaling.Auto).data<float>().ToArray());
    }

    [Fact]
    public void UnknownNameSuggestsTheClosest()
    {
        var e = Assert.Throws<PhospheneException>(() => Colormap.Named("virdis"));
        Assert.Equal("unknown colormap 'virdis'; did you mean 'viridis'? (known: viridis, magma, turbo, rdbu, gray)", e.Message);
    }
}
