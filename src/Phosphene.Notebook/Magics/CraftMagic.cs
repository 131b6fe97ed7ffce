using Phosphene.Concepts;
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
        d.Bare(b => Factorisation(b
            .Option(ValueKinds.ZooModel, "model", "The classifier: a zoo model or trained model (session variable).", required: true)
            .Option<string?>("layer", null, "Layer path to split the model at, e.g. features.6 (required; without it the error lists the model's layers).")
            .Option(ValueKinds.Images, "images", "The class's images N×C×H×W in [0, 1], or a dataset whose images of --class are taken.", required: true)
            .Required<int>("class", "The class whose logit the concepts explain.", min: 0)
            .Option("patch", 0, "Crop side in pixels (0: half the shorter image side).", min: 0)
            .Option("stride", 0, "Crop stride in pixels (0: 0.8 × patch).", min: 0)
            .Option("importance", ImportanceMethod.Sobol, "Importance estimator.")
            .Option("designs", 32, "Sobol base designs.", min: 2)
            .Option("sequence", DesignSequence.Sobol, "Low-discrepancy sequence of the Sobol masks.")));
        d.Subcommand("maps", "Concept attribution maps (implicit differentiation) of images for a CRAFT result.", s => s
            .Required<Craft>("result", "A CRAFT result (bound with --as).")
            .Option(ValueKinds.Images, "images", "The images to map; default the first 4 of the result's images."));
        d.Subcommand("visualize", "MaCo feature visualisation of one concept of a CRAFT result.", s => s
            .Required<Craft>("result", "A CRAFT result (bound with --as).")
            .Required<int>("concept", "The concept to visualise (its index).", min: 0)
            .Option("steps", 256, "Optimisation steps.", min: 1)
            .Option("views", 8, "Augmented views per step.", min: 1));
        d.Subcommand("decompose", "Factorise any activation matrix A (n×c) into U (n×r) and W (r×c).", s => Factorisation(s
            .Option(ValueKinds.Matrix, "activations", "A, n×c, e.g. {A}.", required: true)
            .Option("runs", 0, "Seeded 90% subsample re-fits for the stability score (0: skip; else at least 2).", min: 0)));
        d.Option("seed", 0L, "Seed of every random choice.");
        d.Option("batch-size", 64, "Images per forward batch.", min: 1);
    }

    // The factorisation settings shared by concept extraction and plain decomposition.
    static MagicOptionSet Factorisation(MagicOptionSet form) => form
        .Option("concepts", 10, "Number of concepts r.", min: 1)
        .Option("method", "nmf", "Decomposition.", choices: ConceptDecomposition.Names);

    /// <inheritdoc />
    public override object? Run(MagicInvocation invocation, IMagicContext context) => invocation.Subcommand switch
    {
        "maps" => Maps(invocation),
        "visualize" => Visualize(invocation, context),
        "decompose" => Decompose(invocation, context),
        _ => Extract(invocation, context),
    };

    static Craft Extract(MagicInvocation invocation, IMagicContext context)
    {
        var model = invocation.Get<ZooModel>("model");
        var layer = invocation.Get<string?>("layer")
            ?? throw invocation.Error($"option '--layer' is required, e.g. --layer {model.LayerPaths.LastOrDefault(p => p.StartsWith("features.", StringComparison.Ordinal)) ?? model.LayerPaths[0]} (layers: {string.Join(", ", model.LayerPaths)})");
        int classIndex = invocation.Get<int>("class");
        var images = invocation.Get<ImageInputs>("images").OfClass(classIndex);
        var options = new CraftOptions
        {
            Concepts = invocation.Get<int>("concepts"),
            Patch = invocation.Get<int>("patch") is > 0 and var p ? p : null,
            Stride = invocation.Get<int>("stride") is > 0 and var s ? s : null,
            Decomposition = invocation.Get<string>("method"),
            Importance = invocation.Get<ImportanceMethod>("importance"),
            Designs = invocation.Get<int>("designs"),
            Sequence = invocation.Get<DesignSequence>("sequence"),
            Seed = invocation.Get<long>("seed"),
            BatchSize = invocation.Get<int>("batch-size"),
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
        var images = invocation.Get<ImageInputs?>("images")?.Images ?? craft.Images[..Math.Min(4, (int)craft.Images.shape[0])];
        var maps = craft.ConceptMaps(images, invocation.Get<int>("batch-size"));
        return new ConceptMapSet(craft, images.alias(), maps);
    }

    static MacoResult Visualize(MagicInvocation invocation, IMagicContext context)
    {
        var craft = invocation.Get<Craft>("result");
        int concept = invocation.Get<int>("concept"), steps = invocation.Get<int>("steps");
        var target = MacoTarget.Concept(craft, concept);
        using var progress = ProgressDisplay.Show(context, $"MaCo concept {concept}", steps);
        using var magnitude = Maco.MeanAmplitude(ConceptImportance.ToInputImages(craft.Split, craft.Images));
        var result = Maco.Visualize(craft.Split.Model, target, magnitude,
            new MacoOptions { Steps = steps, Views = invocation.Get<int>("views"), Seed = invocation.Get<long>("seed") },
            progress.Adapt<int>(s => (s, steps, null)), context.CancellationToken);
        progress.Complete();
        return result;
    }

    static DecompositionResult Decompose(MagicInvocation invocation, IMagicContext context)
    {
        int runs = invocation.Get<int>("runs");
        if (runs == 1)
            throw invocation.Error("option '--runs' must be 0 (no stability) or at least 2, got 1");
        string method = invocation.Get<string>("method");
        int concepts = invocation.Get<int>("concepts");
        var decomposition = ConceptDecomposition.Create(method, concepts, invocation.Get<long>("seed"));
        return new DecompositionResult(decomposition, invocation.Get<Tensor>("activations"), runs,
                                       s => ConceptDecomposition.Create(method, concepts, s), context.CancellationToken);
    }
}
