using System.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace Phosphene.Models;

/// <summary>
/// Reads and writes state dicts in TorchSharp's format: the one <c>Module.save</c> writes and <c>Module.load</c>
/// reads, and the one <c>Models/PyTorch/export_state_dict.py</c> writes from PyTorch.
/// </summary>
/// <remarks>
/// Layout, all integers unsigned LEB128 (7 bits per byte, least significant first, high bit = more bytes follow):
/// <code>
/// entry count
/// per entry:  key     length-prefixed UTF-8 (a .NET BinaryWriter string: LEB128 byte length, then the bytes)
///             dtype   ScalarType code (0 uint8, 1 int8, 2 int16, 3 int32, 4 int64, 5 float16, 6 float32,
///                     7 float64, 11 bool, 15 bfloat16)
///             rank    then one LEB128 per dimension
///             data    the elements, contiguous, row-major, little-endian
/// </code>
/// </remarks>
public static class StateDictFile
{
    static readonly ScalarType[] SupportedTypes =
    [
        ScalarType.Byte, ScalarType.Int8, ScalarType.Int16, ScalarType.Int32, ScalarType.Int64, ScalarType.Float16,
        ScalarType.Float32, ScalarType.Float64, ScalarType.Bool, ScalarType.BFloat16,
    ];

    /// <summary>
    /// Reads every entry of the file, in file order. The tensors belong to the caller (and to the current dispose
    /// scope, if any).
    /// </summary>
    /// <exception cref="PhospheneException">The file is missing, truncated, or not in this format (a PyTorch
    /// <c>torch.save</c> file is recognised and the message says how to convert it).</exception>
    public static List<KeyValuePair<string, Tensor>> Read(string path)
    {
        if (!File.Exists(path)) throw new PhospheneException($"state dict file '{path}' does not exist");
        using var stream = File.OpenRead(path);
        using var reader = new BinaryReader(stream, Encoding.UTF8);
        var entries = new List<KeyValuePair<string, Tensor>>();
        try
        {
            if (LooksLikeTorchSave(stream))
                throw new PhospheneException(
                    $"'{path}' is a PyTorch torch.save file, not a TorchSharp state dict; convert it with " +
                    "python3 src/Phosphene/Models/PyTorch/export_state_dict.py --pth <file.pth> --out <file.bin>");
            long count = ReadLeb128(reader);
            if (count > 1_000_000) throw NotAStateDict(path, $"it claims {count} entries");
            for (long i = 0; i < count; i++)
            {
                string key = reader.ReadString();
                long code = ReadLeb128(reader);
                var type = (ScalarType)code;
                if (!SupportedTypes.Contains(type))
                    throw NotAStateDict(path, $"entry '{key}' has unknown element type code {code}");
                long rank = ReadLeb128(reader);
                if (rank > 32) throw NotAStateDict(path, $"entry '{key}' claims {rank} dimensions");
                var shape = new long[rank];
                for (int d = 0; d < rank; d++) shape[d] = ReadLeb128(reader);

                // The declared size is checked against the bytes left before anything is allocated: a corrupt or
                // hostile header must not make libtorch reserve terabytes first.
                long remaining = stream.Length - stream.Position;
                if (DeclaredBytes(type, shape, remaining) is not { } bytes)
                    throw NotAStateDict(path, $"entry '{key}' {Describe(type, shape)} needs more bytes than the {remaining} that remain (truncated?)");
                var tensor = empty(shape, type);
                tensor.ReadBytesFromStream(stream, 1 << 16);
                entries.Add(new(key, tensor));
            }
            if (stream.Position != stream.Length)
                throw NotAStateDict(path, $"{stream.Length - stream.Position} bytes follow the last of its {count} entries");
            return entries;
        }
        catch (Exception e) when (e is EndOfStreamException or PhospheneException or IOException or FormatException)
        {
            foreach (var entry in entries) entry.Value.Dispose();
            if (e is PhospheneException) throw;
            throw NotAStateDict(path, "it ends in the middle of an entry (truncated?)");
        }
    }

    /// <summary>Writes entries in this format; each tensor is copied to contiguous CPU memory first if needed.</summary>
    public static void Write(string path, IEnumerable<KeyValuePair<string, Tensor>> entries)
    {
        var list = entries.ToList();
        using var stream = File.Create(path);
        using var writer = new BinaryWriter(stream, Encoding.UTF8);
        WriteLeb128(writer, list.Count);
        foreach (var (key, value) in list)
        {
            if (!SupportedTypes.Contains(value.dtype))
                throw new PhospheneException($"state dict entry '{key}' has element type {value.dtype}, which the format does not support");
            using var scope = NewDisposeScope();
            var tensor = value.detach().cpu().contiguous();
            writer.Write(key);
            WriteLeb128(writer, (long)tensor.dtype);
            WriteLeb128(writer, tensor.dim());
            foreach (long d in tensor.shape) WriteLeb128(writer, d);
            writer.Flush();
            tensor.WriteBytesToStream(stream, 1 << 16);
        }
    }

    // The bytes of a tensor of `shape`, or null when that is more than `limit` (the product is checked as it grows,
    // so no size overflows).
    static long? DeclaredBytes(ScalarType type, long[] shape, long limit)
    {
        long bytes = type switch
        {
            ScalarType.Byte or ScalarType.Int8 or ScalarType.Bool => 1,
            ScalarType.Int16 or ScalarType.Float16 or ScalarType.BFloat16 => 2,
            ScalarType.Int32 or ScalarType.Float32 => 4,
            _ => 8,
        };
        if (shape.Contains(0)) return 0;
        foreach (long d in shape)
        {
            if (d < 0 || d > limit / bytes) return null;
            bytes *= d;
        }
        return bytes;
    }

    /// <summary>Text for an element type and shape, e.g. <c>float32 [16, 1, 3, 3]</c>.</summary>
    internal static string Describe(ScalarType type, long[] shape) =>
        $"{type.ToString().ToLowerInvariant()} [{string.Join(", ", shape)}]";

    static long ReadLeb128(BinaryReader reader)
    {
        long value = 0;
        for (int shift = 0; ; shift += 7)
        {
            if (shift > 56) throw new FormatException("LEB128 integer longer than 9 bytes");
            byte b = reader.ReadByte();
            value |= (long)(b & 0x7f) << shift;
            if ((b & 0x80) == 0) return value;
        }
    }

    static void WriteLeb128(BinaryWriter writer, long value)
    {
        do
        {
            byte b = (byte)(value & 0x7f);
            value >>= 7;
            writer.Write(value == 0 ? b : (byte)(b | 0x80));
        } while (value != 0);
    }

    // torch.save writes a zip archive (PK\x03\x04) since PyTorch 1.6; before, a pickle starting with protocol 2
    // (0x80 0x02) and the long magic number (0x8a 0x0a ...).
    static bool LooksLikeTorchSave(Stream stream)
    {
        Span<byte> head = stackalloc byte[4];
        int n = stream.Read(head);
        stream.Position = 0;
        return n == 4 && ((head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4)
                          || (head[0] == 0x80 && head[1] == 0x02 && head[2] == 0x8a && head[3] == 0x0a));
    }

    static PhospheneException NotAStateDict(string path, string why) =>
        new($"'{path}' is not a valid TorchSharp state dict: {why}");
}
