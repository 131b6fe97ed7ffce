namespace Phosphene.Synchrony;

/// <summary>
/// A trained KuraNet with its task, training history, and held-out evaluations of the untrained and trained
/// couplings (same networks, same initial phases); what <see cref="KuraNetExperiment.Run"/> returns.
/// </summary>
public sealed class KuraNetRun(KuraNet net, SynchronyTask task, KuraNetTrainingResult training, KuraNetEvaluation untrained, KuraNetEvaluation trained) : IDisposable
{
    /// <summary>The trained network (evaluation mode).</summary>
    public KuraNet Net { get; } = net;
    /// <summary>The task it was trained on.</summary>
    public SynchronyTask Task { get; } = task;
    /// <summary>Loss per iteration and time.</summary>
    public KuraNetTrainingResult Training { get; } = training;
    /// <summary>Held-out evaluation of the untrained network.</summary>
    public KuraNetEvaluation Untrained { get; } = untrained;
    /// <summary>Held-out evaluation of the trained network.</summary>
    public KuraNetEvaluation Trained { get; } = trained;

    /// <inheritdoc/>
    public override string ToString() => $"KuraNet on {Task.Name}: held-out untrained {Untrained}; trained {Trained}";

    /// <inheritdoc/>
    public void Dispose()
    {
        Net.Dispose();
        Untrained.Dispose();
        Trained.Dispose();
    }
}
