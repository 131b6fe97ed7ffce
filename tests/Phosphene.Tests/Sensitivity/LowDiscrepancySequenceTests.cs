using Phosphene.Sensitivity;
using static TorchSharp.torch;

namespace Phosphene.Tests.Sensitivity;

// Reference points from Debian's python3-scipy 1.10: scipy.stats.qmc.Sobol(d, scramble=False).random(n) and
// scipy.stats.qmc.Halton(d, scramble=False).random(n); both use Joe–Kuo new-joe-kuo-6.21201 / the first primes.
public class LowDiscrepancySequenceTests
{
    [Fact]
    public void SobolFirstPointsMatchScipyInFiveDimensions()
    {
        double[,] expected =
        {
            { 0, 0, 0, 0, 0 }, { 0.5, 0.5, 0.5, 0.5, 0.5 }, { 0.75, 0.25, 0.25, 0.25, 0.75 },
            { 0.25, 0.75, 0.75, 0.75, 0.25 }, { 0.375, 0.375, 0.625, 0.875, 0.375 },
            { 0.875, 0.875, 0.125, 0.375, 0.875 }, { 0.625, 0.125, 0.875, 0.625, 0.625 },
            { 0.125, 0.625, 0.375, 0.125, 0.125 },
        };
        using var points = new SobolSequence(5).Sample(8);
        Assert.Equal(new long[] { 8, 5 }, points.shape);
        var values = points.data<double>().ToArray();
        for (int i = 0; i < 8; i++)
            for (int j = 0; j < 5; j++)
                Assert.Equal(expected[i, j], values[i * 5 + j]);
    }

    [Fact]
    public void SobolHighDimensionsMatchScipy()
    {
        // Coordinates 1, 2, 63, 64, 127 and 1023 (0-based) of points 100, 777 and 1024 of the 1024-dimensional sequence.
        int[] columns = [1, 2, 63, 64, 127, 1023];
        var expected = new Dictionary<long, double[]>
        {
            [100] = [0.2578125, 0.7734375, 0.6484375, 0.1953125, 0.4609375, 0.9453125],
            [777] = [0.9365234375, 0.1630859375, 0.4267578125, 0.9384765625, 0.1181640625, 0.4521484375],
            [1024] = [0.37646484375, 0.44775390625, 0.96630859375, 0.35888671875, 0.71435546875, 0.67529296875],
        };
        var sequence = new SobolSequence(1024);
        using var all = sequence.Sample(1025);
        foreach (var (index, row) in expected)
        {
            // Drawing the whole run and skipping straight to the point (Gray-code fast-forward) must agree.
            using var skipped = sequence.Sample(1, index);
            for (int k = 0; k < columns.Length; k++)
            {
                Assert.Equal(row[k], all[index, columns[k]].item<double>());
                Assert.Equal(row[k], skipped[0, columns[k]].item<double>());
            }
        }
        // Rows 13, 31 and 39 in dimensions 64 and 128 (0-based 63 and 127).
        Assert.Equal(0.0625, all[13, 63].item<double>());
        Assert.Equal(0.15625, all[31, 127].item<double>());
        Assert.Equal(0.921875, all[39, 127].item<double>());
    }

    [Fact]
    public void SobolPowerOfTwoRunsAreBalanced()
    {
        // The first 2^m points put exactly one point in each of the 2^m dyadic intervals of every coordinate.
        using var points = new SobolSequence(64).Sample(256);
        using var cells = (points * 256).floor().to_type(ScalarType.Int64);
        for (int j = 0; j < 64; j++)
        {
            using var sorted = cells[.., j].sort().Values;
            Assert.True(sorted.equal(arange(256, ScalarType.Int64)).all().item<bool>(), $"dimension {j} is not balanced");
        }
    }

    [Fact]
    public void HaltonFirstPointsMatchScipy()
    {
        double[,] expected =
        {
            { 0, 0, 0, 0 }, { 0.5, 1 / 3.0, 0.2, 1 / 7.0 }, { 0.25, 2 / 3.0, 0.4, 2 / 7.0 },
            { 0.75, 1 / 9.0, 0.6, 3 / 7.0 }, { 0.125, 4 / 9.0, 0.8, 4 / 7.0 }, { 0.625, 7 / 9.0, 0.04, 5 / 7.0 },
        };
        using var points = new HaltonSequence(4).Sample(5, skip: 1);
        for (int i = 0; i < 5; i++)
            for (int j = 0; j < 4; j++)
                Assert.Equal(expected[i + 1, j], points[i, j].item<double>(), 1e-15);
    }

    [Fact]
    public void BadArgumentsAreClearErrors()
    {
        var e = Assert.Throws<PhospheneException>(() => new SobolSequence(1025));
        Assert.Equal("the Sobol sequence supports 1 to 1024 dimensions (embedded Joe–Kuo table), got 1025; " +
                     "use HaltonSequence or fewer dimensions (e.g. a coarser grid)", e.Message);
        e = Assert.Throws<PhospheneException>(() => new HaltonSequence(0));
        Assert.Equal("a low-discrepancy sequence needs at least 1 dimension, got 0", e.Message);
        e = Assert.Throws<PhospheneException>(() => new SobolSequence(2).Sample(2, skip: (1L << 32) - 1));
        Assert.Equal("SobolSequence defines 4294967296 points; points 4294967295 to 4294967296 were asked for", e.Message);
    }
}
