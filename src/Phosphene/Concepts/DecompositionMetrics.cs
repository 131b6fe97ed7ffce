using TorchSharp;
using static TorchSharp.torch;

namespace Phosphene.Concepts;

/// <summary>How well one concept extraction method did on one activation matrix, as the holistic paper compares them.</summary>
/// <param name="Method">The method's name.</param>
/// <param name="ReconstructionError">‖A − UW‖_F on the fitted rows.</param>
/// <param name="RelativeError">‖A − UW‖_F / ‖A‖_F.</param>
/// <param name="Sparsity">Share of coefficients that are zero (|u| ≤ 1e-8·max|U|).</param>
/// <param name="Stability">Mean Hungarian-matched cosine between the concept banks fitted with different seeds on
/// different 90 % subsamples of the rows (1 = identical concepts every time).</param>
public sealed record DecompositionScore(string Method, double ReconstructionError, double RelativeError, double Sparsity, double Stability);

/// <summary>
/// The holistic paper's criteria for concept extraction (Fel et al. 2023, "A Holistic Approach to Unifying Automatic
/// Concept Extraction and Concept Importance Estimation", NeurIPS): reconstruction (fidelity), sparsity, and stability
/// of the concepts across runs, compared after matching concepts by the Hungarian method on cosine similarity.
/// </summary>
public static class DecompositionMetrics
{
    /// <summary>Share of entries of U that are zero, relative to its largest magnitude (|u| ≤ 1e-8·max|U|).</summary>
    public static double Sparsity(Tensor coefficients)
    {
        ArgumentNullException.ThrowIfNull(coefficients);
        using var scope = NewDisposeScope();
        var magnitude = coefficients.detach().abs().to_type(ScalarType.Float64);
        double max = magnitude.max().item<double>();
        return magnitude.le(1e-8 * max).to_type(ScalarType.Float64).mean().item<double>();
    }

    /// <summary>
    /// Mean cosine similarity between the rows of two concept banks (r×c each) after the one-to-one matching that
    /// maximises it (Hungarian method). Signs are ignored for signed methods when <paramref name="ignoreSign"/>.
    /// </summary>
    /// <returns>The mean matched cosine and, for each row of <paramref name="first"/>, its partner in <paramref name="second"/>.</returns>
    public static (double Similarity, int[] Matching) MatchedCosine(Tensor first, Tensor second, bool ignoreSign = false)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        if (first.dim() != 2 || second.dim() != 2 || first.shape[1] != second.shape[1] || first.shape[0] > second.shape[0])
            throw new PhospheneException(
                $"matched cosine needs banks r×c and s×c with r ≤ s, got [{string.Join(", ", first.shape)}] and [{string.Join(", ", second.shape)}]");
        using var scope = NewDisposeScope();
        var a = nn.functional.normalize(first.detach().to_type(ScalarType.Float64), p: 2, dim: 1);
        var b = nn.functional.normalize(second.detach().to_type(ScalarType.Float64), p: 2, dim: 1);
        var cosine = a.mm(b.t());
        if (ignoreSign) cosine = cosine.abs();
        int r = (int)cosine.shape[0], s = (int)cosine.shape[1];
        var values = cosine.contiguous().data<double>().ToArray();
        var score = new double[r, s];
        for (int i = 0; i < r; i++)
            for (int j = 0; j < s; j++) score[i, j] = values[i * s + j];
        var matching = LinearAssignment.Maximize(score);
        double total = 0;
        for (int i = 0; i < r; i++) total += score[i, matching[i]];
        return (total / r, matching);
    }

    /// <summary>
    /// Fits <paramref name="factory"/>'s decomposition once on all rows and <paramref name="runs"/> more times with
    /// seeds seed+1… on seeded 90 % row subsamples, and reports reconstruction, sparsity and stability.
    /// </summary>
    /// <param name="activations">A, n×c.</param>
    /// <param name="factory">Makes an unfitted decomposition for a seed.</param>
    /// <param name="runs">Subsampled re-fits for stability (default 3, at least 2).</param>
    /// <param name="seed">Base seed.</param>
    /// <param name="cancellation">Stops between fits.</param>
    public static DecompositionScore Score(Tensor activations, Func<long, ConceptDecomposition> factory, int runs = 3,
        long seed = 0, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(activations);
        ArgumentNullException.ThrowIfNull(factory);
        if (runs < 2) throw new PhospheneException($"stability needs at least 2 runs, got {runs}");
        using var scope = NewDisposeScope();
        using var full = factory(seed);
        full.Fit(activations, cancellation);
        var a = activations.to_type(ScalarType.Float64);
        double error = (a - full.Decode(full.Coefficients)).norm().item<double>();
        double relative = error / Math.Max(a.norm().item<double>(), 1e-300);
        double sparsity = Sparsity(full.Coefficients);
        bool signed = !full.NonNegativeCoefficients;

        long n = activations.shape[0];
        long keep = Math.Max(full.Concepts, (long)Math.Round(0.9 * n));
        var banks = new List<Tensor>();
        for (int run = 1; run <= runs; run++)
        {
            cancellation.ThrowIfCancellationRequested();
            using var generator = new Generator().manual_seed(seed + run);
            var rows = randperm(n, generator: generator)[..(int)keep];
            using var refit = factory(seed + run);
            refit.Fit(activations.index_select(0, rows), cancellation);
            banks.Add(refit.ConceptBank.clone());
        }
        double similarity = 0;
        int pairs = 0;
        for (int i = 0; i < banks.Count; i++)
            for (int j = i + 1; j < banks.Count; j++) { similarity += MatchedCosine(banks[i], banks[j], signed).Similarity; pairs++; }
        return new DecompositionScore(full.Name, error, relative, sparsity, similarity / pairs);
    }
}
