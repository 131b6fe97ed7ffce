using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Phosphene.Data;
using TorchSharp;

namespace Phosphene.Models;

/// <summary>
/// Trained zoo models on disk, keyed by what determines them: architecture, hyper-parameters, training options (seed
/// included) and the content hashes of the training and test data. Each checkpoint is two files in
/// <see cref="Directory"/>: <c>{architecture}-{key}.bin</c>, the weights in TorchSharp's <c>Module.save</c> format,
/// and <c>{architecture}-{key}.json</c>, its <see cref="CheckpointMetadata"/>. Both are written to temporary files
/// and then renamed, the metadata last, so a reader never sees a half-written checkpoint or a weights file alone.
/// </summary>
public sealed class CheckpointStore
{
    /// <summary>Layout version: part of every key, so a layout change never reads an old checkpoint.</summary>
    public const int FormatVersion = 1;

    // A run too short to time gives an infinite examples-per-second and a diverged one a NaN loss: JSON has no such
    // numbers, so they are written as the strings "Infinity" and "NaN" (and read back).
    static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };
    readonly string? explicitDirectory;

    /// <summary>Creates a store in <paramref name="directory"/>; default <c>models</c> under <see cref="PhospheneCache.Root"/>
    /// (<c>$PHOSPHENE_CACHE</c>, else <c>$XDG_CACHE_HOME/phosphene</c>, else <c>~/.cache/phosphene</c>).</summary>
    public CheckpointStore(string? directory = null) => explicitDirectory = directory;

    /// <summary>The folder holding the checkpoints (created on the first save).</summary>
    public string Directory => explicitDirectory ?? PhospheneCache.Folder("models");

    /// <summary>
    /// The checkpoint key: SHA-256 (hex) of the layout version, the architecture, <see cref="ModelHyperparameters.CacheKey"/>,
    /// <see cref="TrainingOptions.CacheKey"/> and the training and test data's <see cref="ImageDataset.ContentHash"/>.
    /// </summary>
    public static string Key(string architecture, ModelHyperparameters hyperparameters, TrainingOptions options,
                             ImageDataset train, ImageDataset test) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n',
            $"phosphene-checkpoint-v{FormatVersion}", architecture, hyperparameters.CacheKey, options.CacheKey,
            train.ContentHash, test.ContentHash))));

    /// <summary>
    /// The checkpoint key of any network: SHA-256 (hex) of the layout version, the architecture and
    /// <paramref name="parts"/> (texts naming everything else that determines the weights: options, data hashes).
    /// </summary>
    public static string Key(string architecture, params string[] parts) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n',
            [$"phosphene-checkpoint-v{FormatVersion}", architecture, .. parts]))));

    /// <summary>Path of the weights file of a checkpoint.</summary>
    public string WeightsPath(string architecture, string key) => Path.Combine(Directory, $"{architecture}-{key}.bin");

    /// <summary>Path of the metadata file of a checkpoint.</summary>
    public string MetadataPath(string architecture, string key) => Path.Combine(Directory, $"{architecture}-{key}.json");

    /// <summary>
    /// Loads the checkpoint <paramref name="key"/> into <paramref name="model"/> when it exists and is intact.
    /// Returns its metadata, or null when absent or unreadable (then the model's weights may be partly overwritten:
    /// build a fresh one before training).
    /// </summary>
    public CheckpointMetadata? TryLoad(ZooModel model, string key) => TryLoad(model, model.Architecture, key);

    /// <summary>
    /// Loads the checkpoint <paramref name="key"/> of <paramref name="architecture"/> into <paramref name="module"/>
    /// when it exists and is intact; returns its metadata, or null (see <see cref="TryLoad(ZooModel, string)"/>).
    /// </summary>
    public CheckpointMetadata? TryLoad(torch.nn.Module module, string architecture, string key)
    {
        string weights = WeightsPath(architecture, key), metadataPath = MetadataPath(architecture, key);
        if (!File.Exists(weights) || !File.Exists(metadataPath)) return null;
        try
        {
            var metadata = JsonSerializer.Deserialize<CheckpointMetadata>(File.ReadAllText(metadataPath), Json);
            if (metadata is null || metadata.FormatVersion != FormatVersion || metadata.Key != key) return null;
            module.load(weights);
            Provenance.Record("checkpoint loaded", $"{architecture}-{key}", weights);
            return metadata;
        }
        catch (Exception e) when (e is IOException or JsonException or ArgumentException or UnauthorizedAccessException)
        {
            // A truncated or foreign file: treat as absent; the caller retrains and overwrites it.
            return null;
        }
    }

    /// <summary>Writes <paramref name="model"/>'s weights and <paramref name="metadata"/> under <see cref="CheckpointMetadata.Key"/>.</summary>
    /// <returns>The path of the weights file.</returns>
    public string Save(ZooModel model, CheckpointMetadata metadata) => Save(model, model.Architecture, metadata);

    /// <summary>Writes <paramref name="module"/>'s weights and <paramref name="metadata"/> under <paramref name="architecture"/> and <see cref="CheckpointMetadata.Key"/>.</summary>
    /// <returns>The path of the weights file.</returns>
    public string Save(torch.nn.Module module, string architecture, CheckpointMetadata metadata)
    {
        // Serialized first: metadata that cannot be written leaves no file behind.
        var json = JsonSerializer.Serialize(metadata, Json);
        System.IO.Directory.CreateDirectory(Directory);
        string weights = WeightsPath(architecture, metadata.Key), metadataPath = MetadataPath(architecture, metadata.Key);
        string weightsTemporary = Temporary(weights), metadataTemporary = Temporary(metadataPath);
        try
        {
            module.save(weightsTemporary);
            File.WriteAllText(metadataTemporary, json);
            // The metadata is renamed last and a reader needs both, so a checkpoint never shows half written; when
            // that rename fails, the weights just renamed go too, so no .bin is left without its .json.
            File.Move(weightsTemporary, weights, overwrite: true);
            try
            {
                File.Move(metadataTemporary, metadataPath, overwrite: true);
            }
            catch
            {
                File.Delete(weights);
                throw;
            }
        }
        finally
        {
            if (File.Exists(weightsTemporary)) File.Delete(weightsTemporary);
            if (File.Exists(metadataTemporary)) File.Delete(metadataTemporary);
        }
        Provenance.Record("checkpoint trained", $"{architecture}-{metadata.Key}", weights);
        return weights;
    }

    static string Temporary(string destination) =>
        Path.Combine(Path.GetDirectoryName(destination)!, $".{Path.GetFileName(destination)}.{Guid.NewGuid():N}.tmp");
}
