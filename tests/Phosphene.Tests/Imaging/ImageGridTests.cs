using Phosphene.Imaging;
using TorchSharp;
using static TorchSharp.torch;

namespace Phosphene.Tests.Imaging;

public class ImageGridTests
{
    static Tensor Pattern(int seed, int channels = 1, int size = 4)
    {
        var bytes = new byte[channels * size * size];
        new Random(seed).NextBytes(bytes);
        return tensor(bytes, [channels, size, size]).to_type(ScalarType.Float32).div(255f);
    }

    [Fact]
    public void SizeArithmeticAndCellsWithoutLabels()
    {
        using var scope = NewDisposeScope();
        var grid = new ImageGrid { Scale = 2, Padding = 3 };
        var a = Pattern(1); var b = Pattern(2, channels: 3); var c = Pattern(3);

        var image = grid.Compose([[a, b], [c]]);

        // width = 3 + 2 × (8 + 3), height = 3 + 2 × (8 + 3)
        Assert.Equal(new long[] { 3, 25, 25 }, image.shape);
        var up = b.repeat_interleave(2, 1).repeat_interleave(2, 2);
        Assert.True(image[.., 3..11, 14..22].eq(up).all().item<bool>());
        var upA = a.expand(3, -1, -1).repeat_interleave(2, 1).repeat_interleave(2, 2);
        Assert.True(image[.., 3..11, 3..11].eq(upA).all().item<bool>());
        // The missing cell and the padding stay background (white).
        Assert.Equal(1f, image[.., 14..22, 14..22].min().item<float>());
        Assert.Equal(1f, image[.., 0..3, ..].min().item<float>());
    }

    [Fact]
    public void LabelsAddStripsWithText()
    {
        using var scope = NewDisposeScope();
        var grid = new ImageGrid { Scale = 3, Padding = 4, RowLabels = ["Ankle boot", "Bag"], ColumnLabels = ["input", "saliency"] };
        var images = new[] { Pattern(1, size: 28), Pattern(2, size: 28), Pattern(3, size: 28), Pattern(4, size: 28) };

        var image = grid.Compose(images.Chunk(2).Select(r => (IReadOnlyList<Tensor>)r).ToArray());

        int left = grid.LabelWidth, top = grid.LabelHeight;
        Assert.Equal(20, top);                                     // ceil(13 × 1.5)
        Assert.True(left > 2 * 4, $"row-label strip {left} px");
        Assert.Equal(new long[] { 3, top + 2 * (84 + 4) + 4, left + 2 * (84 + 4) + 4 }, image.shape);
        // Text leaves dark pixels in both label strips.
        Assert.True(image[.., top.., ..left].min().item<float>() < 0.5f);
        Assert.True(image[.., ..top, left..].min().item<float>() < 0.5f);
        // Cells are untouched by the labels.
        var first = images[0].expand(3, -1, -1).repeat_interleave(3, 1).repeat_interleave(3, 2);
        Assert.True(image[.., (top + 4)..(top + 4 + 84), (left + 4)..(left + 4 + 84)].eq(first).all().item<bool>());
    }

    [Fact]
    public void BatchLayoutAndPng()
    {
        using var scope = NewDisposeScope();
        var batch = rand(5, 1, 6, 6, generator: new Generator(1));
        var grid = new ImageGrid { Scale = 1, Padding = 1 };

        Assert.Equal(new long[] { 3, 1 + 2 * 7, 1 + 3 * 7 }, grid.Compose(batch, columns: 3).shape);
        var png = grid.ComposePng([[batch[0], batch[1]]]);
        Assert.Equal(new long[] { 3, 8, 15 }, PngImage.Decode(png).shape);
    }

    [Fact]
    public void LabelCountMustMatch()
    {
        using var scope = NewDisposeScope();
        var e = Assert.Throws<PhospheneException>(() =>
            new ImageGrid { ColumnLabels = ["a"] }.Compose([[Pattern(1), Pattern(2)]]));
        Assert.Equal("the grid has 2 columns but 1 column labels", e.Message);
    }
}
