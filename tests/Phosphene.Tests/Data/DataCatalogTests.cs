using System.IO.Compression;
using System.Security.Cryptography;
using Phosphene.Data;

namespace Phosphene.Tests.Data;

public class DataCatalogTests
{
    static readonly byte[] Payload = Enumerable.Range(0, 5000).Select(i => (byte)(i * 31 % 256)).ToArray();

    static string Sha(byte[] b) => Convert.ToHexStringLower(SHA256.HashData(b));

    static byte[] Gzip(byte[] raw, CompressionLevel level)
    {
        using var memory = new MemoryStream();
        using (var gz = new GZipStream(memory, level)) gz.Write(raw);
        return memory.ToArray();
    }

    static DatasetManifest Manifest(byte[] published, IEnumerable<ManifestSource> sources, byte[]? content = null) => new()
    {
        Name = "toy",
        Description = "test data",
        Files = [new ManifestFile
        {
            Name = "toy.bin.gz", Size = published.Length, Sha256 = Sha(published),
            Content = content is null ? null : new ManifestContent { Encoding = "gzip", Size = content.Length, Sha256 = Sha(content) },
        }],
        Sources = sources.ToArray(),
        License = new ManifestLicense { Name = "CC0-1.0" },
        Citation = "none",
    };

    [Fact]
    public void LocalSourceIsUsedInPlace()
    {
        using var local = new TempDirectory();
        using var cache = new TempDirectory();
        var published = Gzip(Payload, CompressionLevel.Optimal);
        File.WriteAllBytes(local.File("toy.bin.gz"), published);
        var catalog = new DataCatalog([Manifest(published, [new ManifestSource { Path = local.Path }])], cache.Path);

        Assert.Equal(local.File("toy.bin.gz"), catalog.Resolve("toy", "toy.bin.gz"));
        Assert.Empty(Directory.EnumerateFileSystemEntries(cache.Path));
    }

    [Fact]
    public void RecompressedCopyIsAcceptedByContentChecksum()
    {
        using var local = new TempDirectory();
        var published = Gzip(Payload, CompressionLevel.Optimal);
        var recompressed = Gzip(Payload, CompressionLevel.NoCompression);
        Assert.NotEqual(Sha(published), Sha(recompressed));
        File.WriteAllBytes(local.File("toy.bin.gz"), recompressed);
        var catalog = new DataCatalog([Manifest(published, [new ManifestSource { Path = local.Path }], Payload)], local.Path);

        Assert.Equal(local.File("toy.bin.gz"), catalog.Resolve("toy", "toy.bin.gz"));
        // The record names the bytes actually read (the recompressed copy), not the manifest's published file.
        Assert.Contains(new ProvenanceInput("dataset", "toy/toy.bin.gz", Path.GetFullPath(local.File("toy.bin.gz")), Sha(recompressed)),
                        Provenance.Inputs);
    }

    [Fact]
    public void ChecksumMismatchNamesFileExpectedAndActualHash()
    {
        using var local = new TempDirectory();
        var published = Gzip(Payload, CompressionLevel.Optimal);
        var tampered = (byte[])published.Clone();
        tampered[^5] ^= 1; // inside the gzip trailer's CRC: the archive still decompresses to the same payload size
        File.WriteAllBytes(local.File("toy.bin.gz"), tampered);
        var catalog = new DataCatalog([Manifest(published, [new ManifestSource { Path = local.Path }])], local.Path);

        var e = Assert.Throws<PhospheneException>(() => catalog.Resolve("toy", "toy.bin.gz"));
        Assert.Equal(
            $"checksum mismatch for 'toy.bin.gz' at {local.File("toy.bin.gz")}: expected sha256 {Sha(published)} " +
            $"({published.Length} bytes), got {Sha(tampered)} ({tampered.Length} bytes). " +
            "Delete the file (or fix the source) so a good copy can be fetched.", e.Message);
    }

    [Fact]
    public void DownloadsWithProgressVerifiesAndCaches()
    {
        using var cache = new TempDirectory();
        var published = Gzip(Payload, CompressionLevel.Optimal);
        using var server = new LoopbackFileServer(new() { ["toy.bin.gz"] = published });
        var catalog = new DataCatalog(
            [Manifest(published, [new ManifestSource { Path = "/nonexistent/phosphene" }, new ManifestSource { Url = server.BaseUrl }])],
            cache.Path);
        var reports = new List<DownloadProgress>();
        var progress = new SynchronousProgress<DownloadProgress>(reports.Add);

        string path = catalog.Resolve("toy", "toy.bin.gz", progress);

        Assert.Equal(Path.Combine(cache.Path, "toy", "toy.bin.gz"), path);
        Assert.Equal(published, File.ReadAllBytes(path));
        Assert.Equal(["toy.bin.gz"], Directory.GetFiles(Path.GetDirectoryName(path)!).Select(Path.GetFileName));
        Assert.Equal(published.Length, reports[^1].BytesReceived);
        Assert.Equal(1.0, reports[^1].Fraction);

        // The second resolve comes from the cache: the server sees no new request.
        var fresh = new DataCatalog(
            [Manifest(published, [new ManifestSource { Url = server.BaseUrl }])], cache.Path);
        Assert.Equal(path, fresh.Resolve("toy", "toy.bin.gz"));
        Assert.Single(server.Requests);
    }

    [Fact]
    public void BadDownloadNeverLandsInCacheAndNextSourceIsTried()
    {
        using var cache = new TempDirectory();
        var published = Gzip(Payload, CompressionLevel.Optimal);
        var corrupt = published.Take(published.Length - 10).ToArray();
        using var bad = new LoopbackFileServer(new() { ["toy.bin.gz"] = corrupt });
        using var good = new LoopbackFileServer(new() { ["toy.bin.gz"] = published });
        var catalog = new DataCatalog(
            [Manifest(published, [new ManifestSource { Url = bad.BaseUrl }, new ManifestSource { Url = good.BaseUrl }])],
            cache.Path);

        string path = catalog.Resolve("toy", "toy.bin.gz");

        Assert.Equal(published, File.ReadAllBytes(path));
        Assert.Single(bad.Requests);
        Assert.Equal(["toy.bin.gz"], Directory.GetFiles(Path.GetDirectoryName(path)!).Select(Path.GetFileName));
    }

    [Fact]
    public void NoSourceReachableListsWhatWasTriedAndHowToProvideTheFile()
    {
        using var cache = new TempDirectory();
        var published = Gzip(Payload, CompressionLevel.Optimal);
        using var server = new LoopbackFileServer(new());
        var catalog = new DataCatalog(
            [Manifest(published, [new ManifestSource { Path = "/nonexistent/phosphene", Note = "apt install toy" },
                                  new ManifestSource { Url = server.BaseUrl }])],
            cache.Path);
        string cached = Path.Combine(cache.Path, "toy", "toy.bin.gz");

        var e = Assert.Throws<PhospheneException>(() => catalog.Resolve("toy", "toy.bin.gz"));

        Assert.Equal(
            "could not obtain 'toy.bin.gz' of dataset 'toy'. Tried:\n" +
            "  /nonexistent/phosphene/toy.bin.gz (not found)\n" +
            $"  {cached} (not in cache)\n" +
            $"  {server.BaseUrl}toy.bin.gz (HTTP 404 Not Found)\n" +
            $"To provide it by hand, get 'toy.bin.gz' (sha256 {Sha(published)}, {published.Length} bytes) from {server.BaseUrl} " +
            $"and place it at {cached}, or put it in /nonexistent/phosphene (apt install toy).", e.Message);
        Assert.False(Directory.Exists(Path.Combine(cache.Path, "toy")) &&
                     Directory.EnumerateFiles(Path.Combine(cache.Path, "toy")).Any());
    }

    [Fact]
    public void UnknownDatasetSuggestsClosestName()
    {
        var e = Assert.Throws<PhospheneException>(() => DataCatalog.Default.Manifest("fashion-mnst"));
        Assert.Equal("unknown dataset 'fashion-mnst'; did you mean 'fashion-mnist'? (known: fashion-mnist, mnist)", e.Message);
    }

    [Fact]
    public void ManifestWithoutChecksumIsRejected()
    {
        var e = Assert.Throws<PhospheneException>(() => DatasetManifest.Parse("""
            { "name": "x", "description": "d", "files": [ { "name": "a.bin", "size": 3, "sha256": "abc" } ],
              "sources": [ { "url": "http://127.0.0.1/" } ], "license": { "name": "MIT" }, "citation": "c" }
            """, "x.json"));
        Assert.Equal("manifest 'x.json': file 'a.bin' has no valid sha256 (64 hex digits)", e.Message);
    }

    [Fact]
    public void ShippedManifestsAreEmbeddedVerbatim()
    {
        string folder = Path.Combine(RepositoryRoot(), "data-manifests");
        var onDisk = Directory.GetFiles(folder, "*.json")
            .Select(f => DatasetManifest.Parse(File.ReadAllText(f), f)).OrderBy(m => m.Name).ToArray();
        Assert.Equal(onDisk.Select(m => m.Name), DataCatalog.Default.Names.Order());
        foreach (var m in onDisk)
            Assert.Equal(m.Files.Select(f => f.Sha256), DataCatalog.Default.Manifest(m.Name).Files.Select(f => f.Sha256));
    }

    internal static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Notebooks.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("tests must run inside the repository");
    }
}

/// <summary>IProgress that reports on the calling thread (Progress&lt;T&gt; posts to the thread pool).</summary>
public sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
