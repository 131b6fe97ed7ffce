using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using static TorchSharp.torch;

namespace Phosphene.Probing;

/// <summary>
/// A float32 N×D activation matrix on disk, read back in row blocks so that layers larger than memory can be probed
/// (through <see cref="RandomizedPca"/>) without ever loading them whole. Layout: the 8-byte magic <c>PHACT001</c>,
/// int64 rows, int64 columns (little-endian), then the rows, row-major.
/// </summary>
public sealed class ActivationFile : IDisposable
{
    const string Magic = "PHACT001";
    const int HeaderBytes = 24;
    readonly SafeFileHandle _handle;
    readonly bool _writable;

    ActivationFile(string path, SafeFileHandle handle, long rows, long columns, bool writable)
    {
        Path = path;
        this._handle = handle;
        Rows = rows;
        Columns = columns;
        this._writable = writable;
    }

    /// <summary>The file's path.</summary>
    public string Path { get; }

    /// <summary>Number of rows N (examples) written so far.</summary>
    public long Rows { get; private set; }

    /// <summary>Number of columns D (features per example).</summary>
    public long Columns { get; }

    /// <summary>Creates (or overwrites) an empty file for rows of <paramref name="columns"/> features.</summary>
    public static ActivationFile Create(string path, long columns)
    {
        if (columns < 1) throw new PhospheneException($"an activation file needs at least 1 column, got {columns}");
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
        var handle = File.OpenHandle(path, FileMode.Create, FileAccess.ReadWrite, FileShare.Read);
        var file = new ActivationFile(path, handle, 0, columns, writable: true);
        file.WriteHeader();
        return file;
    }

    /// <summary>Opens an existing file for reading.</summary>
    /// <exception cref="PhospheneException">Missing file, or not an activation file, or truncated.</exception>
    public static ActivationFile Open(string path)
    {
        if (!File.Exists(path)) throw new PhospheneException($"activation file '{path}' does not exist");
        var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        Span<byte> header = stackalloc byte[HeaderBytes];
        if (RandomAccess.Read(handle, header, 0) != HeaderBytes || System.Text.Encoding.ASCII.GetString(header[..8]) != Magic)
        {
            handle.Dispose();
            throw new PhospheneException($"'{path}' is not a Phosphene activation file (no {Magic} header)");
        }
        long rows = BitConverter.ToInt64(header[8..16]), columns = BitConverter.ToInt64(header[16..24]);
        if (RandomAccess.GetLength(handle) < HeaderBytes + rows * columns * 4)
        {
            handle.Dispose();
            throw new PhospheneException($"activation file '{path}' is truncated: its header promises {rows}×{columns} floats");
        }
        return new ActivationFile(path, handle, rows, columns, writable: false);
    }

    /// <summary>Appends rows (B×D, any float dtype; written as float32).</summary>
    public void Append(Tensor rows)
    {
        if (!_writable) throw new PhospheneException($"activation file '{Path}' was opened for reading");
        if (rows.dim() != 2 || rows.shape[1] != Columns)
            throw new PhospheneException($"activation file '{Path}' holds rows of {Columns} features, got [{string.Join(", ", rows.shape)}]");
        using var scope = NewDisposeScope();
        var data = rows.to(ScalarType.Float32).contiguous().data<float>().ToArray();
        RandomAccess.Write(_handle, MemoryMarshal.AsBytes(data.AsSpan()), HeaderBytes + Rows * Columns * 4);
        Rows += rows.shape[0];
        WriteHeader();
    }

    /// <summary>Rows [start, start + count) as a float32 count×D tensor.</summary>
    public Tensor Read(long start, long count)
    {
        if (start < 0 || count < 0 || start + count > Rows)
            throw new PhospheneException($"activation file '{Path}' has {Rows} rows; cannot read [{start}, {start + count})");
        var data = new float[count * Columns];
        var bytes = MemoryMarshal.AsBytes(data.AsSpan());
        long offset = HeaderBytes + start * Columns * 4;
        for (int done = 0; done < bytes.Length;)
        {
            int read = RandomAccess.Read(_handle, bytes[done..], offset + done);
            if (read == 0) throw new PhospheneException($"activation file '{Path}' ended early");
            done += read;
        }
        return tensor(data, [count, Columns]);
    }

    /// <summary>The whole matrix N×D in memory (float32).</summary>
    public Tensor ReadAll() => Read(0, Rows);

    void WriteHeader()
    {
        var header = new byte[HeaderBytes];
        System.Text.Encoding.ASCII.GetBytes(Magic).CopyTo(header, 0);
        BitConverter.GetBytes(Rows).CopyTo(header, 8);
        BitConverter.GetBytes(Columns).CopyTo(header, 16);
        RandomAccess.Write(_handle, header, 0);
    }

    /// <inheritdoc />
    public override string ToString() => $"{Path}: {Rows}×{Columns} float32";

    /// <inheritdoc />
    public void Dispose() => _handle.Dispose();
}
