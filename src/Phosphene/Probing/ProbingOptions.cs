namespace Phosphene.Probing;

/// <summary>How <see cref="LayerProbing"/> reads out layers: which probe, pooling, folds, permutations and seed.</summary>
public sealed record ProbingOptions
{
    /// <summary>The probe to fit (a template; it is cloned per fold and layer). Default logistic regression, C = 1.</summary>
    public Probe Probe { get; init; } = new LogisticRegressionProbe();

    /// <summary>Spatial pooling of convolutional layers; default flatten.</summary>
    public SpatialPooling Pooling { get; init; } = SpatialPooling.Flatten;

    /// <summary>Cross-validation folds (stratified for classifiers); default 5.</summary>
    public int Folds { get; init; } = 5;

    /// <summary>
    /// When set, <see cref="Folds"/> seeded shuffle-splits that each hold out this fraction of the examples (stratified
    /// by class for classifiers: <see cref="CrossValidation.StratifiedShuffleSplit"/>) replace k-fold; default null (k-fold).
    /// </summary>
    public double? TestFraction { get; init; }

    /// <summary>Label permutations for the chance level; default 0 (none).</summary>
    public int Permutations { get; init; }

    /// <summary>The held-out score; default accuracy for classifiers, R² for regressors.</summary>
    public ProbeMetric? Metric { get; init; }

    /// <summary>Refit each layer's probe on all examples after cross-validation, for reuse on new data; default true.</summary>
    public bool Refit { get; init; } = true;

    /// <summary>
    /// Bytes the captured features may take (N × width × 4 per layer, after pooling); default 4 GiB. Layers that together
    /// exceed it are captured and probed one at a time. A single layer over it is streamed to a float32 file
    /// (<see cref="ActivationCapture.CaptureToFiles"/>) and reduced there by a <see cref="RandomizedPca"/> fitted on all its
    /// rows when the probe has <see cref="Probe.PcaComponents"/> (the refitted probe keeps that PCA and predicts on full-width
    /// features); without a PCA it is refused with the ways out.
    /// </summary>
    public long MemoryBudget { get; init; } = 4L << 30;

    /// <summary>Examples per forward pass while capturing; default 256.</summary>
    public int BatchSize { get; init; } = 256;

    /// <summary>Seed of the folds and permutations; default 0.</summary>
    public long Seed { get; init; }

    /// <summary>Checks every setting before any work.</summary>
    /// <exception cref="PhospheneException">The first invalid setting, with what it must be.</exception>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Probe);
        ArgumentNullException.ThrowIfNull(Pooling);
        if (Folds < 2) throw Invalid.Setting(nameof(ProbingOptions), nameof(Folds), Folds, "at least 2");
        if (TestFraction is { } fraction && !(fraction > 0 && fraction < 1))
            throw Invalid.Setting(nameof(ProbingOptions), nameof(TestFraction), fraction, "in (0, 1), or null for k-fold");
        if (Permutations < 0) throw Invalid.Setting(nameof(ProbingOptions), nameof(Permutations), Permutations, "at least 0");
        if (MemoryBudget < 1) throw Invalid.Setting(nameof(ProbingOptions), nameof(MemoryBudget), MemoryBudget, "at least 1 byte");
        if (BatchSize < 1) throw Invalid.Setting(nameof(ProbingOptions), nameof(BatchSize), BatchSize, "at least 1");
    }
}
