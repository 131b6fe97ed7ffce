using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using static TorchSharp.torch;

namespace Phosphene.Results;

/// <summary>
/// NumPy's <c>.npy</c> format, version 1.0 (what <c>numpy.save</c> writes and <c>numpy.load</c> reads): the magic
/// <c>\x93NUMPY</c>, a little-endian header length, a Python-literal header
/// <c>{'descr': '&lt;f4', 'fortran_order': False, 'shape': (2, 3), }</c> padded to 64 bytes, then the C-order data.
/// Tensors of float32/64, int32/64, uint8 and bool, little-endian (as every machine Phosphene runs on).
/// </summary>
/// <remarks>Format: https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html</remarks>
public static partial class NpyFormat
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    private static readonly (ScalarType Type, string Descr, int Size)[] Types =
    [
        (ScalarType.Float32, "<f4", 4), (ScalarType.Float64, "<f8", 8), (ScalarType.Int32, "<i4", 4),
        (ScalarType.Int64, "<i8", 8), (ScalarType.Byte, "|u1", 1), (ScalarType.Bool, "|b1", 1),
    ];

    /// <summary>Writes <paramref name="tensor"/> (any device, any layout) to <paramref name="stream"/> as one .npy array.</summary>
    /// <exception cref="PhospheneException">A dtype the format has no code for here (e.g. float16, complex).</exception>
    public static void Write(Stream stream, Tensor tensor)
    {
        var (_, descr, _) = Types.FirstOrDefault(t => t.Type == tensor.dtype);
        if (descr is null)
            throw new PhospheneException($"cannot save a {tensor.dtype} tensor as .npy (supported: {string.Join(", ", Types.Select(t => t.Type))}); convert it first, e.g. .to(ScalarType.Float32)");
        string shape = tensor.dim() switch
        {
            0 => "()",
            1 => $"({tensor.shape[0]},)",
            _ => $"({string.Join(", ", tensor.shape)})",
        };
        var header = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape}, }}";
        int unpadded = Magic.Length + 2 + 2 + header.Length + 1;
        header = header.PadRight(header.Length + (64 - unpadded % 64) % 64) + "\n";
        stream.Write(Magic);
        stream.Write([1, 0]);
        Span<byte> length = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(length, checked((ushort)header.Length));
        stream.Write(length);
        stream.Write(Encoding.ASCII.GetBytes(header));
        using var scope = NewDisposeScope();
        var data = tensor.detach().cpu().contiguous();
        if (data.is_sparse) data = data.to_dense();
        stream.Write(data.bytes);
    }

    /// <summary>Reads one .npy array (version 1.x, 2.x or 3.x; C order) from <paramref name="stream"/> into a new CPU tensor.</summary>
    /// <param name="stream">Positioned at the array's magic.</param>
    /// <param name="name">Names the array in errors (e.g. the archive entry).</param>
    /// <param name="length">The array's length in bytes, header included, when the stream cannot tell (a zip entry's
    /// uncompressed size); a shape that needs more data than that is refused before anything is allocated.</param>
    /// <exception cref="PhospheneException">Not an .npy array, an unsupported dtype, Fortran order, or fewer data bytes than the shape needs.</exception>
    public static Tensor Read(Stream stream, string name, long? length = null)
    {
        Span<byte> start = stackalloc byte[8];
        if (stream.ReadAtLeast(start, 8, throwOnEndOfStream: false) != 8 || !start[..6].SequenceEqual(Magic))
            throw new PhospheneException($"'{name}' is not a NumPy .npy array (no \\x93NUMPY magic)");
        int lengthBytes = start[6] == 1 ? 2 : 4;
        Span<byte> lengthField = stackalloc byte[4];
        if (stream.ReadAtLeast(lengthField[..lengthBytes], lengthBytes, throwOnEndOfStream: false) != lengthBytes)
            throw new PhospheneException($"'{name}' ends inside its .npy header");
        int headerLength = lengthBytes == 2 ? BinaryPrimitives.ReadUInt16LittleEndian(lengthField) : checked((int)BinaryPrimitives.ReadUInt32LittleEndian(lengthField));
        if (headerLength > 1 << 20) throw new PhospheneException($"'{name}' declares a {headerLength}-byte .npy header; not an array Phosphene wrote");
        var headerBytes = new byte[headerLength];
        if (stream.ReadAtLeast(headerBytes, headerLength, throwOnEndOfStream: false) != headerLength)
            throw new PhospheneException($"'{name}' ends inside its .npy header");
        var header = Encoding.UTF8.GetString(headerBytes);
        var descr = HeaderField(header, "descr", name);
        var (type, _, size) = Types.FirstOrDefault(t => t.Descr == descr || (t.Size == 1 && descr == t.Descr.Replace('|', '<')));
        if (size == 0)
            throw new PhospheneException($"'{name}' holds dtype '{descr}', which Phosphene does not read (supported: {string.Join(", ", Types.Select(t => t.Descr))})");
        if (HeaderField(header, "fortran_order", name) != "False")
            throw new PhospheneException($"'{name}' is stored in Fortran order; save it C-ordered (numpy.ascontiguousarray)");
        var shapeText = HeaderField(header, "shape", name).Trim('(', ')');
        var shape = shapeText.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                             .Select(s => long.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        long count = shape.Aggregate(1L, (a, b) => checked(a * b));
        long bytes = checked(count * size);
        long? available = stream.CanSeek ? stream.Length - stream.Position : length - (8 + lengthBytes + headerLength);
        if (available < bytes)
            throw new PhospheneException($"'{name}' is truncated: its shape [{string.Join(", ", shape)}] needs {bytes} bytes of data, the file has {available}");
        var tensor = empty(shape, type);
        try
        {
            var target = tensor.bytes; // the tensor's own memory: the data is read straight into it
            int read = bytes == 0 ? 0 : stream.ReadAtLeast(target, (int)bytes, throwOnEndOfStream: false);
            if (read != bytes)
                throw new PhospheneException($"'{name}' is truncated: its shape [{string.Join(", ", shape)}] needs {bytes} bytes of data, found {read}");
            return tensor;
        }
        catch
        {
            tensor.Dispose();
            throw;
        }
    }

    private static string HeaderField(string header, string key, string name)
    {
        var match = Regex.Match(header, $@"'{key}'\s*:\s*('(?<v>[^']*)'|(?<v>\([^)]*\))|(?<v>True|False))");
        return match.Success ? match.Groups["v"].Value : throw new PhospheneException($"'{name}': its .npy header has no '{key}' ({header.Trim()})");
    }
}
