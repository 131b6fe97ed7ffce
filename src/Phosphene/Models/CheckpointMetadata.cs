namespace Phosphene.Models;

/// <summary>
/// What a cached checkpoint holds besides its weights: what produced it (architecture, hyper-parameters, training
/// options, data hashes) and how the training went. Stored as JSON beside the weights.
/// </summary>
public sealed record CheckpointMetadata
{
    /// <summary>Version of this layout; a checkpoint of another version is ignored and retrained.</summary>
    public int FormatVersion { get; init; } = CheckpointStore.FormatVersion;

    /// <summary>The checkpoint key (SHA-256 hex, see <see cref="CheckpointStore.Key(string, string[])"/>).</summary>
    public string Key { get; init; } = "";

    /// <summary>The zoo name of the architecture.</summary>
    public string Architecture { get; init; } = "";

    /// <summary><see cref="ModelHyperparameters.CacheKey"/> of the model.</summary>
    public string Hyperparameters { get; init; } = "";

    /// <summary><see cref="TrainingOptions.CacheKey"/> of the training run.</summary>
    public string Training { get; init; } = "";

    /// <summary>Name of the training data.</summary>
    public string TrainData { get; init; } = "";

    /// <summary>Content hash of the training data.</summary>
    public string TrainDataHash { get; init; } = "";

    /// <summary>Name of the test data.</summary>
    public string TestData { get; init; } = "";

    /// <summary>Content hash of the test data.</summary>
    public string TestDataHash { get; init; } = "";

    /// <summary>Trainable scalars of the model.</summary>
    public long ParameterCount { get; init; }

    /// <summary>Wall-clock seconds the training took.</summary>
    public double TrainSeconds { get; init; }

    /// <summary>Training examples per second.</summary>
    public double ExamplesPerSecond { get; init; }

    /// <summary>Intra-op threads used for training.</summary>
    public int Threads { get; init; }

    /// <summary>Accuracy on the test data after training.</summary>
    public double TestAccuracy { get; init; }

    /// <summary>Mean cross-entropy on the test data after training.</summary>
    public double TestLoss { get; init; }

    /// <summary>The training history, one entry per epoch.</summary>
    public IReadOnlyList<EpochSummary> History { get; init; } = [];

    /// <summary>When the checkpoint was written (UTC).</summary>
    public DateTime CreatedUtc { get; init; }
}
