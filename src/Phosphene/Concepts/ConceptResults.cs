using System.Text.Json.Nodes;
using Phosphene.Results;
using TorchSharp;
using static TorchSharp.torch;

namespace Phosphene.Concepts;

/// <summary>Concept attribution maps of some images for a fitted <see cref="Craft"/> (what <c>%craft maps</c> returns).</summary>
/// <param name="Craft">The concepts.</param>
/// <param name="Images">The images, N×C×H×W.</param>
/// <param name="Maps">Maps N×r×H×W from <see cref="Craft.ConceptMaps"/> (implicit differentiation).</param>
public sealed record ConceptMapSet(Craft Craft, Tensor Images, Tensor Maps)
{
    /// <summary>For each image, the concept with the largest total positive attribution.</summary>
    public int[] DominantConcepts()
    {
        using var scope = NewDisposeScope();
        return Maps.clamp_min(0).sum([2, 3]).argmax(1).data<long>().ToArray().Select(v => (int)v).ToArray();
    }
}

/// <summary>
/// A factorisation of an arbitrary activation matrix (what <c>%craft decompose</c> returns): the fitted
/// decomposition with the holistic paper's scores.
/// </summary>
public sealed class DecompositionResult : IDisposable
{
    /// <summary>Fits <paramref name="decomposition"/> to <paramref name="activations"/> and scores it.</summary>
    /// <param name="decomposition">An unfitted decomposition.</param>
    /// <param name="activations">A, n×c.</param>
    /// <param name="stabilityRuns">Subsampled re-fits for stability (0 skips it; else at least 2).</param>
    /// <param name="factory">Makes the same decomposition for another seed (needed for stability).</param>
    /// <param name="cancellation">Stops between fits.</param>
    public DecompositionResult(ConceptDecomposition decomposition, Tensor activations, int stabilityRuns = 0,
        Func<long, ConceptDecomposition>? factory = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(decomposition);
        ArgumentNullException.ThrowIfNull(activations);
        Decomposition = decomposition.IsFitted ? decomposition : decomposition.Fit(activations, cancellation);
        using var scope = NewDisposeScope();
        var a = activations.to_type(ScalarType.Float64);
        var u = Decomposition.Coefficients;
        var w = Decomposition.ConceptBank;
        ReconstructionError = (a - Decomposition.Decode(u)).norm().item<double>();
        RelativeError = ReconstructionError / Math.Max(a.norm().item<double>(), 1e-300);
        Sparsity = DecompositionMetrics.Sparsity(u);
        // Energy of each rank-1 part u_k w_kᵀ: ‖u_k‖²‖w_k‖².
        var energy = u.square().sum([0]) * w.square().sum([1]);
        Importances = (energy / energy.sum().clamp_min(1e-300)).data<double>().ToArray();
        if (stabilityRuns > 0)
            Stability = DecompositionMetrics.Score(activations, factory ?? (s => ConceptDecomposition.Create(Decomposition.Name, Decomposition.Concepts, s)),
                stabilityRuns, Decomposition.Seed, cancellation).Stability;
    }

    private DecompositionResult(ConceptDecomposition decomposition, double reconstructionError, double relativeError, double sparsity,
                                double? stability, IReadOnlyList<double> importances)
    {
        Decomposition = decomposition;
        ReconstructionError = reconstructionError;
        RelativeError = relativeError;
        Sparsity = sparsity;
        Stability = stability;
        Importances = importances;
    }

    /// <summary>
    /// Saves the result to <paramref name="path"/> (see <see cref="ResultFile"/>): U and W as the tensors
    /// <c>coefficients</c> and <c>bank</c> (with the method's own fitted tensors, e.g. PCA's <c>mean</c>), the method,
    /// its settings and the scores as values. <see cref="Load"/> reads it back, ready to encode new activations.
    /// </summary>
    /// <exception cref="PhospheneException">The path cannot be written.</exception>
    public void Save(string path)
    {
        var tensors = new List<(string, Tensor)>();
        var values = new JsonObject
        {
            ["decomposition"] = Decomposition.Save("", tensors),
            ["reconstructionError"] = ResultFile.Number(ReconstructionError),
            ["relativeError"] = ResultFile.Number(RelativeError),
            ["sparsity"] = ResultFile.Number(Sparsity),
            ["stability"] = ResultFile.Number(Stability),
            ["importances"] = ResultFile.Numbers(Importances),
        };
        ResultFile.Write(path, nameof(DecompositionResult), values, tensors);
    }

    /// <summary>Reads a result written by <see cref="Save"/>; the new result owns its decomposition.</summary>
    /// <exception cref="PhospheneException">A missing or damaged file, or one that holds another type of result.</exception>
    public static DecompositionResult Load(string path)
    {
        using var file = ResultFile.Open(path, nameof(DecompositionResult));
        var decomposition = ConceptDecomposition.Restore(file.Value("decomposition"), "", file.Tensor);
        return new DecompositionResult(decomposition, ResultFile.Number(file.Value("reconstructionError")),
            ResultFile.Number(file.Value("relativeError")), ResultFile.Number(file.Value("sparsity")),
            ResultFile.OptionalNumber(file.Values["stability"]), ResultFile.Numbers(file.Value("importances")));
    }

    /// <summary>The fitted decomposition.</summary>
    public ConceptDecomposition Decomposition { get; }

    /// <summary>The method's name.</summary>
    public string Method => Decomposition.Name;

    /// <summary>U, n×r float64.</summary>
    public Tensor Coefficients => Decomposition.Coefficients;

    /// <summary>W, r×c float64.</summary>
    public Tensor ConceptBank => Decomposition.ConceptBank;

    /// <summary>‖A − UW‖_F (plus the offset for centred methods).</summary>
    public double ReconstructionError { get; }

    /// <summary>‖A − UW‖_F / ‖A‖_F.</summary>
    public double RelativeError { get; }

    /// <summary>Share of zero coefficients.</summary>
    public double Sparsity { get; }

    /// <summary>Hungarian-matched cosine across seeded subsample re-fits, or null when not computed.</summary>
    public double? Stability { get; }

    /// <summary>Without a model there is no logit to explain: each concept's share of the energy ‖u_k‖²‖w_k‖² of
    /// the reconstruction, in concept order.</summary>
    public IReadOnlyList<double> Importances { get; }

    /// <inheritdoc />
    public override string ToString() => System.FormattableString.Invariant(
        $"{Method}: {Decomposition.Concepts} concepts, reconstruction error {ReconstructionError:G4} (relative {RelativeError:P1}), sparsity {Sparsity:P1}{(Stability is { } s ? $", stability {s:F3}" : "")}");

    /// <summary>Frees the fitted decomposition.</summary>
    public void Dispose() => Decomposition.Dispose();
}
