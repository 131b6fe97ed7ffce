using Phosphene.Imaging;
using TorchSharp;
using static TorchSharp.torch;

namespace Phosphene.Tests.Imaging;

public class PngImageTests
{
    /// <summary>A C×H×W tensor whose values are k/255 for pseudo-random bytes k, covering 0 and 255.</summary>
    static Tensor EightBitImage(int channels, int height, int width, int seed)
    {
        var random = new Random(seed);
        var bytes = new byte[channels * height * width];
        random.NextBytes(bytes);
        bytes[0] = 0;
        bytes[^1] = 255;
        return tensor(bytes, [channels, height, width]).to_type(ScalarType.Float32).div(255f);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(4)]
    public void EightBitImagesRoundTripExactly(int channels)
    {
        using var scope = NewDisposeScope();
        var image = EightBitImage(channels, 9, 13, channels);
        var decoded = PngImage.Decode(PngImage.Encode(image));

        Assert.Equal(image.shape, decoded.shape);
        Assert.Equal(image.data<float>().ToArray(), decoded.data<float>().ToArray());
    }

    [Fact]
    public void EncodingRoundsToNearestLevelAndClamps()
    {
        using var scope = NewDisposeScope();
        // 0.5 → 127.5 rounds to 128 (half to even gives 128), 0.3 → 76.5 → 76 (half to even), 1/255 + 0.4/255 → 1.
        var image = tensor(new float[] { 0.5f, 1.4f / 255f, -0.2f, 1.7f }, [1, 1, 2, 2]);
        var decoded = PngImage.Decode(PngImage.Encode(image));

        Assert.Equal(new long[] { 1, 2, 2 }, decoded.shape);
        Assert.Equal(new[] { 128 / 255f, 1 / 255f, 0f, 1f }, decoded.data<float>().ToArray());
    }

    [Fact]
    public void FileRoundTrip()
    {
        using var scope = NewDisposeScope();
        string path = Path.Combine(Path.GetTempPath(), $"phosphene-{Guid.NewGuid():N}.png");
        try
        {
            var image = EightBitImage(3, 28, 28, 7);
            PngImage.Save(image, path);
            Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, File.ReadAllBytes(path)[..4]);
            Assert.Equal(image.data<float>().ToArray(), PngImage.Load(path).data<float>().ToArray());
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void BadShapeNamesTheShape()
    {
        using var scope = NewDisposeScope();
        var e = Assert.Throws<PhospheneException>(() => PngImage.Encode(zeros(2, 5, 5, 7)));
        Assert.Equal("expected an image tensor shaped C×H×W (or 1×C×H×W) with C in {1, 3, 4}, got [2, 5, 5, 7]", e.Message);
    }

    [Fact]
    public void NaNIsRejected()
    {
        using var scope = NewDisposeScope();
        var e = Assert.Throws<PhospheneException>(() => PngImage.Encode(full(1, 2, 2, float.NaN)));
        Assert.Equal("cannot encode an image holding NaN values; replace them first (e.g. nan_to_num)", e.Message);
    }

    [Fact]
    public void CorruptBytesAreReported()
    {
        var e = Assert.Throws<PhospheneException>(() => PngImage.Decode([1, 2, 3, 4, 5], "x.png"));
        Assert.Equal("'x.png' is not a PNG (or other image) SkiaSharp can decode", e.Message);
    }
}
