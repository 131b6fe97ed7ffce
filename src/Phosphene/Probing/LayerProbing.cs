using TorchSharp;
using static TorchSharp.torch;

namespace Phosphene.Probing;

/// <summary>
/// Reads out what each layer of a model encodes (Alain and Bengio 2017, "Understanding intermediate layers using linear
/// classifier probes"): captures the layers' activations for the inputs, then cross-validates a probe per layer, with
/// a permutation-test chance level when asked, and refits it on all examples for reuse.
/// </summary>
public static class LayerProbing
{
    /// <summary>Probes <paramref name="layers"/> of <paramref name="model"/> for <paramref name="targets"/>.</summary>
    /// <param name="model">Any single-input module (e.g. a zoo model).</param>
    /// <param name="layers">Module paths, e.g. <c>features.2</c>.</param>
    /// <param name="inputs">N inputs (images N×C×H×W).</param>
    /// <param name="targets">int64 labels N for classifiers; float N or N×T for regressors.</param>
    /// <param name="options">Probe, pooling, folds, permutations, seed; default <see cref="ProbingOptions"/>'s.</param>
    /// <param name="progress">Capture progress, then one report per layer probed.</param>
    /// <param name="cancellation">Checked between batches and folds.</param>
    /// <exception cref="PhospheneException">Unknown layer, mismatched N, or targets that do not fit the probe.</exception>
    public static ProbingResult Run(nn.Module<Tensor, Tensor> model, IReadOnlyList<string> layers, Tensor inputs, Tensor targets,
                                    ProbingOptions? options = null, IProgress<ProbingProgress>? progress = null,
                                    CancellationToken cancellation = default)
    {
        options ??= new ProbingOptions();
        if (inputs.dim() < 1 || targets.dim() < 1 || inputs.shape[0] != targets.shape[0])
            throw new PhospheneException(
                $"{(inputs.dim() < 1 ? 0 : inputs.shape[0])} inputs but {(targets.dim() < 1 ? 0 : targets.shape[0])} targets; pass one target per input");
        using var activations = ActivationCapture.Capture(model, layers, inputs, options.Pooling, options.BatchSize, progress, cancellation);
        return Run(activations, targets, options, progress, cancellation);
    }

    /// <summary>Probes already captured activations (one probe per layer).</summary>
    public static ProbingResult Run(LayerActivations activations, Tensor targets, ProbingOptions? options = null,
                                    IProgress<ProbingProgress>? progress = null, CancellationToken cancellation = default) =>
        Run(activations.Layers, l => activations[l], targets, options ?? new ProbingOptions(), progress, cancellation);

    /// <summary>Probes a feature matrix N×D given directly; the result's only key is <c>features</c>.</summary>
    public static ProbingResult Run(Tensor features, Tensor targets, ProbingOptions? options = null,
                                    IProgress<ProbingProgress>? progress = null, CancellationToken cancellation = default)
    {
        options ??= new ProbingOptions();
        using var scope = NewDisposeScope();
        var x = features.dim() == 2 ? features : options.Pooling.Apply(features);
        return Run(["features"], _ => x, targets, options, progress, cancellation);
    }

    static ProbingResult Run(IReadOnlyList<string> layers, Func<string, Tensor> features, Tensor targets, ProbingOptions options,
                             IProgress<ProbingProgress>? progress, CancellationToken cancellation)
    {
        if (options.Folds < 2) throw new PhospheneException($"folds must be at least 2, got {options.Folds}");
        if (options.Permutations < 0) throw new PhospheneException($"permutations must be non-negative, got {options.Permutations}");
        var probe = options.Probe;
        var metric = options.Metric ?? (probe.Task == ProbeTask.Classification ? ProbeMetric.Accuracy : ProbeMetric.R2);
        if (features(layers[0]).shape[0] != targets.shape[0])
            throw new PhospheneException(
                $"features have {features(layers[0]).shape[0]} rows but targets have {targets.shape[0]}; pass one target per example");
        bool stratify = probe.Task == ProbeTask.Classification && targets.dim() == 1 && targets.dtype == ScalarType.Int64;
        var folds = options.TestFraction is double fraction
            ? stratify
                ? CrossValidation.StratifiedShuffleSplit(targets, options.Folds, fraction, options.Seed)
                : CrossValidation.ShuffleSplit(targets.shape[0], options.Folds, fraction, options.Seed)
            : stratify
                ? CrossValidation.StratifiedKFold(targets, options.Folds, options.Seed)
                : CrossValidation.KFold(targets.shape[0], options.Folds, options.Seed);
        var details = new Dictionary<string, CrossValidatedScore>();
        var refitted = new Dictionary<string, Probe>();
        try
        {
            for (int i = 0; i < layers.Count; i++)
            {
                var layer = layers[i];
                var x = features(layer);
                var score = CrossValidation.Score(probe, x, targets, folds, metric, keepProbes: true, cancellation);
                details[layer] = score;
                if (options.Permutations > 0)
                    score.Null = CrossValidation.PermutationNull(probe, x, targets, folds, options.Permutations, metric,
                                                                 options.Seed, cancellation);
                if (options.Refit) refitted[layer] = probe.CloneUnfitted().Fit(x, targets);
                progress?.Report(new ProbingProgress($"probe {layer}", i + 1, layers.Count));
            }
            return new ProbingResult(probe.Name, metric, options.Pooling, layers.ToArray(), details, refitted);
        }
        catch
        {
            foreach (var d in details.Values) d.Dispose();
            foreach (var p in refitted.Values) p.Dispose();
            throw;
        }
    }
}
