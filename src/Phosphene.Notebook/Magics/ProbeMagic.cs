using System.Globalization;
using Microsoft.Data.Analysis;
using Phosphene.Data;
using Phosphene.Models;
using Phosphene.Notebook.Display;
using Phosphene.Probing;
using TorchSharp;
using static TorchSharp.torch;

namespace Phosphene.Notebook.Magics;

/// <summary>
/// <c>%probe</c>: reads out what layers encode, over <see cref="LayerProbing"/>, <see cref="SimilarityMatrix"/> and
/// <see cref="NeuralPredictivity"/> in the core.
/// <code>
/// %probe --model net --layers features.2,features.6 --inputs {x} --labels {y} [--probe logistic|ridge|pls|mlp-3dpc]
///        [--pool flatten|avg|grid:4] [--folds 5] [--test-fraction 0.2] [--c auto] [--permutations 0] [--memory-gib 4] [--seed 0] [--as probes]
/// %probe --features {X} --labels {y} [--probe ...]                            (result key: features)
/// %probe similarity --model net --other net2 --inputs {x} [--measure cka|cka-unbiased|rsa]
/// %probe predictivity --model net --layers ... --inputs {stimuli} --responses {df} [--trials-axis 2]
/// </code>
/// </summary>
public sealed class ProbeMagic : Magic
{
    static readonly string[] ProbeOnly = ["features", "labels", "probe", "c", "alpha", "components", "pca", "permutations", "metric", "test-fraction", "memory-gib"];

    /// <inheritdoc/>
    public override string Name => "probe";

    /// <inheritdoc/>
    public override string Summary =>
        "Linear probes per layer (Alain & Bengio 2017), representational similarity (CKA, RSA) and neural predictivity (Brain-Score).";

    /// <inheritdoc/>
    protected override void Declare(MagicDeclaration d)
    {
        d.SubcommandRequired = false;
        d.Option<object?>("model", null, "The model (a session variable: a zoo model, a TrainedModel or any single-input module).");
        d.Option<IReadOnlyList<string>>("layers", [], "Layer paths, e.g. features.2,features.6,classifier.1.");
        d.Option<object?>("inputs", null, "Inputs N×C×H×W (a tensor or an ImageDataset), e.g. {x[..1000]}.");
        d.Option("pool", "flatten", "Spatial pooling of convolutional layers: flatten, avg or grid:k.");
        d.Option("folds", 5, "Cross-validation folds (stratified for classifiers), or the number of splits with --test-fraction.");
        d.Option("test-fraction", 0.0, "Hold out this fraction in each of --folds seeded shuffle-splits (stratified for classifiers) instead of k-fold; 0 for k-fold.");
        d.Option("seed", 0L, "Seed of folds, permutations and probes.");
        d.Option("batch-size", 256, "Inputs per forward pass while capturing activations.");
        d.Option("memory-gib", 4.0, "GiB the captured features may take: layers over it together are probed one at a time; a single layer over it is streamed to a file and reduced by --pca, or refused without --pca.");
        d.Option<object?>("features", null, "Features N×D given directly instead of a model (the result's key is 'features').");
        d.Option<object?>("labels", null, "Targets: int64 labels N (classifiers) or float N / N×T (regressors); default the dataset's labels.");
        d.Option("probe", "logistic", "The probe.", choices: Probes.Names);
        d.Option("c", "auto", "Logistic C (inverse L2 strength, scikit-learn's C), or 'auto' to choose it by 3-fold inner cross-validation over ten values 1e-4..1e4, evenly spaced in log.");
        d.Option("alpha", "auto", "Ridge alpha, or 'auto' for leave-one-out over 1e-3..1e7.");
        d.Option("components", 25, "PLS components.");
        d.Option("pca", 0, "Randomised PCA to this many components before the probe; 0 for none.");
        d.Option("permutations", 0, "Label permutations for the chance level; 0 for none.");
        d.Option("metric", "auto", "Held-out score.", choices: ["auto", "accuracy", "balanced-accuracy", "r2", "pearson"]);
        d.Subcommand("similarity", "CKA or RSA between every layer of --model and every layer of --other (or of the same model), or data.", s =>
        {
            s.Option<object?>("other", null, "The second model; default --model itself (layer × layer within one model).");
            s.Option<IReadOnlyList<string>>("other-layers", [], "Layers of the second model; default the same paths as --layers.");
            s.Option<object?>("data", null, "Compare each layer to this N×T matrix (responses) instead of another model.");
            s.Option("measure", "cka", "The similarity measure.", choices: ["cka", "cka-unbiased", "rsa"]);
        });
        d.Subcommand("predictivity", "Brain-Score-style neural predictivity of each layer, ceiled by split-half reliability.", s =>
        {
            s.Required<object>("responses", "Responses N×T or N×T×R: a tensor, a DataFrame (wide: one numeric column per target; long: columns stimulus, target, trial, response), a 2-D array or a CSV path.");
            s.Option("mapping", "ridge", "The mapping from a layer to the responses.", choices: ["ridge", "pls"]);
            s.Option("trials-axis", 2, "Which axis of a 3-D responses tensor holds the repeated trials (the other two: stimuli, then targets). Long DataFrames and CSV files name their trial column instead.");
        });
    }

    /// <inheritdoc/>
    public override object? Run(MagicInvocation invocation, IMagicContext context)
    {
        var sub = invocation.Subcommand;
        if (sub is not null)
            foreach (var name in ProbeOnly)
                if (invocation.IsGiven(name))
                    throw new MagicException($"%probe {sub}: option '--{name}' applies to %probe without a subcommand; remove it");
        var pooling = Parse("pool", () => SpatialPooling.Parse(invocation.Get<string>("pool")));
        int folds = invocation.Get<int>("folds");
        if (folds < 2) throw new MagicException($"%probe: option '--folds' must be at least 2, got {folds}");
        int batchSize = invocation.Get<int>("batch-size");
        if (batchSize < 1) throw new MagicException($"%probe: option '--batch-size' must be at least 1, got {batchSize}");
        long seed = invocation.Get<long>("seed");
        using var progress = ProgressDisplay.Show(context, sub is null ? "probe" : $"probe {sub}");
        var report = progress.Adapt<ProbingProgress>(p => (p.Done, p.Total, p.Stage));
        try
        {
            return sub switch
            {
                "similarity" => Similarity(invocation, context, pooling, batchSize, report),
                "predictivity" => Predictivity(invocation, context, pooling, folds, seed, batchSize, report),
                _ => Probe(invocation, context, pooling, folds, seed, batchSize, report),
            };
        }
        finally
        {
            progress.Complete();
        }
    }

    static ProbingResult Probe(MagicInvocation invocation, IMagicContext context, SpatialPooling pooling, int folds, long seed,
                               int batchSize, IProgress<ProbingProgress> progress)
    {
        int permutations = invocation.Get<int>("permutations");
        if (permutations < 0) throw new MagicException($"%probe: option '--permutations' must be 0 or more, got {permutations}");
        double testFraction = invocation.Get<double>("test-fraction");
        if (!(testFraction >= 0 && testFraction < 1))
            throw new MagicException($"%probe: option '--test-fraction' must lie in (0, 1), or be 0 for k-fold, got {testFraction.ToString(CultureInfo.InvariantCulture)}");
        double memory = invocation.Get<double>("memory-gib");
        if (!(memory > 0)) throw new MagicException($"%probe: option '--memory-gib' must be positive, got {memory.ToString(CultureInfo.InvariantCulture)}");
        int pca = invocation.Get<int>("pca");
        if (pca < 0) throw new MagicException($"%probe: option '--pca' must be 0 (none) or more, got {pca}");
        double? c = ParseAuto("c", invocation.Get<string>("c"), positive: true);
        double? alpha = ParseAuto("alpha", invocation.Get<string>("alpha"), positive: false);
        var probe = Probes.Create(invocation.Get<string>("probe"), c, alpha, invocation.Get<int>("components"), pca == 0 ? null : pca, seed);
        var options = new ProbingOptions
        {
            Probe = probe, Pooling = pooling, Folds = folds, Permutations = permutations, Seed = seed, BatchSize = batchSize,
            TestFraction = testFraction > 0 ? testFraction : null,
            MemoryBudget = (long)(memory * (1L << 30)),
            Metric = invocation.Get<string>("metric") switch
            {
                "accuracy" => ProbeMetric.Accuracy,
                "balanced-accuracy" => ProbeMetric.BalancedAccuracy,
                "r2" => ProbeMetric.R2,
                "pearson" => ProbeMetric.Pearson,
                _ => null,
            },
        };
        var features = invocation.Get<object?>("features");
        var model = invocation.Get<object?>("model");
        if (features is not null && model is not null)
            throw new MagicException("%probe: give either '--features' or '--model' (with --layers and --inputs), not both");
        using var scope = NewDisposeScope();
        if (features is not null)
        {
            var x = AsTensor(features, "features");
            var labels = Targets(invocation, probe, null);
            return LayerProbing.Run(x, labels, options, progress, context.CancellationToken);
        }
        var (net, layers, inputs, dataset) = ModelInputs(invocation, "probe");
        var targets = Targets(invocation, probe, dataset);
        return LayerProbing.Run(net, layers, inputs, targets, options, progress, context.CancellationToken);
    }

    static SimilarityMatrix Similarity(MagicInvocation invocation, IMagicContext context, SpatialPooling pooling, int batchSize,
                                       IProgress<ProbingProgress> progress)
    {
        var measure = SimilarityMatrix.ParseMeasure(invocation.Get<string>("measure"));
        var (net, layers, inputs, _) = ModelInputs(invocation, "probe similarity");
        using var scope = NewDisposeScope();
        using var first = ActivationCapture.Capture(net, layers, inputs, pooling, batchSize, progress, context.CancellationToken);
        if (invocation.Get<object?>("data") is { } data)
        {
            if (invocation.Get<object?>("other") is not null)
                throw new MagicException("%probe similarity: give either '--other' or '--data', not both");
            return SimilarityMatrix.Compute(first, Responses(data, null, "probe similarity"), measure);
        }
        var otherValue = invocation.Get<object?>("other");
        var other = otherValue is null ? net : AsModel(otherValue, "other");
        var otherLayers = invocation.GetList<string>("other-layers") is { Count: > 0 } given ? given : layers;
        using var second = ActivationCapture.Capture(other, otherLayers, inputs, pooling, batchSize, progress, context.CancellationToken);
        bool same = otherValue is null;
        return SimilarityMatrix.Compute(first, second, measure, same ? "" : "model: ", same ? "" : "other: ");
    }

    static PredictivityResult Predictivity(MagicInvocation invocation, IMagicContext context, SpatialPooling pooling, int folds,
                                           long seed, int batchSize, IProgress<ProbingProgress> progress)
    {
        using var scope = NewDisposeScope();
        int? trialsAxis = invocation.IsGiven("trials-axis") ? invocation.Get<int>("trials-axis") : null;
        var responses = Responses(invocation.Get<object>("responses"), trialsAxis, "probe predictivity");
        var (net, layers, inputs, _) = ModelInputs(invocation, "probe predictivity");
        if (responses.shape[0] != inputs.shape[0])
            throw new MagicException(
                $"%probe predictivity: '--responses' has {responses.shape[0]} rows but '--inputs' has {inputs.shape[0]} stimuli; " +
                "pass one response row per stimulus, in the same order" + AxisHint(responses, trialsAxis ?? 2, inputs.shape[0]));
        Probe mapping = invocation.Get<string>("mapping") == "pls" ? new PlsProbe { Seed = seed } : new RidgeProbe { Seed = seed };
        using var activations = ActivationCapture.Capture(net, layers, inputs, pooling, batchSize, progress, context.CancellationToken);
        return NeuralPredictivity.Layers(activations, responses, mapping, folds, seed, progress, context.CancellationToken);
    }

    /// <summary>For 3-D responses whose stimuli do not line up: the trials axis that would make them line up, if any.</summary>
    static string AxisHint(Tensor responses, int trialsAxis, long stimuli)
    {
        if (responses.dim() != 3) return "";
        var given = responses.shape;   // already N×T×R after moving the trials axis last; recover the original layout
        var original = trialsAxis switch
        {
            0 => new[] { given[2], given[0], given[1] },
            1 => new[] { given[0], given[2], given[1] },
            _ => given,
        };
        for (int axis = 0; axis < 3; axis++)
        {
            if (axis == trialsAxis) continue;
            var rest = Enumerable.Range(0, 3).Where(a => a != axis).Select(a => original[a]).ToArray();
            if (rest[0] == stimuli)
                return $" (the responses [{string.Join(", ", original)}] are read as stimuli × targets × trials with trials on axis {trialsAxis}; " +
                       $"did you mean '--trials-axis {axis}'?)";
        }
        return $" (the responses [{string.Join(", ", original)}] are read as stimuli × targets × trials with trials on axis {trialsAxis})";
    }

    static (nn.Module<Tensor, Tensor> Model, IReadOnlyList<string> Layers, Tensor Inputs, ImageDataset? Dataset) ModelInputs(
        MagicInvocation invocation, string form)
    {
        var model = invocation.Get<object?>("model")
            ?? throw new MagicException($"%{form}: option '--model' is required (or '--features' for %probe); e.g. --model net");
        var net = AsModel(model, "model");
        var layers = invocation.GetList<string>("layers");
        if (layers.Count == 0)
        {
            var paths = net is ZooModel zoo ? zoo.LayerPaths : net.named_modules().Select(m => m.name).Where(n => n.Length > 0).ToList();
            throw new MagicException($"%{form}: option '--layers' is required, e.g. --layers {string.Join(",", paths.Take(3))} (layers: {string.Join(", ", paths)})");
        }
        var inputsValue = invocation.Get<object?>("inputs")
            ?? throw new MagicException($"%{form}: option '--inputs' is required: images N×C×H×W or an ImageDataset, e.g. --inputs {{x[..1000]}}");
        var dataset = inputsValue as ImageDataset;
        var inputs = dataset?.Images ?? AsTensor(inputsValue, "inputs");
        return (net, layers, inputs, dataset);
    }

    static Tensor Targets(MagicInvocation invocation, Probe probe, ImageDataset? dataset)
    {
        var value = invocation.Get<object?>("labels");
        if (value is null)
            return dataset?.Labels ?? throw new MagicException(
                "%probe: option '--labels' is required (int64 class labels N, or float targets N×T), unless '--inputs' is an ImageDataset");
        var targets = value switch
        {
            long[] a => tensor(a),
            int[] a => tensor(a.Select(v => (long)v).ToArray()),
            _ => AsTensor(value, "labels"),
        };
        if (probe.Task == ProbeTask.Classification && targets.dtype is ScalarType.Int32 or ScalarType.Int16 or ScalarType.Byte)
            targets = targets.to(ScalarType.Int64);
        if (probe.Task == ProbeTask.Regression && !targets.is_floating_point())
            targets = targets.to(ScalarType.Float64);
        return targets;
    }

    static nn.Module<Tensor, Tensor> AsModel(object value, string option) => value switch
    {
        TrainedModel trained => trained.Model,
        nn.Module<Tensor, Tensor> module => module,
        _ => throw new MagicException($"%probe: option '--{option}' must be a model (a zoo model, TrainedModel or single-input module), got {value.GetType().Name}"),
    };

    static Tensor AsTensor(object value, string option) => value switch
    {
        Tensor t => t,
        ImageDataset d => d.Images,
        float[,] a => tensor(a),
        double[,] a => tensor(a),
        double[] a => tensor(a),
        float[] a => tensor(a),
        DataFrame frame => FromDataFrame(frame, option),
        _ => throw new MagicException($"%probe: option '--{option}' must be a tensor, got {value.GetType().Name}"),
    };

    /// <summary>
    /// Responses as N×T or N×T×R (trials last), from a tensor or array (3-D: trials on <paramref name="trialsAxis"/>,
    /// default 2), a DataFrame (long: columns stimulus, target, trial, response; otherwise wide: one numeric column per
    /// target) or a CSV path (the same two layouts).
    /// </summary>
    static Tensor Responses(object value, int? trialsAxis, string form)
    {
        Tensor t;
        string layout;
        if (value is string path)
        {
            t = Parse("responses", () => NeuralPredictivity.LoadResponsesCsv(path));
            layout = $"the CSV file '{path}'";
        }
        else if (value is DataFrame frame && LongFormat(frame) is { } columns)
        {
            t = Parse("responses", () => NeuralPredictivity.FromLongTable(
                Indices(frame, columns[0]), Indices(frame, columns[1]), Indices(frame, columns[2]), Values(frame, columns[3]),
                "the DataFrame"));
            layout = "a long DataFrame (stimulus, target, trial, response)";
        }
        else
        {
            t = AsTensor(value, "responses");
            layout = t.dim() == 3 ? "" : value is DataFrame ? "a wide DataFrame (one column per target)" : $"a {t.dim()}-D tensor";
        }
        if (trialsAxis is not null && !(value is Tensor && t.dim() == 3))
            throw new MagicException(
                $"%{form}: option '--trials-axis' applies to 3-D responses (N×T×R tensors), but '--responses' is {layout}; remove it" +
                (layout.StartsWith("a long", StringComparison.Ordinal) || layout.StartsWith("the CSV", StringComparison.Ordinal)
                    ? " (the trial column already says which values are repeats)" : ""));
        if (t.dim() == 3)
        {
            int a = trialsAxis ?? 2;
            if (a is < 0 or > 2)
                throw new MagicException($"%{form}: option '--trials-axis' must be 0, 1 or 2 for 3-D responses, got {a}");
            return a == 2 ? t : t.movedim([a], [2]);
        }
        if (t.dim() is 1 or 2) return t.dim() == 1 ? t.unsqueeze(1) : t;
        throw new MagicException($"%{form}: '--responses' must be N×T or N×T×R, got [{string.Join(", ", t.shape)}]");
    }

    /// <summary>The stimulus, target, trial and response columns of a long DataFrame (any case), or null when wide.</summary>
    static DataFrameColumn[]? LongFormat(DataFrame frame)
    {
        var byName = frame.Columns.GroupBy(c => c.Name.Trim().ToLowerInvariant()).ToDictionary(g => g.Key, g => g.First());
        var found = NeuralPredictivity.LongColumns.Select(n => byName.GetValueOrDefault(n)).ToArray();
        if (found.Any(c => c is null)) return null;
        foreach (var c in found)
            if (!c!.IsNumericColumn())
                throw new MagicException($"%probe: the DataFrame given to '--responses' has a non-numeric '{c.Name}' column; long responses need numbers in stimulus, target, trial and response");
        return found!;
    }

    static long[] Indices(DataFrame frame, DataFrameColumn column)
    {
        var values = Values(frame, column);
        var result = new long[values.Length];
        for (int i = 0; i < values.Length; i++)
            result[i] = values[i] == Math.Floor(values[i])
                ? (long)values[i]
                : throw new MagicException($"%probe: the DataFrame given to '--responses' has {values[i].ToString(CultureInfo.InvariantCulture)} in column '{column.Name}', row {i}; it must be a 0-based integer index");
        return result;
    }

    static double[] Values(DataFrame frame, DataFrameColumn column)
    {
        var result = new double[frame.Rows.Count];
        for (long i = 0; i < result.Length; i++)
            result[i] = column[i] is { } v
                ? Convert.ToDouble(v, CultureInfo.InvariantCulture)
                : throw new MagicException($"%probe: the DataFrame given to '--responses' has a missing value in column '{column.Name}', row {i}");
        return result;
    }

    static Tensor FromDataFrame(DataFrame frame, string option)
    {
        var numeric = frame.Columns.Where(c => c.IsNumericColumn()).ToArray();
        if (numeric.Length == 0) throw new MagicException($"%probe: the DataFrame given to '--{option}' has no numeric columns");
        long n = frame.Rows.Count;
        var data = new float[n * numeric.Length];
        for (int j = 0; j < numeric.Length; j++)
            for (long i = 0; i < n; i++)
                data[i * numeric.Length + j] = numeric[j][i] is { } v
                    ? Convert.ToSingle(v, CultureInfo.InvariantCulture)
                    : throw new MagicException($"%probe: the DataFrame given to '--{option}' has a missing value in column '{numeric[j].Name}', row {i}");
        return tensor(data, [n, numeric.Length]);
    }

    static double? ParseAuto(string option, string text, bool positive)
    {
        if (text.Trim().Equals("auto", StringComparison.OrdinalIgnoreCase)) return null;
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && (positive ? v > 0 : v >= 0))
            return v;
        throw new MagicException(
            $"%probe: option '--{option}' must be 'auto' or a {(positive ? "positive" : "non-negative")} number, got '{text}'");
    }

    static T Parse<T>(string option, Func<T> parse)
    {
        try { return parse(); }
        catch (PhospheneException e) when (e is not MagicException)
        {
            throw new MagicException($"%probe: option '--{option}': {e.Message}");
        }
    }
}
