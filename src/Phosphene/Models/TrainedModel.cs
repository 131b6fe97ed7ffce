namespace Phosphene.Models;

/// <summary>
/// A zoo model trained on a dataset (or loaded from the checkpoint cache), in evaluation mode, with its metrics.
/// Disposing it disposes the model.
/// </summary>
public sealed class TrainedModel : IDisposable
{
    internal TrainedModel(ZooModel model, TrainingOptions options, CheckpointMetadata metadata, string checkpointPath, bool fromCache)
    {
        Model = model;
        Options = options;
        Metadata = metadata;
        CheckpointPath = checkpointPath;
        FromCache = fromCache;
    }

    /// <summary>The trained network (evaluation mode).</summary>
    public ZooModel Model { get; }

    /// <summary>The zoo name of the architecture.</summary>
    public string Architecture => Model.Architecture;

    /// <summary>The training options the weights came from.</summary>
    public TrainingOptions Options { get; }

    /// <summary>Everything recorded with the checkpoint: data hashes, history, speed.</summary>
    public CheckpointMetadata Metadata { get; }

    /// <summary>Wall-clock seconds the training took (when it ran; a cached model reports its original run).</summary>
    public double TrainSeconds => Metadata.TrainSeconds;

    /// <summary>Accuracy on the test data, in [0, 1].</summary>
    public double TestAccuracy => Metadata.TestAccuracy;

    /// <summary>Mean cross-entropy on the test data.</summary>
    public double TestLoss => Metadata.TestLoss;

    /// <summary>Per-epoch training loss and accuracy.</summary>
    public IReadOnlyList<EpochSummary> History => Metadata.History;

    /// <summary>True when the weights were loaded from the cache instead of trained in this call.</summary>
    public bool FromCache { get; }

    /// <summary>The weights file in the checkpoint cache.</summary>
    public string CheckpointPath { get; }

    /// <inheritdoc />
    public override string ToString() => System.FormattableString.Invariant(
        $"{Architecture}: test accuracy {TestAccuracy:P2}, trained in {TrainSeconds:F1} s{(FromCache ? " (from cache)" : "")}");

    /// <inheritdoc />
    public void Dispose() => Model.Dispose();
}
