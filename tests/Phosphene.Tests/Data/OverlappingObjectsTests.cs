using Phosphene.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Phosphene.Tests.Data;

public class OverlappingObjectsTests
{
    // Two classes of solid 4×4 squares with distinct ink levels, so the composite is checkable by hand.
    static ImageDataset Squares()
    {
        using var scope = NewDisposeScope();
        var images = zeros(4, 1, 4, 4);
        images[0].fill_(0.5f); images[1].fill_(0.5f); images[2].fill_(0.9f); images[3].fill_(0.9f);
        return new ImageDataset("squares", images, tensor(new long[] { 0, 0, 1, 1 }), ["dim", "bright"], "test");
    }

    [Theory]
    [InlineData(1.0, 0)]
    [InlineData(0.25, 2)]     // offset 4(1 − √0.25) = 2 pixels each way: the boxes share 2×2 of 4×4
    [InlineData(0.0, 4)]
    public void BoxesShareTheRequestedFractionAndMasksKeepEachObject(double overlap, int offset)
    {
        using var source = Squares();
        using var data = OverlappingObjects.Generate(source, 20, overlap, canvas: 12, seed: 3);
        Assert.Equal(new long[] { 20, 1, 12, 12 }, data.Images.shape);
        Assert.Equal(new long[] { 20, 2, 12, 12 }, data.Masks.shape);
        var both = (data.Masks[.., 0] * data.Masks[.., 1]).sum(new long[] { 1, 2 });
        Assert.All(both.data<float>().ToArray(), shared => Assert.Equal((4 - offset) * (4 - offset), shared));
        Assert.All(data.Masks.sum(new long[] { 2, 3 }).data<float>().ToArray(), area => Assert.Equal(16, area));
        // Different classes in every image; the composite is the brighter object where they overlap.
        Assert.All(Enumerable.Range(0, 20), i => Assert.NotEqual(data.Labels[i, 0].item<long>(), data.Labels[i, 1].item<long>()));
        var inked = data.Masks.amax(new long[] { 1 }).unsqueeze(1);
        Assert.Equal(0, (data.Images * (1 - inked)).abs().sum().item<float>());
        if (offset < 4) Assert.Equal(0.9f, data.Images.max().item<float>());
    }

    [Fact]
    public void SameSeedSameImagesAndNoiseIsSeededAndClamped()
    {
        using var source = Squares();
        using var a = OverlappingObjects.Generate(source, 8, 0.5, canvas: 12, seed: 1);
        using var b = OverlappingObjects.Generate(source, 8, 0.5, canvas: 12, seed: 1);
        using var c = OverlappingObjects.Generate(source, 8, 0.5, canvas: 12, seed: 2);
        Assert.Equal(a.Images.data<float>().ToArray(), b.Images.data<float>().ToArray());
        Assert.NotEqual(a.Images.data<float>().ToArray(), c.Images.data<float>().ToArray());
        using var noisy = a.WithNoise(0.3, seed: 4);
        Assert.Equal(noisy.data<float>().ToArray(), a.WithNoise(0.3, seed: 4).data<float>().ToArray());
        Assert.True(noisy.min().item<float>() >= 0 && noisy.max().item<float>() <= 1);
        Assert.Equal(new float[] { 1, 1 }, a.MultiHot()[0].data<float>().ToArray());
    }

    [Fact]
    public void ImpossibleRequestsAreExplained()
    {
        using var source = Squares();
        Assert.Equal("a 6×6 canvas cannot hold two 4×4 objects at overlap 0; use a canvas of at least 8",
            Assert.Throws<PhospheneException>(() => OverlappingObjects.Generate(source, 2, 0, canvas: 6)).Message);
        Assert.Equal("overlap must lie in [0, 1], got 1.5",
            Assert.Throws<PhospheneException>(() => OverlappingObjects.Generate(source, 2, 1.5)).Message);
    }
}
