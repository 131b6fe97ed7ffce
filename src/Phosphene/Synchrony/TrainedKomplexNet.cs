using Phosphene.Models;

namespace Phosphene.Synchrony;

/// <summary>A KomplexNet (or baseline) trained by <see cref="KomplexNetTrainer.Trained"/>, fresh or from the cache.</summary>
public sealed class TrainedKomplexNet : IDisposable
{
    internal TrainedKomplexNet(KomplexNet net, CheckpointMetadata metadata, string path, bool fromCache)
    {
        Net = net;
        Metadata = metadata;
        CheckpointPath = path;
        FromCache = fromCache;
    }

    /// <summary>The trained network (evaluation mode).</summary>
    public KomplexNet Net { get; }
    /// <summary>What produced it: options, data hashes, training time, test accuracy and per-epoch history.</summary>
    public CheckpointMetadata Metadata { get; }
    /// <summary>Path of the weights file.</summary>
    public string CheckpointPath { get; }
    /// <summary>True when the weights were loaded from the cache rather than trained now.</summary>
    public bool FromCache { get; }

    /// <inheritdoc />
    public override string ToString() => FormattableString.Invariant(
        $"{Metadata.Architecture}: test top-2 accuracy {Metadata.TestAccuracy:P1}, trained in {Metadata.TrainSeconds:F0} s{(FromCache ? " (loaded from cache)" : "")}");

    /// <inheritdoc />
    public void Dispose() => Net.Dispose();
}
