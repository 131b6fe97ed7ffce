using System.Text.Json.Nodes;
using Phosphene.Results;
using TorchSharp;
using static TorchSharp.torch;

namespace Phosphene.Concepts;

/// <summary>
/// K-Means clustering as a concept extractor (Lloyd 1982, "Least squares quantization in PCM", IEEE Trans.
/// Information Theory), seeded by k-means++ (Arthur and Vassilvitskii 2007, "k-means++: The advantages of careful
/// seeding", SODA); one of the holistic paper's baselines (Fel et al. 2023, NeurIPS). The bank holds the r centroids
/// (r×c); a row's coefficients are the one-hot indicator of its nearest centroid, so A ≈ U W is vector quantisation.
/// </summary>
/// <remarks>
/// k-means++ with 2 + ⌊ln r⌋ candidates per step (keeping the one that lowers the potential most, as scikit-learn),
/// then Lloyd iterations until the squared centroid shift is at most <see cref="Tolerance"/> (default 1e-4) times the
/// mean per-channel variance, or <see cref="MaxIterations"/> (default 300). An empty cluster is moved to the row
/// farthest from its centroid. The encoding is piecewise constant, so it has no differentiable form.
/// </remarks>
public sealed class KMeans : ConceptDecomposition
{
    /// <summary>Creates the clustering.</summary>
    /// <param name="concepts">Number of clusters r.</param>
    /// <param name="tolerance">Relative centroid-shift tolerance (default 1e-4).</param>
    /// <param name="maxIterations">Iteration limit (default 300).</param>
    /// <param name="seed">Seed of the k-means++ draws.</param>
    public KMeans(int concepts, double tolerance = 1e-4, int maxIterations = 300, long seed = 0) : base(concepts, seed)
    {
        if (tolerance < 0) throw new PhospheneException($"tolerance must be ≥ 0, got {tolerance}");
        if (maxIterations < 1) throw new PhospheneException($"max iterations must be at least 1, got {maxIterations}");
        Tolerance = tolerance;
        MaxIterations = maxIterations;
    }

    /// <inheritdoc />
    public override string Name => "kmeans";

    /// <inheritdoc />
    public override string Summary => "k-means: each crop is assigned to its nearest concept";

    /// <summary>Relative tolerance on the centroid shift.</summary>
    public double Tolerance { get; }

    /// <summary>Iteration limit.</summary>
    public int MaxIterations { get; }

    /// <inheritdoc />
    public override bool NonNegativeCoefficients => true;

    /// <summary>Sum of squared distances of the fitted rows to their centroids.</summary>
    public double Inertia { get; private set; }

    private protected override JsonObject Settings() => new() { ["tolerance"] = Tolerance, ["maxIterations"] = MaxIterations };

    private protected override JsonObject FittedValues() => new() { ["inertia"] = ResultFile.Number(Inertia) };

    private protected override void RestoreFitted(JsonObject values, Func<string, Tensor> tensor) => Inertia = ResultFile.Number(values["inertia"]!);

    /// <inheritdoc />
    protected override (Tensor Coefficients, Tensor Bank) FitCore(Tensor a, CancellationToken cancellation)
    {
        long n = a.shape[0];
        using var generator = NewGenerator();
        var centres = Seeding(a, generator);
        double threshold = Tolerance * a.var([0]).mean().item<double>();
        Iterations = 0;
        Converged = false;
        Tensor labels = Assign(a, centres);
        for (int iteration = 1; iteration <= MaxIterations; iteration++)
        {
            cancellation.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            var onehot = nn.functional.one_hot(labels, Concepts).to_type(ScalarType.Float64);   // n×r
            var counts = onehot.sum([0]);
            var next = onehot.t().mm(a) / counts.clamp_min(1).unsqueeze(1);
            var empty = counts.eq(0).nonzero().flatten().data<long>().ToArray();
            if (empty.Length > 0)
            {
                var distance = (a - next.index_select(0, labels)).square().sum([1]);
                var far = distance.argsort(descending: true);
                for (int e = 0; e < empty.Length; e++) next[empty[e]] = a[far[e]];
            }
            double shift = (next - centres).square().sum().item<double>();
            centres.Dispose();
            labels.Dispose();
            centres = next.MoveToOuterDisposeScope();
            labels = Assign(a, centres).MoveToOuterDisposeScope();
            Iterations = iteration;
            if (shift <= threshold) { Converged = true; break; }
        }
        var u = nn.functional.one_hot(labels, Concepts).to_type(ScalarType.Float64);
        Inertia = (a - u.mm(centres)).square().sum().item<double>();
        return (u, centres);
    }

    Tensor Seeding(Tensor a, Generator generator)
    {
        using var scope = NewDisposeScope();
        long n = a.shape[0];
        int trials = 2 + (int)Math.Log(Concepts);
        var first = randint(n, [1], generator: generator);
        var centres = a.index_select(0, first);
        var closest = (a - centres).square().sum([1]);                      // n
        for (int k = 1; k < Concepts; k++)
        {
            double potential = closest.sum().item<double>();
            var weights = potential > 0 ? closest : ones_like(closest);
            var candidates = multinomial(weights, trials, replacement: true, generator: generator);
            var distances = cdist(a.index_select(0, candidates), a).square();     // trials×n
            var improved = minimum(distances, closest.unsqueeze(0));
            long best = improved.sum([1]).argmin().item<long>();
            closest = improved[best];
            centres = cat([centres, a.index_select(0, candidates[best].unsqueeze(0))], 0);
        }
        return centres.MoveToOuterDisposeScope();
    }

    static Tensor Assign(Tensor a, Tensor centres)
    {
        using var scope = NewDisposeScope();
        return cdist(a, centres).argmin(1).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    protected override Tensor EncodeCore(Tensor activations)
    {
        using var labels = Assign(activations, ConceptBank);
        return nn.functional.one_hot(labels, Concepts).to_type(ScalarType.Float64);
    }
}
