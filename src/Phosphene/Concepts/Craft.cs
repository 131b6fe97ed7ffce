using Phosphene.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Phosphene.Concepts;

/// <summary>Options of <see cref="Craft.Fit(ModelSplit, Tensor, int, CraftOptions?, IProgress{CraftProgress}?, CancellationToken)"/>.</summary>
public sealed record CraftOptions
{
    /// <summary>Number of concepts r (default 10).</summary>
    public int Concepts { get; init; } = 10;

    /// <summary>Crop side in pixels (default: half the images' shorter side).</summary>
    public int? Patch { get; init; }

    /// <summary>Crop stride in pixels (default round(0.8·patch)).</summary>
    public int? Stride { get; init; }

    /// <summary>Decomposition by name (<see cref="ConceptDecomposition.Names"/>; default <c>nmf</c>).</summary>
    public string Decomposition { get; init; } = "nmf";

    /// <summary>Importance estimator (default Sobol).</summary>
    public ImportanceMethod Importance { get; init; } = ImportanceMethod.Sobol;

    /// <summary>Sobol base samples (default 32, as CRAFT).</summary>
    public int Designs { get; init; } = 32;

    /// <summary>The sequence of the Sobol masks (default the Sobol sequence; Halton as an alternative).</summary>
    public DesignSequence Sequence { get; init; } = DesignSequence.Sobol;

    /// <summary>Seed of every random choice (default 0).</summary>
    public long Seed { get; init; }

    /// <summary>Images per forward batch (default 64).</summary>
    public int BatchSize { get; init; } = 64;
}

/// <summary>Progress of a CRAFT run: the stage (<c>crops</c>, <c>decomposition</c>, <c>importance</c>) and its count.</summary>
/// <param name="Stage">What is running.</param>
/// <param name="Done">Units done in this stage.</param>
/// <param name="Total">Units in this stage.</param>
public readonly record struct CraftProgress(string Stage, int Done, int Total);

/// <summary>
/// CRAFT, concept-based explanation of one class (Fel, Picard, Béthune, Boissin, Vigouroux, Colin, Cadène and Serre
/// 2023, "CRAFT: Concept Recursive Activation FacTorization for Explainability", CVPR): crops of the class's images
/// through g give A (crops×channels), a decomposition A ≈ U W gives the concept bank W, concept importance ranks the
/// concepts by their effect on the class logit through h, and concept attribution maps locate them in new images.
/// </summary>
/// <remarks>
/// Any <see cref="ConceptDecomposition"/> works (the holistic paper's family: NMF, semi-NMF for signed activations,
/// PCA, ICA, K-Means, dictionary learning). <see cref="Refine"/> is the recursive step (re-decompose one concept's
/// crops at an earlier layer); <see cref="ClusterGraph"/> gives the holistic paper's strategic cluster graph.
/// </remarks>
public sealed class Craft : IDisposable
{
    Craft(ModelSplit split, int classIndex, CraftOptions options, CropGrid grid, ConceptDecomposition decomposition,
        Tensor images, Tensor crops, IReadOnlyList<CropBox> boxes, Tensor activations, Tensor localImportances)
    {
        Split = split;
        ClassIndex = classIndex;
        Options = options;
        Grid = grid;
        Decomposition = decomposition;
        Images = images;
        Crops = crops;
        Boxes = boxes;
        Activations = activations;
        LocalImportances = localImportances;
        var global = localImportances.mean([0]);
        Importances = global.data<double>().ToArray();
        global.Dispose();
        ConceptsByImportance = Enumerable.Range(0, Importances.Count).OrderByDescending(k => Importances[k]).ToArray();
    }

    /// <summary>Runs CRAFT on <paramref name="images"/> of class <paramref name="classIndex"/> for the model cut at <paramref name="layer"/>.</summary>
    public static Craft Fit(ZooModel model, string layer, Tensor images, int classIndex, CraftOptions? options = null,
        IProgress<CraftProgress>? progress = null, CancellationToken cancellation = default) =>
        Fit(new ModelSplit(model, layer), images, classIndex, options, progress, cancellation);

    /// <summary>
    /// Runs CRAFT: crops (grid, resized to the model input) → A = mean-pooled g → decomposition → importance.
    /// </summary>
    /// <param name="split">The model cut into g and h.</param>
    /// <param name="images">float32 N×C×H×W in [0, 1] of the class to explain; H, W ≥ the patch (rectangular is fine).</param>
    /// <param name="classIndex">The class whose logit the concepts explain.</param>
    /// <param name="options">Concepts, patch, stride, method, importance, designs, seed (defaults in <see cref="CraftOptions"/>).</param>
    /// <param name="progress">Stage and count.</param>
    /// <param name="cancellation">Stops between batches.</param>
    /// <exception cref="PhospheneException">Bad images, class, options, or activations the method cannot factorise.</exception>
    public static Craft Fit(ModelSplit split, Tensor images, int classIndex, CraftOptions? options = null,
        IProgress<CraftProgress>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(split);
        ArgumentNullException.ThrowIfNull(images);
        options ??= new CraftOptions();
        var (channels, size) = split.InputShape;
        if (images.dim() != 4 || images.shape[1] != channels || images.dtype != ScalarType.Float32)
            throw new PhospheneException(
                $"images must be float32 N×{channels}×H×W for {split.Model.Architecture}, got {images.dtype} [{string.Join(", ", images.shape)}]");
        long classes = split.Model.Hyperparameters.NumClasses;
        if (classIndex < 0 || classIndex >= classes)
            throw new PhospheneException($"class {classIndex} is outside 0 … {classes - 1} for {split.Model.Architecture}");
        if (options.Designs < 2) throw Invalid.Setting(nameof(CraftOptions), nameof(CraftOptions.Designs), options.Designs, "at least 2");
        int n = (int)images.shape[0];
        int patch = options.Patch ?? (int)Math.Max(2, Math.Min(images.shape[2], images.shape[3]) / 2);
        var grid = new CropGrid(patch, options.Stride);
        var decomposition = ConceptDecomposition.Create(options.Decomposition, options.Concepts, options.Seed);

        using var scope = NewDisposeScope();
        var boxes = grid.Boxes(n, (int)images.shape[2], (int)images.shape[3]);
        var crops = grid.Extract(images, size);
        var activations = grid.Activations(split, images, options.BatchSize,
            progress is null ? null : new Progress<int>(d => progress.Report(new CraftProgress("crops", d, n))), cancellation);
        progress?.Report(new CraftProgress("decomposition", 0, 1));
        try { decomposition.Fit(activations, cancellation); }
        catch { decomposition.Dispose(); throw; }
        progress?.Report(new CraftProgress("decomposition", 1, 1));
        var importance = Importance(split, decomposition, images, classIndex, options, progress, cancellation);
        scope.Detach(importance, crops, activations);
        var kept = images.detach().clone().DetachFromDisposeScope();
        return new Craft(split, classIndex, options, grid, decomposition, kept, crops, boxes, activations, importance);
    }

    static Tensor Importance(ModelSplit split, ConceptDecomposition decomposition, Tensor images, int classIndex,
        CraftOptions options, IProgress<CraftProgress>? progress, CancellationToken cancellation)
    {
        int n = (int)images.shape[0];
        var report = progress is null ? null : new Progress<int>(d => progress.Report(new CraftProgress("importance", d, n)));
        return options.Importance == ImportanceMethod.Sobol
            ? ConceptImportance.Sobol(split, decomposition, images, classIndex, options.Designs, 1024, report, cancellation, options.Sequence)
            : ConceptImportance.GradientInput(split, decomposition, images, classIndex);
    }

    /// <summary>The model split.</summary>
    public ModelSplit Split { get; }

    /// <summary>The explained class.</summary>
    public int ClassIndex { get; }

    /// <summary>The options used.</summary>
    public CraftOptions Options { get; }

    /// <summary>The crop grid.</summary>
    public CropGrid Grid { get; }

    /// <summary>The fitted decomposition (its <see cref="ConceptDecomposition.ConceptBank"/> is W).</summary>
    public ConceptDecomposition Decomposition { get; }

    /// <summary>The class images the concepts were extracted from, N×C×H×W.</summary>
    public Tensor Images { get; }

    /// <summary>Every crop, resized to the model input: M×C×S×S, in <see cref="Boxes"/> order.</summary>
    public Tensor Crops { get; }

    /// <summary>Where each crop comes from.</summary>
    public IReadOnlyList<CropBox> Boxes { get; }

    /// <summary>A, the crops' mean-pooled activations, M×c float32.</summary>
    public Tensor Activations { get; }

    /// <summary>U, the crops' concept coefficients, M×r float64.</summary>
    public Tensor Coefficients => Decomposition.Coefficients;

    /// <summary>W, the concept bank, r×c float64.</summary>
    public Tensor ConceptBank => Decomposition.ConceptBank;

    /// <summary>Number of concepts r.</summary>
    public int ConceptCount => Decomposition.Concepts;

    /// <summary>Global importance of each concept for the class (mean of <see cref="LocalImportances"/>), in concept order.</summary>
    public IReadOnlyList<double> Importances { get; }

    /// <summary>Importance per image and concept, N×r float64 (Sobol total indices or Gradient × Input).</summary>
    public Tensor LocalImportances { get; }

    /// <summary>Concept indices from most to least important.</summary>
    public IReadOnlyList<int> ConceptsByImportance { get; }

    /// <summary>‖A − UW‖_F on the crops.</summary>
    public double ReconstructionError
    {
        get
        {
            using var scope = NewDisposeScope();
            return (Activations.to_type(ScalarType.Float64) - Decomposition.Decode(Coefficients)).norm().item<double>();
        }
    }

    /// <summary>Indices of the <paramref name="count"/> crops with the largest coefficient for <paramref name="concept"/>.</summary>
    public int[] TopCrops(int concept, int count = 8)
    {
        CheckConcept(concept);
        using var scope = NewDisposeScope();
        var order = Coefficients[.., concept].argsort(descending: true);
        return order[..(int)Math.Min(count, order.shape[0])].data<long>().ToArray().Select(i => (int)i).ToArray();
    }

    /// <summary>The crops of <see cref="TopCrops"/> as images, count×C×S×S.</summary>
    public Tensor TopCropImages(int concept, int count = 8)
    {
        var top = TopCrops(concept, count);
        using var index = tensor(top.Select(i => (long)i).ToArray());
        return Crops.index_select(0, index);
    }

    /// <summary>
    /// Concept attribution maps by implicit differentiation (CRAFT, section 3.3): for each concept k, the gradient of
    /// the image's total coefficient Σ_p u_pk (u from the exact encoding, differentiated through its KKT system) with
    /// respect to the pixels, times the pixels (Gradient × Input), summed over colour channels.
    /// </summary>
    /// <param name="images">float32 N×C×H×W; resized to the model input for g, maps resized back to H×W.</param>
    /// <param name="batchSize">Images per backward pass (default 16).</param>
    /// <returns>N×r×H×W float32 maps (signed; positive where the pixels raise the concept).</returns>
    /// <exception cref="PhospheneException">The decomposition has no differentiable encoding (K-Means).</exception>
    public Tensor ConceptMaps(Tensor images, int batchSize = 16) => ConceptMapsOf(Split, Decomposition, images, batchSize);

    /// <summary>Concept attribution maps for any split and fitted decomposition; see <see cref="ConceptMaps"/>.</summary>
    public static Tensor ConceptMapsOf(ModelSplit split, ConceptDecomposition decomposition, Tensor images, int batchSize = 16)
    {
        ArgumentNullException.ThrowIfNull(split);
        ArgumentNullException.ThrowIfNull(decomposition);
        if (!decomposition.HasDifferentiableEncode)
            throw new PhospheneException($"{decomposition.Name} has no differentiable encoding, so it has no concept attribution maps; use nmf, semi-nmf, pca, ica or dictionary");
        using var scope = NewDisposeScope();
        var input = ConceptImportance.ToInput(split, images);
        long n = input.shape[0], r = decomposition.Concepts;
        var parts = new List<Tensor>();
        for (long start = 0; start < n; start += batchSize)
        {
            using var inner = NewDisposeScope();
            var x = input.narrow(0, start, Math.Min(batchSize, n - start)).detach().clone().requires_grad_(true);
            var (rows, h, w) = ConceptImportance.Positions(split.Activations(x));
            var u = decomposition.EncodeDifferentiable(rows).reshape(x.shape[0], h * w, r).sum(1);   // B×r
            var maps = new Tensor[r];
            for (long k = 0; k < r; k++)
            {
                var gradient = autograd.grad([u[.., k].sum()], [x], retain_graph: k < r - 1, allow_unused: true)[0];
                maps[k] = gradient is null ? zeros(x.shape[0], x.shape[2], x.shape[3]) : (gradient * x).sum(1).detach();
            }
            parts.Add(stack(maps, 1).MoveToOuterDisposeScope());
        }
        var all = cat(parts, 0);
        if (all.shape[2] != images.shape[2] || all.shape[3] != images.shape[3])
            all = nn.functional.interpolate(all, [images.shape[2], images.shape[3]], mode: InterpolationMode.Bilinear, align_corners: false);
        return all.to_type(ScalarType.Float32).MoveToOuterDisposeScope();
    }

    /// <summary>Local importance of each concept for new images (same estimator as the fit unless given): N×r.</summary>
    public Tensor LocalImportance(Tensor images, ImportanceMethod? method = null, CancellationToken cancellation = default) =>
        Importance(Split, Decomposition, images, ClassIndex, Options with { Importance = method ?? Options.Importance }, null, cancellation);

    /// <summary>
    /// Recursive CRAFT (section 3.4): the <paramref name="topCrops"/> crops that express <paramref name="concept"/> most
    /// are decomposed again, at an earlier <paramref name="layer"/>, into <paramref name="subConcepts"/> sub-concepts
    /// (crops of those crops, same method and seed, importance for the same class).
    /// </summary>
    /// <exception cref="PhospheneException">Unknown concept or layer, or a layer that is not before this one.</exception>
    public Craft Refine(int concept, string layer, int subConcepts = 4, int topCrops = 32, CancellationToken cancellation = default)
    {
        CheckConcept(concept);
        var split = new ModelSplit(Split.Model, layer);
        if (!ComputedBefore(Split.Model.LayerPaths, layer, Split.Layer))
        {
            // Suggest the closest earlier layer at the same depth (features.6 → features.5, layer3 → layer2).
            int depth = Split.Layer.Count(ch => ch == '.');
            var previous = Split.Model.LayerPaths.TakeWhile(p => p != Split.Layer).LastOrDefault(p => p.Count(ch => ch == '.') == depth);
            throw new PhospheneException($"recursive CRAFT decomposes at an earlier layer than '{Split.Layer}', but '{layer}' is not computed before it" +
                (previous is null ? $"; '{Split.Layer}' has no earlier layer to refine at" : $"; pick a layer before it, e.g. '{previous}'"));
        }
        using var crops = TopCropImages(concept, topCrops);
        return Fit(split, crops, ClassIndex, Options with { Concepts = subConcepts, Patch = null, Stride = null }, null, cancellation);
    }

    /// <summary>
    /// The strategic cluster graph of the class (holistic paper, section "Strategic cluster graph"; see
    /// <see cref="ConceptClusterGraph"/>): the images labelled with the class are each assigned to their most
    /// important concept (local importance with this fit's estimator), and every concept gets its prevalence (share
    /// of the class's images in its cluster) and reliability (the model's accuracy on its cluster).
    /// </summary>
    /// <param name="images">float32 N×C×H×W; only those labelled <see cref="ClassIndex"/> are used, so a test set
    /// of every class can be passed as is.</param>
    /// <param name="labels">Their true labels (N, int64).</param>
    /// <param name="cancellation">Stops between importance batches.</param>
    /// <exception cref="PhospheneException">Labels do not match the images, or no image is labelled with the class.</exception>
    public ConceptClusterGraph ClusterGraph(Tensor images, Tensor labels, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(labels);
        if (images.dim() != 4 || labels.dim() != 1 || labels.shape[0] != images.shape[0])
            throw new PhospheneException($"labels must be a vector of {(images.dim() > 0 ? images.shape[0] : 0)} classes, one per image, got [{string.Join(", ", labels.shape)}]");
        using var scope = NewDisposeScope();
        var members = labels.eq(ClassIndex).nonzero().flatten();
        if (members.shape[0] == 0)
            throw new PhospheneException($"none of the {images.shape[0]} images is labelled with class {ClassIndex}; the cluster graph needs images of the class");
        var own = images.index_select(0, members);
        var local = LocalImportance(own, null, cancellation);
        var correct = new List<bool>((int)own.shape[0]);
        using (no_grad())
        {
            var x = ConceptImportance.ToInput(Split, own);
            for (long s = 0; s < x.shape[0]; s += Options.BatchSize)
            {
                using var inner = NewDisposeScope();
                var predicted = Split.Model.call(x.narrow(0, s, Math.Min(Options.BatchSize, x.shape[0] - s))).argmax(1);
                correct.AddRange(predicted.data<long>().ToArray().Select(p => p == ClassIndex));
            }
        }
        return ConceptClusterGraph.Build(ClassIndex, local, correct, ConceptBank);
    }

    // Whether the output of `earlier` is computed before that of `later`: a submodule of `later` is (it runs inside
    // it); an enclosing module is not (it ends after it); otherwise the modules' registration order, which is their
    // order of execution in the zoo's networks.
    static bool ComputedBefore(IReadOnlyList<string> paths, string earlier, string later)
    {
        if (earlier == later || later.StartsWith(earlier + ".", StringComparison.Ordinal)) return false;
        if (earlier.StartsWith(later + ".", StringComparison.Ordinal)) return true;
        return IndexOf(paths, earlier) < IndexOf(paths, later);
    }

    static int IndexOf(IReadOnlyList<string> paths, string path)
    {
        for (int i = 0; i < paths.Count; i++) if (paths[i] == path) return i;
        return -1;
    }

    void CheckConcept(int concept)
    {
        if (concept < 0 || concept >= ConceptCount)
            throw new PhospheneException($"concept {concept} is outside 0 … {ConceptCount - 1}");
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"Craft(class {ClassIndex}, {ConceptCount} {Decomposition.Name} concepts at '{Split.Layer}', {Boxes.Count} crops, most important: {string.Join(", ", ConceptsByImportance.Take(3))})";

    /// <summary>Frees the crops, activations and fitted decomposition.</summary>
    public void Dispose()
    {
        Decomposition.Dispose();
        Images.Dispose();
        Crops.Dispose();
        Activations.Dispose();
        LocalImportances.Dispose();
    }
}
