using TorchSharp;
using static TorchSharp.torch;

namespace Phosphene.Data;

/// <summary>Which part of a dataset: the training or the test split.</summary>
public enum DatasetSplit
{
    /// <summary>The training split.</summary>
    Train,
    /// <summary>The held-out test split.</summary>
    Test,
}

/// <summary>
/// Labelled images held as tensors: <see cref="Images"/> float32 N×C×H×W in [0, 1], <see cref="Labels"/> int64 N.
/// The dataset owns its tensors and disposes them.
/// </summary>
public sealed class ImageDataset : IDisposable
{
    /// <summary>Dataset name, e.g. <c>fashion-mnist</c> (with a split or subset suffix where relevant).</summary>
    public string Name { get; }
    /// <summary>float32 N×C×H×W images in [0, 1].</summary>
    public Tensor Images { get; }
    /// <summary>int64 N class indices.</summary>
    public Tensor Labels { get; }
    /// <summary>Class names in label order.</summary>
    public IReadOnlyList<string> ClassNames { get; }
    /// <summary>SHA-256 (hex) identifying the data: equal hashes mean equal images and labels.</summary>
    public string ContentHash { get; }
    /// <summary>Number of examples N.</summary>
    public long Count => Images.shape[0];

    /// <summary>Wraps tensors as a dataset; the dataset takes ownership of them (they leave any dispose scope).</summary>
    /// <exception cref="PhospheneException">Shapes or dtypes do not match the conventions above.</exception>
    public ImageDataset(string name, Tensor images, Tensor labels, IReadOnlyList<string> classNames, string contentHash)
    {
        if (images.dim() != 4 || images.dtype != ScalarType.Float32)
            throw new PhospheneException(
                $"dataset '{name}': images must be float32 N×C×H×W, got {images.dtype} [{string.Join(", ", images.shape)}]");
        if (labels.dim() != 1 || labels.dtype != ScalarType.Int64 || labels.shape[0] != images.shape[0])
            throw new PhospheneException(
                $"dataset '{name}': labels must be int64 of length {images.shape[0]}, got {labels.dtype} [{string.Join(", ", labels.shape)}]");
        Name = name;
        Images = images.DetachFromDisposeScope();
        Labels = labels.DetachFromDisposeScope();
        ClassNames = classNames;
        ContentHash = contentHash;
    }

    /// <summary>The examples [start, start + count) as a new dataset sharing no storage with this one.</summary>
    public ImageDataset Slice(long start, long count)
    {
        if (start < 0 || count < 0 || start + count > Count)
            throw new PhospheneException($"dataset '{Name}' has {Count} examples; cannot take [{start}, {start + count})");
        using var scope = NewDisposeScope();
        return new ImageDataset($"{Name}[{start}:{start + count}]",
            Images.narrow(0, start, count).clone(), Labels.narrow(0, start, count).clone(), ClassNames,
            Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(
                System.Text.Encoding.UTF8.GetBytes($"{ContentHash}:{start}:{count}"))));
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"{Name}: {Count} images {string.Join("×", Images.shape.Skip(1))}, {ClassNames.Count} classes";

    /// <inheritdoc />
    public void Dispose()
    {
        Images.Dispose();
        Labels.Dispose();
    }
}
