using System.Globalization;
using System.IO.Compression;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using static TorchSharp.torch;

namespace Phosphene.Results;

/// <summary>
/// A typed result saved to one file, so a shared analysis reopens without recomputing (<c>result.Save(path)</c>,
/// <c>AttributionResult.Load(path)</c>, …). The file is a zip in NumPy's <c>.npz</c> layout: every tensor is an
/// <c>.npy</c> entry (<see cref="NpyFormat"/>), and <c>result.json</c> holds the result's type, the toolkit version
/// that wrote it and every other value; <c>numpy.load(path)["maps/saliency"]</c> reads a tensor in Python.
/// </summary>
/// <remarks>
/// Non-finite numbers are written as the strings <c>"NaN"</c>, <c>"Infinity"</c> and <c>"-Infinity"</c> (JSON has no
/// literal for them). Writes go to a temporary file moved into place, so a failed save never leaves half a file.
/// Reading a result is recorded in <see cref="Provenance"/> (kind <c>result loaded</c>) with the file's sha256.
/// </remarks>
public sealed class ResultFile : IDisposable
{
    /// <summary>The value of <c>format</c> in <c>result.json</c>.</summary>
    public const string Format = "phosphene-result";

    /// <summary>The layout version written; files of a later version are refused.</summary>
    public const int Version = 1;

    private const string Manifest = "result.json";
    private readonly ZipArchive _archive;
    private readonly string _path;

    private ResultFile(ZipArchive archive, string path, string type, JsonObject values)
    {
        _archive = archive;
        _path = path;
        Type = type;
        Values = values;
    }

    /// <summary>The saved result's type name, e.g. <c>AttributionResult</c>.</summary>
    public string Type { get; }

    /// <summary>The saved values (everything but the tensors).</summary>
    public JsonObject Values { get; }

    /// <summary>
    /// Writes a result of type <paramref name="type"/> to <paramref name="path"/> (folders created, an existing file
    /// replaced): <paramref name="values"/> (which becomes part of the manifest) into <c>result.json</c>, each tensor as <c>name.npy</c>.
    /// </summary>
    /// <exception cref="PhospheneException">An empty or duplicate tensor name, a dtype .npy cannot hold, or an unwritable path.</exception>
    public static void Write(string path, string type, JsonObject values, IEnumerable<(string Name, Tensor Tensor)> tensors)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var full = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(full)!;
        var temporary = Path.Combine(folder, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            Directory.CreateDirectory(folder);
            using (var stream = File.Create(temporary))
            using (var zip = new ZipArchive(stream, ZipArchiveMode.Create))
            {
                var manifest = new JsonObject
                {
                    ["format"] = Format,
                    ["version"] = Version,
                    ["type"] = type,
                    ["phosphene"] = typeof(ResultFile).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "",
                    ["saved"] = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
                    ["values"] = values,
                };
                using (var entry = zip.CreateEntry(Manifest, CompressionLevel.Optimal).Open())
                    JsonSerializer.Serialize(entry, manifest, new JsonSerializerOptions { WriteIndented = true });
                var names = new HashSet<string>(StringComparer.Ordinal);
                foreach (var (name, tensor) in tensors)
                {
                    if (string.IsNullOrWhiteSpace(name) || !names.Add(name))
                        throw new PhospheneException($"cannot save {type}: tensor name '{name}' is empty or used twice");
                    using var entry = zip.CreateEntry(name + ".npy", CompressionLevel.Fastest).Open();
                    NpyFormat.Write(entry, tensor);
                }
            }
            File.Move(temporary, full, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new PhospheneException($"cannot save {type} to '{path}': {e.Message}");
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
    }

    /// <summary>Opens a result file saved as <paramref name="type"/>; dispose it after reading its tensors.</summary>
    /// <exception cref="PhospheneException">
    /// A missing file, a file that is not a saved result, one of another type (named, with the call that loads it),
    /// or of a later layout version.
    /// </exception>
    public static ResultFile Open(string path, string type)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path)) throw new PhospheneException($"no saved result at '{path}'");
        ZipArchive archive;
        try
        {
            archive = ZipFile.OpenRead(path);
        }
        catch (InvalidDataException)
        {
            throw new PhospheneException($"'{path}' is not a saved Phosphene result (not a zip archive); results are saved with .Save(path)");
        }
        try
        {
            var entry = archive.GetEntry(Manifest)
                ?? throw new PhospheneException($"'{path}' is a zip archive but not a saved Phosphene result (no {Manifest})");
            JsonObject manifest;
            try
            {
                using var stream = entry.Open();
                manifest = JsonNode.Parse(stream) as JsonObject ?? throw new JsonException("not an object");
            }
            catch (JsonException e)
            {
                throw new PhospheneException($"'{path}': its {Manifest} is not valid JSON ({e.Message})");
            }
            if ((string?)manifest["format"] != Format)
                throw new PhospheneException($"'{path}' is not a saved Phosphene result ({Manifest} has no \"format\": \"{Format}\")");
            int version = (int?)manifest["version"] ?? 0;
            if (version > Version)
                throw new PhospheneException($"'{path}' was saved in result layout {version} by Phosphene {(string?)manifest["phosphene"]}; this version reads up to layout {Version}: update Phosphene");
            var saved = (string?)manifest["type"] ?? "";
            if (saved != type)
                throw new PhospheneException($"'{path}' holds a {saved}, not a {type}: load it with {saved}.Load(path)");
            var values = manifest["values"] as JsonObject ?? throw new PhospheneException($"'{path}': its {Manifest} has no values");
            Provenance.Record("result loaded", type, path);
            return new ResultFile(archive, path, saved, values);
        }
        catch
        {
            archive.Dispose();
            throw;
        }
    }

    /// <summary>The tensor saved as <paramref name="name"/>, read into a new CPU tensor the caller owns.</summary>
    /// <exception cref="PhospheneException">No such tensor in the file, or a damaged entry.</exception>
    public Tensor Tensor(string name)
        => OptionalTensor(name) ?? throw new PhospheneException($"'{_path}' ({Type}) has no tensor '{name}'; the file is damaged or was not written by {Type}.Save");

    /// <summary>The tensor saved as <paramref name="name"/>, or null when the result had none (an optional tensor).</summary>
    public Tensor? OptionalTensor(string name)
    {
        var entry = _archive.GetEntry(name + ".npy");
        if (entry is null) return null;
        using var stream = entry.Open();
        using var buffered = new BufferedStream(stream, 1 << 16);
        return NpyFormat.Read(buffered, $"{_path}: {name}.npy", entry.Length);
    }

    /// <summary>The value saved as <paramref name="key"/>.</summary>
    /// <exception cref="PhospheneException">The file has no such value.</exception>
    public JsonNode Value(string key)
        => Values[key] ?? throw new PhospheneException($"'{_path}' ({Type}) has no value '{key}'; the file is damaged or was not written by {Type}.Save");

    /// <inheritdoc />
    public void Dispose() => _archive.Dispose();

    // ---- values: numbers that may be non-finite, lists and maps --------------------------------------------------

    /// <summary>A number as JSON: finite values as numbers, the others as <c>"NaN"</c>, <c>"Infinity"</c>, <c>"-Infinity"</c>.</summary>
    public static JsonNode Number(double value)
        => double.IsFinite(value) ? JsonValue.Create(value) : JsonValue.Create(value.ToString(CultureInfo.InvariantCulture))!;

    /// <summary>A number written by <see cref="Number(double)"/>.</summary>
    public static double Number(JsonNode node)
        => node.GetValueKind() == JsonValueKind.String
            ? double.Parse((string)node!, NumberStyles.Float, CultureInfo.InvariantCulture)
            : (double)node;

    /// <summary>An optional number as JSON: null stays null, the rest as <see cref="Number(double)"/>.</summary>
    public static JsonNode? Number(double? value) => value is { } v ? Number(v) : null;

    /// <summary>An optional number written by <see cref="Number(double?)"/>.</summary>
    public static double? OptionalNumber(JsonNode? node) => node is null ? null : Number(node);

    /// <summary>A duration as JSON: its seconds.</summary>
    public static JsonNode Duration(TimeSpan value) => Number(value.TotalSeconds);

    /// <summary>A duration written by <see cref="Duration(TimeSpan)"/>, to the tick (100 ns) it had.</summary>
    public static TimeSpan Duration(JsonNode node) => TimeSpan.FromTicks((long)Math.Round(Number(node) * TimeSpan.TicksPerSecond));

    /// <summary>Numbers as a JSON array.</summary>
    public static JsonArray Numbers(IEnumerable<double> values) => new(values.Select(Number).ToArray());

    /// <summary>The numbers of a JSON array written by <see cref="Numbers(IEnumerable{double})"/>.</summary>
    public static double[] Numbers(JsonNode node) => node.AsArray().Select(n => Number(n!)).ToArray();

    /// <summary>Strings as a JSON array.</summary>
    public static JsonArray Strings(IEnumerable<string> values) => new(values.Select(v => (JsonNode)JsonValue.Create(v)).ToArray());

    /// <summary>The strings of a JSON array.</summary>
    public static string[] Strings(JsonNode node) => node.AsArray().Select(n => (string)n!).ToArray();

    /// <summary>A string-keyed map as a JSON object, in the map's order.</summary>
    public static JsonObject Map<T>(IEnumerable<KeyValuePair<string, T>> map, Func<T, JsonNode?> value)
    {
        var json = new JsonObject();
        foreach (var (key, item) in map)
            json[key] = value(item);
        return json;
    }

    /// <summary>A JSON object read back as an ordered map.</summary>
    public static Dictionary<string, T> Map<T>(JsonNode node, Func<JsonNode, T> value)
        => node.AsObject().ToDictionary(p => p.Key, p => value(p.Value!));
}
