using Phosphene.Concepts;
using Phosphene.Models;
using static TorchSharp.torch;

namespace Phosphene.Tests.Concepts;

public class CropGridTests
{
    [Fact]
    public void DefaultStrideIsFourFifthsOfThePatchAndTheGridCoversRectangles()
    {
        var grid = new CropGrid(10);
        Assert.Equal(8, grid.Stride);
        // 20×30 image: rows 0, 8, then 10 (aligned to the border); columns 0, 8, 16, then 20.
        var positions = grid.Positions(20, 30);
        Assert.Equal([0, 8, 10], positions.Select(p => p.Top).Distinct());
        Assert.Equal([0, 8, 16, 20], positions.Select(p => p.Left).Distinct());
        Assert.Equal(12, positions.Count);
        Assert.Equal(new CropBox(1, 0, 8, 10), grid.Boxes(2, 20, 30)[13]);
    }

    [Fact]
    public void CropsAreTheRightPixelsResized()
    {
        var grid = new CropGrid(4, 4);
        using var scope = NewDisposeScope();
        var images = arange(2 * 8 * 12, dtype: ScalarType.Float32).reshape(2, 1, 8, 12);
        var crops = grid.Extract(images, 4);                     // no resize
        Assert.Equal(new long[] { 2 * 2 * 3, 1, 4, 4 }, crops.shape);
        Assert.True(crops[4].equal(images[0, .., 4..8, 4..8]).all().item<bool>());
        Assert.True(crops[6].equal(images[1, .., 0..4, 0..4]).all().item<bool>());
        var up = grid.Extract(ones(1, 1, 8, 12), 28);             // constant stays constant under bilinear resize
        Assert.Equal(new long[] { 6, 1, 28, 28 }, up.shape);
        Assert.Equal(1.0, up.min().item<float>(), 6);
    }

    [Fact]
    public void ActivationMatrixIsSpatialMeanOfGOnEachCrop()
    {
        using var model = ModelZoo.Create("cnn", seed: 3);
        var split = new ModelSplit(model, "features.6");
        var grid = new CropGrid(14, 7);
        using var scope = NewDisposeScope();
        using var generator = new TorchSharp.torch.Generator().manual_seed(5);
        var images = rand([3, 1, 28, 35], generator: generator);   // rectangular
        var a = grid.Activations(split, images, batchSize: 2);
        int perImage = grid.Positions(28, 35).Count;
        Assert.Equal(new long[] { 3 * perImage, 32 }, a.shape);
        var expected = split.Activations(grid.Extract(images[2..3], 28))[0].mean([1, 2]);
        Assert.True(a[2 * perImage].allclose(expected, rtol: 1e-5, atol: 1e-6));
        var e = Assert.Throws<PhospheneException>(() => grid.Activations(split, rand(1, 1, 10, 40)));
        Assert.Equal("images of 10×40 pixels are smaller than the 14-pixel patch; use a smaller patch (CraftOptions.Patch)", e.Message);
    }
}
