using System.IO.Compression;
using Phosphene.Data;

namespace Phosphene.Tests.Data;

public class IdxFileTests
{
    static byte[] Idx(uint magic, int[] shape, byte[] data)
    {
        var bytes = new List<byte>();
        void Int(uint v) { bytes.Add((byte)(v >> 24)); bytes.Add((byte)(v >> 16)); bytes.Add((byte)(v >> 8)); bytes.Add((byte)v); }
        Int(magic);
        foreach (var s in shape) Int((uint)s);
        bytes.AddRange(data);
        return bytes.ToArray();
    }

    static byte[] Gzip(byte[] raw)
    {
        using var memory = new MemoryStream();
        using (var gz = new GZipStream(memory, CompressionLevel.Optimal)) gz.Write(raw);
        return memory.ToArray();
    }

    [Fact]
    public void ReadsRawAndGzippedImagesRowMajor()
    {
        using var dir = new TempDirectory();
        var data = Enumerable.Range(0, 2 * 3 * 4).Select(i => (byte)(i * 10)).ToArray();
        var raw = Idx(0x803, [2, 3, 4], data);
        File.WriteAllBytes(dir.File("a.idx"), raw);
        File.WriteAllBytes(dir.File("a.idx.gz"), Gzip(raw));

        foreach (var name in new[] { "a.idx", "a.idx.gz" })
        {
            var idx = IdxFile.Read(dir.File(name), 3);
            Assert.Equal([2, 3, 4], idx.Shape);
            Assert.Equal(data, idx.Data);
        }
    }

    [Fact]
    public void WrongMagicNamesFileAndBothNumbers()
    {
        using var dir = new TempDirectory();
        File.WriteAllBytes(dir.File("labels.idx"), Idx(0x801, [3], [1, 2, 3]));
        var e = Assert.Throws<PhospheneException>(() => IdxFile.Read(dir.File("labels.idx"), 3));
        Assert.Equal(
            $"'{dir.File("labels.idx")}' is not an IDX file of unsigned bytes with 3 dimension(s): magic number " +
            "0x00000801, expected 0x00000803. Check that the file is the one the manifest names " +
            "(images have 3 dimensions, labels 1).", e.Message);
    }

    [Fact]
    public void TruncatedGzipIsReportedAsSuch()
    {
        using var dir = new TempDirectory();
        var gz = Gzip(Idx(0x803, [10, 28, 28], Enumerable.Range(0, 7840).Select(i => (byte)(i * 7 % 251)).ToArray()));
        File.WriteAllBytes(dir.File("cut.gz"), gz[..(gz.Length / 2)]);
        var e = Assert.Throws<PhospheneException>(() => IdxFile.Read(dir.File("cut.gz"), 3));
        Assert.StartsWith($"'{dir.File("cut.gz")}' is truncated or not valid gzip (", e.Message);
        Assert.EndsWith("); delete it and fetch the file again", e.Message);
    }

    [Fact]
    public void TwoByteGzipIsReportedAsSuch()
    {
        using var dir = new TempDirectory();
        File.WriteAllBytes(dir.File("tiny.gz"), [0x1f, 0x8b]);
        var e = Assert.Throws<PhospheneException>(() => IdxFile.Read(dir.File("tiny.gz"), 3));
        Assert.Equal($"'{dir.File("tiny.gz")}' is truncated or not valid gzip (it starts like gzip but has only 2 bytes, fewer than "
                     + "a gzip header and trailer (18)); delete it and fetch the file again", e.Message);
    }

    [Fact]
    public void HugeDeclaredSizesAreCheckedAgainstTheBytesWithoutOverflow()
    {
        var bytes = Idx(0x803, [int.MaxValue, int.MaxValue, int.MaxValue], [1, 2, 3]);
        var e = Assert.Throws<PhospheneException>(() => IdxFile.Parse(bytes, 3, "huge"));
        Assert.StartsWith("'huge' is truncated: its IDX header declares sizes [2147483647, …] for more values than its 19 bytes.", e.Message);
    }

    [Fact]
    public void CorruptGzipIsReportedAsSuch()
    {
        using var dir = new TempDirectory();
        var gz = Gzip(Idx(0x801, [100], Enumerable.Range(0, 100).Select(i => (byte)(i % 10)).ToArray()));
        for (int i = 12; i < gz.Length - 8; i++) gz[i] ^= 0x5A;
        File.WriteAllBytes(dir.File("bad.gz"), gz);
        var e = Assert.Throws<PhospheneException>(() => IdxFile.Read(dir.File("bad.gz"), 1));
        Assert.StartsWith($"'{dir.File("bad.gz")}' is truncated or not valid gzip (", e.Message);
    }

    [Fact]
    public void PayloadShorterThanHeaderSays()
    {
        var e = Assert.Throws<PhospheneException>(() => IdxFile.Parse(Idx(0x801, [5], [1, 2, 3]), 1, "labels"));
        Assert.Equal("'labels' is truncated or padded: its header declares [5] = 5 values, but 3 bytes follow. " +
                     "Delete it and fetch the file again.", e.Message);
    }
}
