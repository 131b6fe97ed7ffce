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
    /// <inheritdoc/>
    public override string Name => "probe";

    /// <inheritdoc/>
    public override string Summary =>
        "Linear probes per layer (Alain & Bengio 2017), representational similarity (CKA, RSA) and neural predictivity (Brain-Score).";

    /// <inheritdoc/>
    protected override void Declare(MagicDeclaration d)
    {
        d.Option(ValueKinds.Model, "model", "The model: a zoo model, a TrainedModel or any single-input module (required with a subcommand, or with --layers).");
        d.Option<IReadOnlyList<string>>("layers", [], "Layer paths, e.g. features.2,features.6,classifier.1.");
        d.Option(ValueKinds.Images, "inputs", "Inputs N×C×H×W (a float tensor or an ImageDataset), e.g. {x[..1000]}.");
        d.Option(ValueKinds.Pooling, "pool", "Spatial pooling of convolutional layers: flatten, avg or grid:k.", defaultWord: "flatten");
        d.Option("folds", 5, "Cross-validation folds (stratified for classifiers), or the number of splits with --test-fraction.", min: 2);
        d.Option("seed", 0L, "Seed of folds, permutations and probes.");
        d.Option("batch-size", 256, "Inputs per forward pass while capturing activations.", min: 1);
        d.Bare(b => b
            .Option(ValueKinds.Matrix, "features", "Features N×D given directly instead of a model (the result's key is 'features').")
            .Option(ValueKinds.Tensor, "labels", "Targets: int64 labels N (classifiers) or float N / N×T (regressors); default the dataset's labels.")
            .Option("probe", "logistic", "The probe.", choices: Probes.Names)
            .Option<double?>("c", null, "Logistic C (inverse L2 strength, scikit-learn's C), or auto: 3-fold inner cross-validation over ten values 1e-4..1e4, evenly spaced in log.", above: 0)
            .Option<double?>("alpha", null, "Ridge alpha, or auto: leave-one-out over 1e-3..1e7.", min: 0)
            .Option("components", 25, "PLS components.", min: 1)
            .Option("pca", 0, "Randomised PCA to this many components before the probe; 0 for none.", min: 0)
            .Option("permutations", 0, "Label permutations for the chance level; 0 for none.", min: 0)
            .Option<ProbeMetric?>("metric", null, "Held-out score; auto: accuracy for classifiers, R² for regressors.")
            .Option("test-fraction", 0.0, "Hold out this fraction in each of --folds seeded shuffle-splits (stratified for classifiers) instead of k-fold; 0 for k-fold.", min: 0, below: 1)
            .Option("memory-gib", 4.0, "GiB the captured features may take: layers over it together are probed one at a time; a single layer over it is streamed to a file and reduced by --pca, or refused without --pca.", above: 0));
        d.Subcommand("similarity", "CKA or RSA between every layer of --model and every layer of --other (or of the same model), or data.", s => s
            .Option(ValueKinds.Model, "other", "The second model; default --model itself (layer × layer within one model).")
            .Option<IReadOnlyList<string>>("other-layers", [], "Layers of the second model; default the same paths as --layers.")
            .Option(ValueKinds.Table, "data", "Compare each layer to this N×T matrix (responses) instead of another model.")
            .Option("measure", SimilarityMeasure.Cka, "The similarity measure."));
        d.Subcommand("predictivity", "Brain-Score-style neural predictivity of each layer, ceiled by split-half reliability.", s => s
            .Option(ValueKinds.Table, "responses", "Responses N×T or N×T×R: a tensor, a DataFrame (wide: one numeric column per target; long: columns stimulus, target, trial, response), a 2-D array or a CSV path.", required: true)
            .Option("mapping", "ridge", "The mapping from a layer to the responses.", choices: ["ridge", "pls"])
            .Option<int?>("trials-axis", null, "Which axis of a 3-D responses tensor holds the repeated trials (the other two: stimuli, then targets); auto: 2. Long DataFrames and CSV files name their trial column instead.", min: 0, max: 2));
    }

    /// <inheritdoc/>
    public override object? Run(MagicInvocation invocation, IMagicContext context)
    {
        using var progress = ProgressDisplay.Show(context, invocation.Form.TrimStart('%'));
        var report = progress.Adapt<ProbingProgress>(p => (p.Done, p.Total, p.Stage));
        try
        {
            return invocation.Subcommand switch
            {
                "similarity" => Similarity(invocation, report, context.CancellationToken),
                "predictivity" => Predictivity(invocation, report, context.CancellationToken),
                _ => Probe(invocation, report, context.CancellationToken),
            };
        }
        finally
        {
            progress.Complete();
        }
    }

    static ProbingResult Probe(MagicInvocation invocation, IProgress<ProbingProgress> progress, CancellationToken cancellation)
    {
        long seed = invocation.Get<long>("seed");
        int pca = invocation.Get<int>("pca");
        var probe = Probes.Create(invocation.Get<string>("probe"), invocation.Get<double?>("c"), invocation.Get<double?>("alpha"),
                                  invocation.Get<int>("components"), pca == 0 ? null : pca, seed);
        double testFraction = invocation.Get<double>("test-fraction");
        var options = new ProbingOptions
        {
            Probe = probe, Pooling = invocation.Get<SpatialPooling>("pool"), Folds = invocation.Get<int>("folds"), Permutations = invocation.Get<int>("permutations"),
            Seed = seed, BatchSize = invocation.Get<int>("batch-size"), TestFraction = testFraction > 0 ? testFraction : null,
            MemoryBudget = (long)(invocation.Get<double>("memory-gib") * (1L << 30)), Metric = invocation.Get<ProbeMetric?>("metric"),
        };
        var features = invocation.Get<Tensor?>("features");
        if (features is not null && invocation.IsGiven("model"))
            throw invocation.Error("give either '--features' or '--model' (with --layers and --inputs), not both");
        using var scope = NewDisposeScope();
        if (features is not null)
            return LayerProbing.Run(features, Targets(invocation, probe, null), options, progress, cancellation);
        var (net, layers, inputs) = ModelInputs(invocation);
        return LayerProbing.Run(net, layers, inputs.Images, Targets(invocation, probe, inputs), options, progress, cancellation);
    }

    static SimilarityMatrix Similarity(MagicInvocation invocation, IProgress<ProbingProgress> progress, CancellationToken cancellation)
    {
        var measure = invocation.Get<SimilarityMeasure>("measure");
        var (net, layers, inputs) = ModelInputs(invocation);
        var data = invocation.Get<TableValues?>("data");
        var other = invocation.Get<nn.Module<Tensor, Tensor>?>("other");
        if (data is not null && other is not null)
            throw invocation.Error("give either '--other' or '--data', not both");
        using var scope = NewDisposeScope();
        using var first = Capture(invocation, net, layers, inputs.Images, progress, cancellation);
        if (data is not null)
            return SimilarityMatrix.Compute(first, data.AsResponses(null, invocation.Form), measure);
        var otherLayers = invocation.GetList<string>("other-layers") is { Count: > 0 } given ? given : layers;
        using var second = Capture(invocation, other ?? net, otherLayers, inputs.Images, progress, cancellation);
        return other is null ? SimilarityMatrix.Compute(first, second, measure, "", "") : SimilarityMatrix.Compute(first, second, measure, "model: ", "other: ");
    }

    static PredictivityResult Predictivity(MagicInvocation invocation, IProgress<ProbingProgress> progress, CancellationToken cancellation)
    {
        using var scope = NewDisposeScope();
        int? trialsAxis = invocation.Get<int?>("trials-axis");
        var table = invocation.Get<TableValues>("responses");
        var responses = table.AsResponses(trialsAxis, invocation.Form);
        var (net, layers, inputs) = ModelInputs(invocation);
        if (responses.shape[0] != inputs.Images.shape[0])
            throw invocation.Error($"'--responses' has {responses.shape[0]} rows but '--inputs' has {inputs.Images.shape[0]} stimuli; " +
                                   "pass one response row per stimulus, in the same order" + table.AxisHint(trialsAxis ?? 2, inputs.Images.shape[0]));
        long seed = invocation.Get<long>("seed");
        Probe mapping = invocation.Get<string>("mapping") == "pls" ? new PlsProbe { Seed = seed } : new RidgeProbe { Seed = seed };
        using var activations = Capture(invocation, net, layers, inputs.Images, progress, cancellation);
        return NeuralPredictivity.Layers(activations, responses, mapping, invocation.Get<int>("folds"), seed, progress, cancellation);
    }

    // The layers' activations, pooled and batched as the options say.
    static LayerActivations Capture(MagicInvocation invocation, nn.Module<Tensor, Tensor> model, IReadOnlyList<string> layers, Tensor images,
                                    IProgress<ProbingProgress> progress, CancellationToken cancellation)
        => ActivationCapture.Capture(model, layers, images, invocation.Get<SpatialPooling>("pool"), invocation.Get<int>("batch-size"), progress, cancellation);

    // The model, its layers and the inputs: required together (the bare form may give --features instead).
    static (nn.Module<Tensor, Tensor> Model, IReadOnlyList<string> Layers, ImageInputs Inputs) ModelInputs(MagicInvocation invocation)
    {
        var net = invocation.Get<nn.Module<Tensor, Tensor>?>("model")
            ?? throw invocation.Error("option '--model' is required" + (invocation.Subcommand is null ? " (or '--features')" : "") + "; e.g. --model net");
        var layers = invocation.GetList<string>("layers");
        if (layers.Count == 0)
        {
            var paths = net is ZooModel zoo ? zoo.LayerPaths : net.named_modules().Select(m => m.name).Where(n => n.Length > 0).ToList();
            throw invocation.Error($"option '--layers' is required, e.g. --layers {string.Join(",", paths.Take(3))} (layers: {string.Join(", ", paths)})");
        }
        var inputs = invocation.Get<ImageInputs?>("inputs")
            ?? throw invocation.Error("option '--inputs' is required: images N×C×H×W or an ImageDataset, e.g. --inputs {x[..1000]}");
        return (net, layers, inputs);
    }

    // The probe's targets in the dtype its task needs; a dataset's own labels when none are given.
    static Tensor Targets(MagicInvocation invocation, Probe probe, ImageInputs? inputs)
    {
        var targets = invocation.Get<Tensor?>("labels") ?? inputs?.Dataset?.Labels ?? throw invocation.Error(
            "option '--labels' is required (int64 class labels N, or float targets N×T), unless '--inputs' is an ImageDataset");
        if (probe.Task == ProbeTask.Classification && targets.dtype is ScalarType.Int32 or ScalarType.Int16 or ScalarType.Byte)
            return targets.to(ScalarType.Int64);
        return probe.Task == ProbeTask.Regression && !targets.is_floating_point() ? targets.to(ScalarType.Float64) : targets;
    }
}
