using Phosphene.Concepts;
using Phosphene.Data;
using Phosphene.Models;
using Phosphene.Notebook.Display;
using TorchSharp;
using static TorchSharp.torch;

namespace Phosphene.Notebook.Magics;

/// <summary>
/// <c>%craft</c>: CRAFT concept extraction and importance for one class (Fel et al. 2023, CVPR), concept attribution
/// maps, MaCo images of concepts, and factorisation of any activation matrix with the holistic paper's family of
/// methods. A thin layer over <see cref="Craft"/>, <see cref="Maco"/> and <see cref="ConceptDecomposition"/>.
/// </summary>
/// <remarks>
/// <code>
/// %craft --model net --layer features.6 --images {xTrain} --class 3 [--concepts 10] [--patch 14] [--stride 11]
///        [--method nmf|semi-nmf|pca|ica|kmeans|dictionary] [--importance sobol|gradient-input] [--designs 32]
///        [--sequence sobol|halton] [--seed 0] [--as craft]
/// %craft maps --result craft --images {x[..4]}
/// %craft visualize --result craft --concept 2 [--steps 256]
/// %craft decompose --activations {A} --concepts 10 --method nmf [--runs 3] [--as f]
/// </code>
/// </remarks>
public sealed class CraftMagic : Magic
{
    /// <inheritdoc />
    public override string Name => "craft";

    /// <inheritdoc />
    public override string Summary => "CRAFT concepts of a class (Fel et al., 2023): extraction, importance, concept maps, MaCo images, decompositions.";

    /// <inheritdoc />
    protected override void Declare(MagicDeclaration d)
    {
        d.SubcommandRequired = false;
        d.Subcommand("maps", "Concept attribution maps (implicit differentiation) of images for a CRAFT result.", s => s
            .Required<Craft>("result", "A CRAFT result (bound with --as)."));
        d.Subcommand("visualize", "MaCo feature visualisation of one concept of a CRAFT result.", s => s
            .Required<Craft>("result", "A CRAFT result (bound with --as).")
            .Required<int>("concept", "The concept to visualise (its index).")
            .Option("steps", 256, "Optimisation steps.")
            .Option("views", 8, "Augmented views per step."));
        d.Subcommand("decompose", "Factorise any activation matrix A (n×c) into U (n×r) and W (r×c).", s => s
            .Required<Tensor>("activations", "A, n×c, e.g. {A}.")
            .Option("runs", 0, "Seeded 90% subsample re-fits for the stability score (0: skip; else at least 2)."));
        d.Option<object?>("model", null, "The classifier: a zoo model or trained model (session variable). Required without a subcommand.");
        d.Option("layer", "", "Layer path to split the model at, e.g. features.6. Required without a subcommand.");
        d.Option<object?>("images", null, "Images N×C×H×W in [0, 1]: the class's images (a tensor, or a dataset whose images of --class are taken), or the images to map.");
        d.Option("class", -1, "The class whose logit the concepts explain. Required without a subcommand.");
        d.Option("concepts", 10, "Number of concepts r.");
        d.Option("patch", 0, "Crop side in pixels (0: half the shorter image side).");
        d.Option("stride", 0, "Crop stride in pixels (0: 0.8 × patch).");
        d.Option("method", "nmf", "Decomposition.", choices: ConceptDecomposition.Names);
        d.Option("importance", "sobol", "Importance estimator.", choices: ["sobol", "gradient-input"]);
        d.Option("designs", 32, "Sobol base designs.");
        d.Option("sequence", "sobol", "Low-discrepancy sequence of the Sobol masks.", choices: ["sobol", "halton"]);
        d.Option("seed", 0L, "Seed of every random choice.");
        d.Option("batch-size", 64, "Images per forward batch.");
    }

    /// <inheritdoc />
    public override object? Run(MagicInvocation invocation, IMagicContext context)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        ArgumentNullException.ThrowIfNull(context);
        return invocation.Subcommand switch
        {
            "maps" => Maps(invocation),
            "visualize" => Visualize(invocation, context),
            "decompose" => Decompose(invocation, context),
            _ => Extract(invocation, context),
        };
    }

    static Craft Extract(MagicInvocation invocation, IMagicContext context)
    {
        var model = Model(invocation.Get<object?>("model"));
        string layer = invocation.Get<string>("layer");
        if (layer.Length == 0)
            throw new MagicException($"%craft: option '--layer' is required: the layer to split {model.Architecture} at, one of {string.Join(", ", model.LayerPaths)}");
        int classIndex = invocation.Get<int>("class");
        if (classIndex < 0)
            throw new MagicException($"%craft: option '--class' is required: the class index (0 … {model.Hyperparameters.NumClasses - 1}) whose concepts to extract");
        var images = ClassImages(invocation.Get<object?>("images"), classIndex);
        var options = new CraftOptions
        {
            Concepts = Positive(invocation, "concepts"),
            Patch = invocation.Get<int>("patch") is > 0 and var p ? p : null,
            Stride = invocation.Get<int>("stride") is > 0 and var s ? s : null,
            Decomposition = invocation.Get<string>("method"),
            Importance = invocation.Get<string>("importance") == "sobol" ? ImportanceMethod.Sobol : ImportanceMethod.GradientInput,
            Designs = Positive(invocation, "designs"),
            Sequence = invocation.Get<string>("sequence") == "halton" ? DesignSequence.Halton : DesignSequence.Sobol,
            Seed = invocation.Get<long>("seed"),
            BatchSize = Positive(invocation, "batch-size"),
        };
        using var progress = ProgressDisplay.Show(context, "craft", 3);
        var report = progress.Adapt<CraftProgress>(p => (p.Done, p.Total, p.Stage));
        var craft = Craft.Fit(new ModelSplit(model, layer), images, classIndex, options, report, context.CancellationToken);
        progress.Complete();
        return craft;
    }

    static ConceptMapSet Maps(MagicInvocation invocation)
    {
        var craft = invocation.Get<Craft>("result");
        var images = invocation.Get<object?>("images") is null ? craft.Images[..Math.Min(4, (int)craft.Images.shape[0])] : Images(invocation.Get<object?>("images"), "--images");
        var maps = craft.ConceptMaps(images, invocation.Get<int>("batch-size"));
        return new ConceptMapSet(craft, images.alias(), maps);
    }

    static MacoResult Visualize(MagicInvocation invocation, IMagicContext context)
    {
        var craft = invocation.Get<Craft>("result");
        int concept = invocation.Get<int>("concept");
        if (concept < 0 || concept >= craft.ConceptCount)
            throw new MagicException($"%craft visualize: option '--concept' must be in 0 … {craft.ConceptCount - 1}, got {concept}");
        int steps = Positive(invocation, "steps");
        using var progress = ProgressDisplay.Show(context, $"MaCo concept {concept}", steps);
        using var magnitude = Maco.MeanAmplitude(ConceptImportance.ToInputImages(craft.Split, craft.Images));
        var result = Maco.Visualize(craft.Split.Model, MacoTarget.Concept(craft, concept), magnitude,
            new MacoOptions { Steps = steps, Views = Positive(invocation, "views"), Seed = invocation.Get<long>("seed") },
            progress.Adapt<int>(s => (s, steps, null)), context.CancellationToken);
        progress.Complete();
        return result;
    }

    static DecompositionResult Decompose(MagicInvocation invocation, IMagicContext context)
    {
        var activations = invocation.Get<Tensor>("activations");
        int runs = invocation.Get<int>("runs");
        if (runs is 1 or < 0)
            throw new MagicException($"%craft decompose: option '--runs' must be 0 (no stability) or at least 2, got {runs}");
        string method = invocation.Get<string>("method");
        int concepts = Positive(invocation, "concepts");
        long seed = invocation.Get<long>("seed");
        var decomposition = ConceptDecomposition.Create(method, concepts, seed);
        return new DecompositionResult(decomposition, activations, runs, s => ConceptDecomposition.Create(method, concepts, s), context.CancellationToken);
    }

    static int Positive(MagicInvocation invocation, string name)
    {
        int value = invocation.Get<int>(name);
        if (value < 1) throw new MagicException($"%craft: option '--{name}' must be at least 1, got {value}");
        return value;
    }

    static ZooModel Model(object? value) => value switch
    {
        ZooModel model => model,
        TrainedModel trained => trained.Model,
        null => throw new MagicException("%craft: option '--model' is required: a zoo model or trained model in a session variable, e.g. --model net"),
        string name => throw new MagicException($"%craft: option '--model' expects a model, but '{name}' is not a session variable"),
        _ => throw new MagicException($"%craft: option '--model' expects a ZooModel or TrainedModel, got {value.GetType().Name}"),
    };

    // A labelled dataset gives the images of the class (CRAFT explains one class from its own images); a tensor is
    // taken as the class's images as it is.
    static Tensor ClassImages(object? value, int classIndex)
    {
        if (value is not ImageDataset dataset) return Images(value, "--images");
        using var members = dataset.Labels.eq(classIndex).nonzero().flatten();
        if (members.shape[0] == 0)
            throw new MagicException($"%craft: the dataset '{dataset.Name}' has no image of class {classIndex}; pick a class it contains or pass the images as a tensor");
        return dataset.Images.index_select(0, members);
    }

    static Tensor Images(object? value, string option) => value switch
    {
        Tensor tensor => tensor,
        ImageDataset dataset => dataset.Images,
        null => throw new MagicException($"%craft: option '{option}' is required: images N×C×H×W, e.g. {option} {{x[..64]}}"),
        string name => throw new MagicException($"%craft: option '{option}' expects images, but '{name}' is not a session variable"),
        _ => throw new MagicException($"%craft: option '{option}' expects a tensor or an ImageDataset, got {value.GetType().Name}"),
    };
}
