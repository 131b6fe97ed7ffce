using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Phosphene.Data;

/// <summary>
/// What Phosphene knows about one dataset or weight file set: its files with checksums, where to get them (in order),
/// its licence and citation. One JSON file per manifest in <c>data-manifests/</c>; the same files are embedded in the
/// library so <see cref="DataCatalog.Default"/> works from any host.
/// </summary>
public sealed record DatasetManifest
{
    /// <summary>Catalogue name, e.g. <c>fashion-mnist</c>.</summary>
    public required string Name { get; init; }
    /// <summary><c>dataset</c> or <c>weights</c>.</summary>
    public string Kind { get; init; } = "dataset";
    /// <summary>One-paragraph description.</summary>
    public required string Description { get; init; }
    /// <summary>Class names in label order, where the dataset has classes.</summary>
    public IReadOnlyList<string> Classes { get; init; } = [];
    /// <summary>The files of the dataset, each with its size and checksum.</summary>
    public required IReadOnlyList<ManifestFile> Files { get; init; }
    /// <summary>Where the files can be found, tried in order: local folders first, then URLs.</summary>
    public required IReadOnlyList<ManifestSource> Sources { get; init; }
    /// <summary>Licence of the data.</summary>
    public required ManifestLicense License { get; init; }
    /// <summary>How to cite the data.</summary>
    public required string Citation { get; init; }

    static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    /// <summary>Parses and validates a manifest. <paramref name="origin"/> names the file in error messages.</summary>
    /// <exception cref="PhospheneException">The JSON is malformed or a required field is missing or invalid.</exception>
    public static DatasetManifest Parse(string json, string origin)
    {
        DatasetManifest? manifest;
        try { manifest = JsonSerializer.Deserialize<DatasetManifest>(json, JsonOptions); }
        catch (JsonException e)
        {
            throw new PhospheneException($"manifest '{origin}' is not valid: {e.Message}", e);
        }
        if (manifest is null) throw new PhospheneException($"manifest '{origin}' is empty");
        manifest.Validate(origin);
        return manifest;
    }

    void Validate(string origin)
    {
        if (Files.Count == 0) throw new PhospheneException($"manifest '{origin}' lists no files");
        foreach (var file in Files)
        {
            if (string.IsNullOrWhiteSpace(file.Name) || file.Name.Contains('/') || file.Name.Contains(".."))
                throw new PhospheneException($"manifest '{origin}': file name '{file.Name}' must be a plain file name");
            if (!ManifestFile.IsSha256(file.Sha256))
                throw new PhospheneException($"manifest '{origin}': file '{file.Name}' has no valid sha256 (64 hex digits)");
            if (file.Content is { } c && (!ManifestFile.IsSha256(c.Sha256) || c.Encoding != "gzip"))
                throw new PhospheneException($"manifest '{origin}': content of '{file.Name}' needs encoding \"gzip\" and a sha256");
        }
        if (Sources.Count == 0) throw new PhospheneException($"manifest '{origin}' lists no sources");
        foreach (var source in Sources)
            if ((source.Path is null) == (source.Url is null))
                throw new PhospheneException($"manifest '{origin}': each source needs exactly one of \"path\" or \"url\"");
    }

    /// <summary>The file named <paramref name="fileName"/>, or an error that lists the manifest's files.</summary>
    public ManifestFile File(string fileName) =>
        Files.FirstOrDefault(f => f.Name == fileName)
        ?? throw new PhospheneException(
            $"dataset '{Name}' has no file '{fileName}'{Suggestions.DidYouMean(fileName, Files.Select(f => f.Name))}; " +
            $"its files are: {string.Join(", ", Files.Select(f => f.Name))}");
}

/// <summary>One file of a manifest: its name, byte size and SHA-256 as published.</summary>
/// <remarks>
/// Redistributors sometimes re-compress gzip files (Debian's <c>dataset-fashion-mnist</c> does), which changes the
/// bytes but not the data. For such files <see cref="Content"/> gives the checksum of the decompressed payload, and a
/// copy is accepted when either the archive or its payload matches.
/// </remarks>
public sealed record ManifestFile
{
    /// <summary>File name, as in the sources.</summary>
    public required string Name { get; init; }
    /// <summary>Size in bytes of the published file.</summary>
    public required long Size { get; init; }
    /// <summary>SHA-256 (lower-case hex) of the published file.</summary>
    public required string Sha256 { get; init; }
    /// <summary>MD5 as published by the authors, kept for reference; not used for verification.</summary>
    public string? Md5 { get; init; }
    /// <summary>Size and SHA-256 of the decompressed payload, when the file is compressed.</summary>
    public ManifestContent? Content { get; init; }

    internal static bool IsSha256(string? s) => s is { Length: 64 } && s.All(Uri.IsHexDigit);

    /// <summary>
    /// Checks a copy of this file. Returns null when it matches (archive bytes, or else decompressed payload), or a
    /// sentence describing the mismatch with expected and actual hashes.
    /// </summary>
    /// <exception cref="PhospheneException">The file is compressed and its gzip stream is truncated or corrupt.</exception>
    public string? Mismatch(string path)
    {
        var info = new FileInfo(path);
        string actual = HashFile(path);
        if (info.Length == Size && actual == Sha256) return null;
        if (Content is null)
            return $"checksum mismatch for '{Name}' at {path}: expected sha256 {Sha256} ({Size} bytes), " +
                   $"got {actual} ({info.Length} bytes)";
        (string contentHash, long contentSize) = HashGzipPayload(path);
        if (contentSize == Content.Size && contentHash == Content.Sha256) return null;
        return $"checksum mismatch for '{Name}' at {path}: expected sha256 {Sha256} ({Size} bytes) " +
               $"or decompressed sha256 {Content.Sha256} ({Content.Size} bytes), got {actual} ({info.Length} bytes), " +
               $"decompressed {contentHash} ({contentSize} bytes)";
    }

    static string HashFile(string path)
    {
        using var stream = System.IO.File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    (string Hash, long Size) HashGzipPayload(string path)
    {
        using var stream = System.IO.File.OpenRead(path);
        using var gzip = new GZipStream(stream, CompressionMode.Decompress);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 16];
        long total = 0;
        try
        {
            int read;
            while ((read = gzip.Read(buffer)) > 0) { sha.AppendData(buffer, 0, read); total += read; }
        }
        catch (InvalidDataException e)
        {
            throw new PhospheneException(
                $"'{path}' is not a valid gzip file ({e.Message}); delete it so Phosphene fetches '{Name}' again", e);
        }
        return (Convert.ToHexStringLower(sha.GetHashAndReset()), total);
    }
}

/// <summary>Checksum of a compressed file's decompressed payload.</summary>
public sealed record ManifestContent
{
    /// <summary>Compression of the file; only <c>gzip</c> is supported.</summary>
    public required string Encoding { get; init; }
    /// <summary>Size in bytes of the decompressed payload.</summary>
    public required long Size { get; init; }
    /// <summary>SHA-256 of the decompressed payload.</summary>
    public required string Sha256 { get; init; }
}

/// <summary>A place to get a manifest's files from: a local folder (<see cref="Path"/>) or a base URL (<see cref="Url"/>).</summary>
public sealed record ManifestSource
{
    /// <summary>Local folder holding the files under their manifest names.</summary>
    public string? Path { get; init; }
    /// <summary>Base URL; a file's URL is this plus its name.</summary>
    public string? Url { get; init; }
    /// <summary>Free text, e.g. which package installs the folder.</summary>
    public string? Note { get; init; }

    /// <inheritdoc />
    public override string ToString() => Path ?? Url!;
}

/// <summary>Licence of a dataset.</summary>
public sealed record ManifestLicense
{
    /// <summary>Licence name or SPDX identifier.</summary>
    public required string Name { get; init; }
    /// <summary>Where the licence text is.</summary>
    public string? Url { get; init; }
}
