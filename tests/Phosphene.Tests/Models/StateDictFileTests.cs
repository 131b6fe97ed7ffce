using Phosphene.Models;
using Phosphene.Tests.Data;
using static TorchSharp.torch;

namespace Phosphene.Tests.Models;

/// <summary>State-dict files whose header declares more than the file holds.</summary>
public class StateDictFileTests
{
    [Theory]
    [InlineData(new long[] { 1L << 40, 1L << 40 })]     // 70 TB of float32, as in issue 14
    [InlineData(new long[] { long.MaxValue / 2, 4 })]   // a product that overflows a long
    public void HugeDeclaredTensorIsRefusedBeforeAnyAllocation(long[] shape)
    {
        using var dir = new TempDirectory();
        var path = dir.File("huge.bin");
        using (var stream = File.Create(path))
        using (var writer = new BinaryWriter(stream))
        {
            Leb128(writer, 1);
            writer.Write("weight");
            Leb128(writer, (long)ScalarType.Float32);
            Leb128(writer, shape.Length);
            foreach (var d in shape) Leb128(writer, d);
            writer.Write(new byte[16]);
        }
        var e = Assert.Throws<PhospheneException>(() => StateDictFile.Read(path));
        Assert.Equal($"'{path}' is not a valid TorchSharp state dict: entry 'weight' float32 [{string.Join(", ", shape)}] needs more "
                     + "bytes than the 16 that remain (truncated?)", e.Message);
    }

    static void Leb128(BinaryWriter writer, long value)
    {
        do
        {
            byte b = (byte)(value & 0x7f);
            value >>= 7;
            writer.Write(value == 0 ? b : (byte)(b | 0x80));
        } while (value != 0);
    }
}
