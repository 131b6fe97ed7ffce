using System.Collections.Concurrent;

namespace Phosphene.Data;

/// <summary>
/// Resolves manifest files to verified local paths. For each file: the manifest's local folders first (used in place),
/// then the user cache (<see cref="CacheDirectory"/>/<c>name</c>/<c>file</c>), then each URL in order, downloaded with
/// progress into a temporary file beside its destination, verified, and only then renamed into place, so the cache
/// never holds a half-written or unverified file.
/// </summary>
public sealed class DataCatalog
{
    readonly IReadOnlyDictionary<string, DatasetManifest> _manifests;
    readonly HttpClient _http;
    readonly string? _explicitCache;
    // Files already verified in this process, keyed by path, with the length and write time they were verified at.
    readonly ConcurrentDictionary<string, (long Length, DateTime Written)> _verified = new();

    // Declared before Default: static initialisers run in textual order.
    static readonly Lazy<HttpClient> SharedHttp = new(() => new HttpClient(new SocketsHttpHandler
    {
        ConnectTimeout = TimeSpan.FromSeconds(30),
    }) { Timeout = Timeout.InfiniteTimeSpan });

    /// <summary>The catalogue of the manifests shipped with Phosphene, caching under <see cref="PhospheneCache.Root"/>.</summary>
    public static DataCatalog Default { get; } = new(BuiltInManifests());

    /// <summary>Creates a catalogue over the given manifests.</summary>
    /// <param name="manifests">Manifests by name.</param>
    /// <param name="cacheDirectory">Dataset cache folder; default <c>datasets</c> under <see cref="PhospheneCache.Root"/>.</param>
    /// <param name="http">Client for downloads; default a client with a 30 s connect timeout.</param>
    public DataCatalog(IEnumerable<DatasetManifest> manifests, string? cacheDirectory = null, HttpClient? http = null)
    {
        this._manifests = manifests.ToDictionary(m => m.Name);
        _explicitCache = cacheDirectory;
        this._http = http ?? SharedHttp.Value;
    }


    /// <summary>Folder under which each dataset's downloaded files are kept, one sub-folder per manifest.</summary>
    public string CacheDirectory => _explicitCache ?? PhospheneCache.Folder("datasets");

    /// <summary>Names of the manifests in this catalogue.</summary>
    public IReadOnlyCollection<string> Names => _manifests.Keys.ToArray();

    /// <summary>The manifest called <paramref name="name"/>.</summary>
    /// <exception cref="PhospheneException">No such manifest; the message suggests the closest name.</exception>
    public DatasetManifest Manifest(string name) =>
        _manifests.TryGetValue(name, out var m) ? m
        : throw new PhospheneException(
            $"unknown dataset '{name}'{Suggestions.DidYouMean(name, _manifests.Keys)} " +
            $"(known: {string.Join(", ", _manifests.Keys.Order())})");

    /// <summary>Resolves one file of a manifest to a verified local path, downloading it if needed.</summary>
    /// <exception cref="PhospheneException">
    /// A found copy fails verification, or no source could provide the file (the message lists what was tried and
    /// how to provide the file by hand).
    /// </exception>
    public string Resolve(string datasetName, string fileName,
                          IProgress<DownloadProgress>? progress = null, CancellationToken cancellation = default)
    {
        var manifest = Manifest(datasetName);
        var file = manifest.File(fileName);
        var tried = new List<string>();

        foreach (var source in manifest.Sources.Where(s => s.Path is not null))
        {
            string candidate = Path.Combine(source.Path!, file.Name);
            if (!File.Exists(candidate)) { tried.Add($"{candidate} (not found)"); continue; }
            Verify(file, candidate);
            Provenance.Record("dataset", $"{manifest.Name}/{file.Name}", candidate);
            return candidate;
        }

        string cached = Path.Combine(CacheDirectory, manifest.Name, file.Name);
        if (File.Exists(cached))
        {
            Verify(file, cached);
            Provenance.Record("dataset", $"{manifest.Name}/{file.Name}", cached);
            return cached;
        }
        tried.Add($"{cached} (not in cache)");

        foreach (var source in manifest.Sources.Where(s => s.Url is not null))
        {
            var url = new Uri(new Uri(source.Url!.EndsWith('/') ? source.Url : source.Url + "/"), file.Name);
            try
            {
                Download(url, file, cached, progress, cancellation);
                Provenance.Record("dataset", $"{manifest.Name}/{file.Name}", cached);
                return cached;
            }
            catch (OperationCanceledException) when (cancellation.IsCancellationRequested) { throw; }
            catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException or PhospheneException)
            {
                tried.Add($"{url} ({e.Message})");
            }
        }

        throw new PhospheneException(
            $"could not obtain '{file.Name}' of dataset '{manifest.Name}'. Tried:\n  " + string.Join("\n  ", tried) +
            $"\nTo provide it by hand, get '{file.Name}' (sha256 {file.Sha256}, {file.Size} bytes)" +
            (manifest.Sources.FirstOrDefault(s => s.Url is not null) is { } u ? $" from {u.Url}" : "") +
            $" and place it at {cached}" +
            (manifest.Sources.FirstOrDefault(s => s.Path is not null) is { } p
                ? $", or put it in {p.Path}" + (p.Note is null ? "" : $" ({p.Note})") : "") + ".");
    }

    void Verify(ManifestFile file, string path)
    {
        var info = new FileInfo(path);
        if (_verified.TryGetValue(path, out var seen) && seen == (info.Length, info.LastWriteTimeUtc)) return;
        if (file.Mismatch(path) is { } mismatch)
            throw new PhospheneException(mismatch + ". Delete the file (or fix the source) so a good copy can be fetched.");
        _verified[path] = (info.Length, info.LastWriteTimeUtc);
    }

    void Download(Uri url, ManifestFile file, string destination,
                  IProgress<DownloadProgress>? progress, CancellationToken cancellation)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
        string temp = $"{destination}.partial-{Environment.ProcessId}-{Guid.NewGuid():N}";
        try
        {
            using (var response = _http.Send(new HttpRequestMessage(HttpMethod.Get, url),
                                            HttpCompletionOption.ResponseHeadersRead, cancellation))
            {
                if (!response.IsSuccessStatusCode)
                    throw new HttpRequestException($"HTTP {(int)response.StatusCode} {response.ReasonPhrase}");
                long total = response.Content.Headers.ContentLength ?? file.Size;
                using var body = response.Content.ReadAsStream(cancellation);
                using var output = new FileStream(temp, FileMode.CreateNew, FileAccess.Write);
                var buffer = new byte[1 << 16];
                long received = 0;
                int read;
                while ((read = body.Read(buffer)) > 0)
                {
                    cancellation.ThrowIfCancellationRequested();
                    output.Write(buffer, 0, read);
                    received += read;
                    progress?.Report(new DownloadProgress(file.Name, received, total));
                }
            }
            if (file.Mismatch(temp) is { } mismatch) throw new PhospheneException(mismatch);
            File.Move(temp, destination, overwrite: true);
            var info = new FileInfo(destination);
            _verified[destination] = (info.Length, info.LastWriteTimeUtc);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    static IEnumerable<DatasetManifest> BuiltInManifests()
    {
        var assembly = typeof(DataCatalog).Assembly;
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith("data-manifests/")))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            yield return DatasetManifest.Parse(reader.ReadToEnd(), resource);
        }
    }
}

/// <summary>Progress of one file download: bytes received so far out of the expected total.</summary>
public readonly record struct DownloadProgress(string FileName, long BytesReceived, long TotalBytes)
{
    /// <summary>Fraction done in [0, 1].</summary>
    public double Fraction => TotalBytes <= 0 ? 0 : Math.Min(1.0, (double)BytesReceived / TotalBytes);
}
