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
        options.Validate();
        if (inputs.dim() < 1 || targets.dim() < 1 || inputs.shape[0] != targets.shape[0])
            throw new PhospheneException(
                $"{(inputs.dim() < 1 ? 0 : inputs.shape[0])} inputs but {(targets.dim() < 1 ? 0 : targets.shape[0])} targets; pass one target per input");
        var distinct = layers.Distinct().ToArray();
        long count = inputs.shape[0];
        var bytes = FeatureBytes(model, distinct, inputs, options.Pooling, count);
        var tooLarge = distinct.Where(l => bytes[l] > options.MemoryBudget).ToArray();
        if (tooLarge.Length > 0 && options.Probe.PcaComponents is null)
        {
            string Gib(long b) => (b / (double)(1L << 30)).ToString("F2", System.Globalization.CultureInfo.InvariantCulture);
            throw new PhospheneException(
                $"layer '{tooLarge[0]}' gives {count}×{bytes[tooLarge[0]] / sizeof(float) / count} float32 features ({Gib(bytes[tooLarge[0]])} GiB), " +
                $"over the memory budget of {Gib(options.MemoryBudget)} GiB (ProbingOptions.MemoryBudget); reduce it with a PCA " +
                "in front of the probe (Probe.PcaComponents: the layer is then streamed to a float32 file and reduced from there), pool it " +
                "(ProbingOptions.Pooling: average or grid), probe fewer inputs, or raise the budget");
        }
        if (distinct.Sum(l => bytes[l]) <= options.MemoryBudget)
        {
            using var activations = ActivationCapture.Capture(model, layers, inputs, options.Pooling, options.BatchSize, progress, cancellation);
            return Run(activations, targets, options, progress, cancellation);
        }
        // Together the layers exceed the budget: capture and probe one layer at a time; a layer over the budget on its
        // own is streamed to a float32 file, reduced there by the probe's randomised PCA, and probed on its components.
        string? directory = null;
        string? currentLayer = null;
        Tensor? current = null;
        var streamedPca = new Dictionary<string, RandomizedPca>();
        try
        {
            return Run(distinct, layer =>
            {
                if (currentLayer == layer) return current!;
                current?.Dispose();
                current = null;
                currentLayer = layer;
                if (bytes[layer] <= options.MemoryBudget)
                {
                    using var one = ActivationCapture.Capture(model, [layer], inputs, options.Pooling, options.BatchSize, progress, cancellation);
                    current = one[layer].clone();
                    return current;
                }
                directory ??= Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"phosphene-probe-{Guid.NewGuid():N}")).FullName;
                var files = ActivationCapture.CaptureToFiles(model, [layer], inputs, directory, options.Pooling, options.BatchSize, progress, cancellation);
                using (var file = files[layer])
                {
                    var pca = RandomizedPca.Fit(file, options.Probe.PcaComponents!.Value, seed: options.Probe.Seed);
                    streamedPca[layer] = pca;
                    current = pca.Transform(file);
                }
                File.Delete(Path.Combine(directory, layer + ".f32"));
                return current;
            }, targets, options, progress, cancellation, streamedPca);
        }
        finally
        {
            current?.Dispose();
            foreach (var pca in streamedPca.Values) pca.Dispose();   // those attached to refitted probes were taken out
            if (directory is not null) Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>Bytes of each layer's pooled float32 features for <paramref name="count"/> inputs, from one input's pass.</summary>
    static Dictionary<string, long> FeatureBytes(nn.Module<Tensor, Tensor> model, IReadOnlyList<string> layers, Tensor inputs,
                                                 SpatialPooling pooling, long count)
    {
        if (count == 0) return layers.ToDictionary(l => l, _ => 0L);
        using var one = ActivationCapture.Capture(model, layers, inputs.narrow(0, 0, 1), pooling, batchSize: 1);
        return layers.ToDictionary(l => l, l => count * one[l].shape[1] * sizeof(float));
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
        options.Validate();
        using var scope = NewDisposeScope();
        var x = features.dim() == 2 ? features : options.Pooling.Apply(features);
        return Run(["features"], _ => x, targets, options, progress, cancellation);
    }

    static ProbingResult Run(IReadOnlyList<string> layers, Func<string, Tensor> features, Tensor targets, ProbingOptions options,
                             IProgress<ProbingProgress>? progress, CancellationToken cancellation,
                             Dictionary<string, RandomizedPca>? streamedPca = null)
    {
        options.Validate();
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
                // A streamed layer arrives as its PCA components: the probe fits them without a PCA of its own.
                bool streamed = streamedPca?.ContainsKey(layer) == true;
                var layerProbe = streamed ? probe.CloneUnfitted().WithoutPca() : probe;
                var score = CrossValidation.Score(layerProbe, x, targets, folds, metric, keepProbes: true, cancellation);
                details[layer] = score;
                if (options.Permutations > 0)
                    score.Null = CrossValidation.PermutationNull(layerProbe, x, targets, folds, options.Permutations, metric,
                                                                 options.Seed, cancellation);
                if (options.Refit)
                {
                    var fitted = layerProbe.CloneUnfitted().Fit(x, targets);
                    if (streamed)
                    {
                        var pca = streamedPca![layer];
                        streamedPca.Remove(layer);
                        fitted.AttachPca(pca, pca.Mean.shape[0]);
                    }
                    refitted[layer] = fitted;
                }
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
