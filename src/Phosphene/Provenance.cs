using System.Security.Cryptography;

namespace Phosphene;

/// <summary>A file results rest on: a dataset file read, or a model checkpoint loaded or written.</summary>
/// <param name="Kind"><c>dataset</c>, <c>checkpoint loaded</c>, <c>checkpoint trained</c> or <c>result loaded</c>.</param>
/// <param name="Name">The dataset and file (<c>fashion-mnist/train-images-idx3-ubyte.gz</c>), the checkpoint's architecture and key, or a saved result's type.</param>
/// <param name="Path">Where it was.</param>
/// <param name="Sha256">The sha256 of the file's bytes, lower-case hex.</param>
public sealed record ProvenanceInput(string Kind, string Name, string Path, string Sha256);

/// <summary>
/// The files this process's results rest on, recorded as they are used: every dataset file <see cref="Data.DataCatalog"/>
/// resolves, every checkpoint <see cref="Models.CheckpointStore"/> loads or writes and every saved result
/// <see cref="Results.ResultFile"/> opens, each once, with its sha256. An
/// executed notebook keeps them in its record.
/// </summary>
public static class Provenance
{
    private static readonly object Lock = new();
    private static readonly List<ProvenanceInput> Recorded = [];
    private static readonly Dictionary<string, (long Length, DateTime Written, string Sha256)> Hashes = [];

    /// <summary>Every file recorded so far, in the order first used.</summary>
    public static IReadOnlyList<ProvenanceInput> Inputs
    {
        get { lock (Lock) return Recorded.ToList(); }
    }

    /// <summary>Records <paramref name="path"/> (hashed once per length and write time).</summary>
    internal static void Record(string kind, string name, string path)
    {
        var info = new FileInfo(path);
        string sha256;
        lock (Lock)
        {
            sha256 = Hashes.TryGetValue(path, out var known) && known.Length == info.Length && known.Written == info.LastWriteTimeUtc
                ? known.Sha256 : "";
        }
        if (sha256.Length == 0)
        {
            using (var stream = File.OpenRead(path))
                sha256 = Convert.ToHexStringLower(SHA256.HashData(stream));
        }
        var input = new ProvenanceInput(kind, name, Path.GetFullPath(path), sha256);
        lock (Lock)
        {
            Hashes[path] = (info.Length, info.LastWriteTimeUtc, sha256);
            if (!Recorded.Contains(input))
                Recorded.Add(input);
        }
    }
}
