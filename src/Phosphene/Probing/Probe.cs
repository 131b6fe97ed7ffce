using System.Text.Json.Nodes;
using Phosphene.Results;
using TorchSharp;
using static TorchSharp.torch;

namespace Phosphene.Probing;

/// <summary>What a probe predicts: class labels or continuous targets.</summary>
public enum ProbeTask
{
    /// <summary>Class labels: int64 N in [0, K); scored by accuracy.</summary>
    Classification,
    /// <summary>Continuous targets: float N or N×T; scored by R² averaged over targets.</summary>
    Regression,
}

/// <summary>
/// The shared base of the linear read-outs (probes) fitted on frozen features: the same fit / predict / score shape
/// for every probe, as scikit-learn estimators have, with input validation and optional randomised PCA in front.
/// </summary>
/// <remarks>
/// Features are N×D (any float dtype; converted internally). Classifiers take int64 labels N in [0, K); regressors
/// take float targets N (one target) or N×T. A probe owns its fitted tensors and disposes them.
/// </remarks>
public abstract class Probe : IRegistered, IDisposable
{
    RandomizedPca? _pca;
    int? _pcaComponents;

    /// <summary>The registry name of the probe: <c>logistic</c>, <c>ridge</c>, <c>pls</c>, <c>mlp-3dpc</c>.</summary>
    public abstract string Name { get; }

    /// <summary>What the probe fits, with its settings, in one line.</summary>
    public abstract string Summary { get; }

    /// <summary>Whether the probe classifies or regresses.</summary>
    public abstract ProbeTask Task { get; }

    /// <summary>
    /// When set, features are first reduced to this many principal components by a memory-bounded randomised PCA
    /// (<see cref="RandomizedPca"/>) fitted on the training features; null (default) uses the features as they are.
    /// </summary>
    public int? PcaComponents { get => _pcaComponents; init => _pcaComponents = value; }

    /// <summary>Seed of every random choice of the fit (PCA sketch, inner splits, dropout); default 0.</summary>
    public long Seed { get; init; }

    /// <summary>The feature dimension D the probe was fitted on (before PCA); 0 before fitting.</summary>
    public long FeatureCount { get; private set; }

    /// <summary>True once <see cref="Fit"/> has run.</summary>
    public bool IsFitted { get; private set; }

    /// <summary>The PCA fitted in front of the probe, when <see cref="PcaComponents"/> is set.</summary>
    public RandomizedPca? Pca => _pca;

    /// <summary>Fits the probe on features N×D and targets (labels N, or targets N / N×T); returns this probe.</summary>
    /// <exception cref="PhospheneException">Shapes, dtypes or values that do not fit; the message names the fix.</exception>
    public Probe Fit(Tensor features, Tensor targets)
    {
        CheckFeatures(features, "fit");
        CheckTargets(features, targets);
        ReleaseFit();
        FeatureCount = features.shape[1];
        using var scope = NewDisposeScope();
        var x = features.to(ScalarType.Float64);
        if (PcaComponents is int k)
        {
            _pca = RandomizedPca.Fit(x, k, seed: Seed);
            x = _pca.Transform(x).to(ScalarType.Float64);
        }
        FitCore(x, Task == ProbeTask.Classification ? targets : AsMatrix(targets).to(ScalarType.Float64));
        IsFitted = true;
        return this;
    }

    /// <summary>
    /// Predictions for features N×D: int64 labels N for a classifier; float64 N×T for a regressor.
    /// </summary>
    /// <exception cref="PhospheneException">Not fitted yet, or features of another width than the fit's.</exception>
    public Tensor Predict(Tensor features)
    {
        using var scope = NewDisposeScope();
        return Task == ProbeTask.Classification
            ? Decision(features).argmax(1).MoveToOuterDisposeScope()
            : Decision(features).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Class probabilities N×K (classifiers whose model is probabilistic; others get a softmax of their scores).
    /// </summary>
    public Tensor PredictProbabilities(Tensor features)
    {
        if (Task != ProbeTask.Classification)
            throw new PhospheneException($"probe '{Name}' is a regressor; class probabilities exist only for classifiers");
        using var scope = NewDisposeScope();
        return Decision(features).softmax(1).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The score on held-out data: accuracy for a classifier, R² averaged over targets for a regressor (as
    /// scikit-learn's <c>score</c>).
    /// </summary>
    public double Score(Tensor features, Tensor targets)
    {
        CheckTargets(features, targets);
        using var scope = NewDisposeScope();
        var predicted = Predict(features);
        return Task == ProbeTask.Classification
            ? ProbeMetrics.Accuracy(targets, predicted)
            : ProbeMetrics.R2(AsMatrix(targets), predicted).Average();
    }

    /// <summary>This (unfitted) probe with no PCA of its own: for features already reduced by a PCA fitted elsewhere.</summary>
    internal Probe WithoutPca()
    {
        _pcaComponents = null;
        return this;
    }

    /// <summary>
    /// Puts <paramref name="fitted"/>, a PCA of <paramref name="width"/>-wide features fitted outside (on a layer streamed
    /// to a file), in front of this probe fitted on its components; the probe then owns it and predicts on full-width features.
    /// </summary>
    internal void AttachPca(RandomizedPca fitted, long width)
    {
        _pca?.Dispose();
        _pca = fitted;
        FeatureCount = width;
    }

    /// <summary>A new, unfitted probe with the same settings (used by cross-validation).</summary>
    public abstract Probe CloneUnfitted();

    /// <summary>Scores N×K (class logits) or predictions N×T (float64) for validated float64 features.</summary>
    Tensor Decision(Tensor features)
    {
        if (!IsFitted) throw new PhospheneException($"probe '{Name}' is not fitted; call Fit(features, targets) first");
        CheckFeatures(features, "predict");
        if (features.shape[1] != FeatureCount)
            throw new PhospheneException(
                $"probe '{Name}' was fitted on {FeatureCount} features but got {features.shape[1]}; " +
                "pass features from the same layer and pooling as the fit");
        var x = features.to(ScalarType.Float64);
        if (_pca is not null) x = _pca.Transform(x).to(ScalarType.Float64);
        return DecisionCore(x);
    }

    /// <summary>Fits on float64 features N×D' (after PCA) and labels int64 N or targets float64 N×T.</summary>
    protected abstract void FitCore(Tensor features, Tensor targets);

    /// <summary>Class scores N×K or predictions N×T for float64 features N×D'.</summary>
    protected abstract Tensor DecisionCore(Tensor features);

    /// <summary>Disposes the fitted tensors of the derived probe (called before a refit and on dispose).</summary>
    protected abstract void ReleaseFitted();

    void ReleaseFit()
    {
        ReleaseFitted();
        _pca?.Dispose();
        _pca = null;
        IsFitted = false;
    }

    /// <summary>Targets as a 2-D matrix: N becomes N×1.</summary>
    internal static Tensor AsMatrix(Tensor targets) => targets.dim() == 1 ? targets.unsqueeze(1) : targets;

    void CheckFeatures(Tensor features, string purpose)
    {
        if (features.dim() != 2)
            throw new PhospheneException(
                $"probe '{Name}' ({purpose}) expects features N×D, got [{string.Join(", ", features.shape)}]; " +
                "pool or flatten activations first (SpatialPooling)");
        if (!features.is_floating_point())
            throw new PhospheneException($"probe '{Name}' ({purpose}) expects floating-point features, got {features.dtype}");
        if (features.shape[0] == 0) throw new PhospheneException($"probe '{Name}' ({purpose}) got no examples (N = 0)");
    }

    void CheckTargets(Tensor features, Tensor targets)
    {
        if (targets.shape.Length == 0 || targets.shape[0] != features.shape[0])
            throw new PhospheneException(
                $"probe '{Name}': features have {features.shape[0]} rows but targets have " +
                $"{(targets.shape.Length == 0 ? "none (a scalar)" : targets.shape[0].ToString())}; pass one target row per example");
        if (Task == ProbeTask.Classification)
        {
            if (targets.dim() != 1 || targets.dtype != ScalarType.Int64)
                throw new PhospheneException(
                    $"probe '{Name}' is a classifier and expects int64 labels N, got {targets.dtype} [{string.Join(", ", targets.shape)}]");
            using var scope = NewDisposeScope();
            if (targets.min().item<long>() < 0)
                throw new PhospheneException($"probe '{Name}': labels must be class indices 0..K-1, found a negative label");
        }
        else if (targets.dim() > 2 || !targets.is_floating_point())
            throw new PhospheneException(
                $"probe '{Name}' is a regressor and expects float targets N or N×T, got {targets.dtype} [{string.Join(", ", targets.shape)}]");
    }

    /// <summary>
    /// The probe as saved in a <see cref="ResultFile"/>: its name, settings and, when fitted, its fit diagnostics as
    /// values; its fitted tensors (and its PCA's) added to <paramref name="tensors"/> under <paramref name="prefix"/>.
    /// </summary>
    internal JsonObject Save(string prefix, List<(string, Tensor)> tensors)
    {
        if (IsFitted)
        {
            if (_pca is not null)
            {
                tensors.Add((prefix + "pca/mean", _pca.Mean));
                tensors.Add((prefix + "pca/components", _pca.Components));
            }
            foreach (var (name, tensor) in FittedTensors())
                tensors.Add((prefix + name, tensor));
        }
        return new JsonObject
        {
            ["name"] = Name, ["seed"] = Seed, ["pcaComponents"] = PcaComponents, ["settings"] = Settings(),
            ["fitted"] = IsFitted ? FittedValues() : null,
            ["featureCount"] = FeatureCount,
            ["pca"] = _pca is null ? null : new JsonObject
            {
                ["explainedVariance"] = ResultFile.Numbers(_pca.ExplainedVariance), ["totalVariance"] = ResultFile.Number(_pca.TotalVariance),
            },
        };
    }

    /// <summary>A probe written by <see cref="Save"/>, fitted if it was; <paramref name="tensor"/> reads a saved tensor by name.</summary>
    internal static Probe Restore(JsonNode json, string prefix, Func<string, Tensor> tensor)
    {
        var settings = json["settings"]!.AsObject();
        int? pcaComponents = (int?)json["pcaComponents"];
        long seed = (long)json["seed"]!;
        Probe probe = (string?)json["name"] switch
        {
            "ridge" => RidgeProbe.FromSettings(settings, pcaComponents, seed),
            "logistic" => LogisticRegressionProbe.FromSettings(settings, pcaComponents, seed),
            "pls" => PlsProbe.FromSettings(settings, pcaComponents, seed),
            "mlp-3dpc" => ThreeDpcProbe.FromSettings(settings, pcaComponents, seed),
            var other => throw new PhospheneException($"a saved probe names the probe '{other}', which this version does not know (probes: {string.Join(", ", Probes.Names)})"),
        };
        if (json["fitted"] is not JsonObject fitted) return probe;
        try
        {
            probe.FeatureCount = (long)json["featureCount"]!;
            if (json["pca"] is { } pca)
                probe._pca = new RandomizedPca(tensor(prefix + "pca/mean"), tensor(prefix + "pca/components"),
                                               ResultFile.Numbers(pca["explainedVariance"]!), ResultFile.Number(pca["totalVariance"]!));
            probe.RestoreFitted(fitted, name => tensor(prefix + name));
            probe.IsFitted = true;
            return probe;
        }
        catch
        {
            probe.Dispose();
            throw;
        }
    }

    /// <summary>The probe's own settings (its init properties beyond <see cref="PcaComponents"/> and <see cref="Seed"/>), as saved.</summary>
    private protected virtual JsonObject Settings() => throw new PhospheneException($"probe '{Name}' ({GetType().Name}) cannot be saved: only the built-in probes ({string.Join(", ", Probes.Names)}) save");

    /// <summary>Fit diagnostics worth keeping (the chosen penalty, the iterations), as saved.</summary>
    private protected virtual JsonObject FittedValues() => [];

    /// <summary>The fitted tensors that prediction needs.</summary>
    private protected virtual IEnumerable<(string Name, Tensor Tensor)> FittedTensors() => [];

    /// <summary>Restores what <see cref="FittedValues"/> and <see cref="FittedTensors"/> saved.</summary>
    private protected virtual void RestoreFitted(JsonObject values, Func<string, Tensor> tensor) { }

    /// <inheritdoc />
    public void Dispose()
    {
        ReleaseFit();
        GC.SuppressFinalize(this);
    }
}
