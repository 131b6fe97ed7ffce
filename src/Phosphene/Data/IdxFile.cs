using System.Buffers.Binary;
using System.IO.Compression;

namespace Phosphene.Data;

/// <summary>
/// An unsigned-byte array in the IDX format of LeCun et al.'s MNIST distribution: a big-endian magic
/// <c>0x0000 08 DD</c> (type 0x08 = unsigned byte, DD = number of dimensions), DD big-endian int32 sizes, then the
/// bytes in row-major order. Files may be raw or gzipped (detected from the gzip magic bytes).
/// </summary>
public sealed class IdxFile
{
    /// <summary>Sizes of each dimension, outermost first (e.g. [60000, 28, 28]).</summary>
    public IReadOnlyList<int> Shape { get; }
    /// <summary>The values in row-major order.</summary>
    public byte[] Data { get; }

    IdxFile(int[] shape, byte[] data) { Shape = shape; Data = data; }

    /// <summary>Reads an IDX file (raw or gzipped) holding unsigned bytes with <paramref name="dimensions"/> dimensions.</summary>
    /// <exception cref="PhospheneException">
    /// The gzip stream is truncated or corrupt, the magic number is not that of a ubyte IDX array of the expected rank,
    /// or the data is shorter or longer than the header says.
    /// </exception>
    public static IdxFile Read(string path, int dimensions)
    {
        byte[] bytes;
        try { bytes = IsGzip(path) ? Decompress(path) : File.ReadAllBytes(path); }
        catch (InvalidDataException e)
        {
            throw new PhospheneException(
                $"'{path}' is truncated or not valid gzip ({e.Message}); delete it and fetch the file again", e);
        }
        return Parse(bytes, dimensions, path);
    }

    /// <summary>Parses IDX bytes already in memory; <paramref name="origin"/> names them in errors.</summary>
    public static IdxFile Parse(byte[] bytes, int dimensions, string origin)
    {
        uint expectedMagic = 0x00000800u | (uint)dimensions;
        if (bytes.Length < 4)
            throw new PhospheneException($"'{origin}' is too short to be an IDX file ({bytes.Length} bytes)");
        uint magic = BinaryPrimitives.ReadUInt32BigEndian(bytes);
        if (magic != expectedMagic)
            throw new PhospheneException(
                $"'{origin}' is not an IDX file of unsigned bytes with {dimensions} dimension(s): magic number " +
                $"0x{magic:X8}, expected 0x{expectedMagic:X8}. Check that the file is the one the manifest names " +
                "(images have 3 dimensions, labels 1).");
        int header = 4 + 4 * dimensions;
        if (bytes.Length < header)
            throw new PhospheneException($"'{origin}' is truncated: its IDX header needs {header} bytes, found {bytes.Length}");
        var shape = new int[dimensions];
        long count = 1;
        for (int d = 0; d < dimensions; d++)
        {
            shape[d] = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(4 + 4 * d));
            if (shape[d] < 0) throw new PhospheneException($"'{origin}' declares a negative size in its IDX header");
            count *= shape[d];
            // Checked as it grows: sizes near int.MaxValue in three dimensions would overflow the product.
            if (count > bytes.Length)
                throw new PhospheneException(
                    $"'{origin}' is truncated: its IDX header declares sizes [{string.Join(", ", shape[..(d + 1)])}, …] " +
                    $"for more values than its {bytes.Length} bytes. Delete it and fetch the file again.");
        }
        if (bytes.Length - header != count)
            throw new PhospheneException(
                $"'{origin}' is truncated or padded: its header declares [{string.Join(", ", shape)}] = {count} values, " +
                $"but {bytes.Length - header} bytes follow. Delete it and fetch the file again.");
        return new IdxFile(shape, bytes[header..]);
    }

    static bool IsGzip(string path)
    {
        using var stream = File.OpenRead(path);
        Span<byte> head = stackalloc byte[2];
        return stream.Read(head) == 2 && head[0] == 0x1f && head[1] == 0x8b;
    }

    // A gzip member is at least a 10-byte header and an 8-byte trailer.
    const int MinimumGzipLength = 18;

    static byte[] Decompress(string path)
    {
        using var stream = File.OpenRead(path);
        if (stream.Length < MinimumGzipLength)
            throw new InvalidDataException(
                $"it starts like gzip but has only {stream.Length} bytes, fewer than a gzip header and trailer ({MinimumGzipLength})");
        using var gzip = new GZipStream(stream, CompressionMode.Decompress);
        using var memory = new MemoryStream();
        gzip.CopyTo(memory);
        // GZipStream stops quietly at a truncated end; the trailer's ISIZE (payload length mod 2^32) exposes it.
        stream.Seek(-4, SeekOrigin.End);
        Span<byte> trailer = stackalloc byte[4];
        stream.ReadExactly(trailer);
        uint declared = BinaryPrimitives.ReadUInt32LittleEndian(trailer);
        if (declared != (uint)memory.Length)
            throw new InvalidDataException(
                $"the gzip trailer declares {declared} bytes but the stream decompressed to {memory.Length}");
        return memory.ToArray();
    }
}
