using System.Text.Json.Nodes;
using Phosphene.Results;
using TorchSharp;
using static TorchSharp.torch;

namespace Phosphene.Concepts;

/// <summary>
/// Semi-non-negative matrix factorisation A ≈ U W with U ≥ 0 and W signed, for activations that take both signs
/// (layers before a ReLU, residual streams): Ding, Li and Jordan (2010), "Convex and Semi-Nonnegative Matrix
/// Factorizations", IEEE TPAMI. Coefficients stay non-negative, so concepts can be masked and their importance
/// estimated exactly as for NMF.
/// </summary>
/// <remarks>
/// Shapes: A n×c, U n×r, W r×c. Initialisation: K-Means (seeded) cluster indicators + 0.2, as the paper. Each
/// iteration sets W to its least-squares optimum (UᵀU)⁻¹UᵀA, then applies the paper's multiplicative rule
/// U ← U ⊙ sqrt(((AWᵀ)⁺ + U(WWᵀ)⁻) / ((AWᵀ)⁻ + U(WWᵀ)⁺)). Stops when the error's relative decrease falls below
/// <see cref="Tolerance"/> (default 1e-4) or after <see cref="MaxIterations"/> (default 200). Encoding solves the
/// NNLS exactly with the signed bank; its differentiable form is the NNLS implicit derivative.
/// </remarks>
public sealed class SemiNmf : ConceptDecomposition
{
    /// <summary>Creates the factorisation.</summary>
    /// <param name="concepts">Rank r.</param>
    /// <param name="tolerance">Relative decrease of the error below which it stops (default 1e-4).</param>
    /// <param name="maxIterations">Iteration limit (default 200).</param>
    /// <param name="seed">Seed of the K-Means initialisation.</param>
    public SemiNmf(int concepts, double tolerance = 1e-4, int maxIterations = 200, long seed = 0) : base(concepts, seed)
    {
        if (tolerance < 0) throw new PhospheneException($"tolerance must be ≥ 0, got {tolerance}");
        if (maxIterations < 1) throw new PhospheneException($"max iterations must be at least 1, got {maxIterations}");
        Tolerance = tolerance;
        MaxIterations = maxIterations;
    }

    /// <inheritdoc />
    public override string Name => "semi-nmf";

    /// <inheritdoc />
    public override string Summary => "semi-NMF: U ≥ 0, concept bank W signed";

    /// <summary>Relative stopping tolerance.</summary>
    public double Tolerance { get; }

    /// <summary>Iteration limit.</summary>
    public int MaxIterations { get; }

    /// <inheritdoc />
    public override bool NonNegativeCoefficients => true;

    /// <inheritdoc />
    public override bool HasDifferentiableEncode => true;

    private protected override JsonObject Settings() => new() { ["tolerance"] = Tolerance, ["maxIterations"] = MaxIterations };

    /// <inheritdoc />
    protected override (Tensor Coefficients, Tensor Bank) FitCore(Tensor a, CancellationToken cancellation)
    {
        using var kmeans = new KMeans(Concepts, seed: Seed);
        kmeans.Fit(a, cancellation);
        var u = kmeans.Coefficients + 0.2;
        var w = LeastSquaresBank(u, a);
        double previous = (a - u.mm(w)).norm().item<double>();
        Iterations = 0;
        Converged = false;
        for (int iteration = 1; iteration <= MaxIterations; iteration++)
        {
            cancellation.ThrowIfCancellationRequested();
            using (var scope = NewDisposeScope())
            {
                var aw = a.mm(w.t());
                var ww = w.mm(w.t());
                var numerator = aw.clamp_min(0) + u.mm((-ww).clamp_min(0));
                var denominator = (-aw).clamp_min(0) + u.mm(ww.clamp_min(0));
                u.mul_((numerator / denominator.clamp_min(1e-300)).sqrt());
            }
            var next = LeastSquaresBank(u, a);
            w.Dispose();
            w = next;
            double error = (a - u.mm(w)).norm().item<double>();
            Iterations = iteration;
            if (previous - error <= Tolerance * Math.Max(previous, 1e-300)) { Converged = true; break; }
            previous = error;
        }
        return (u, w);
    }

    // argmin_W ‖A − U W‖: (UᵀU)⁻¹ Uᵀ A, with a tiny ridge against empty concepts.
    static Tensor LeastSquaresBank(Tensor u, Tensor a)
    {
        using var scope = NewDisposeScope();
        var gram = u.t().mm(u);
        double ridge = 1e-12 * Math.Max(gram.diagonal().max().item<double>(), 1e-300);
        gram.diagonal().add_(ridge);
        return linalg.solve(gram, u.t().mm(a)).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    protected override Tensor EncodeCore(Tensor activations) => NonNegativeLeastSquares.Solve(activations, ConceptBank);

    /// <inheritdoc />
    protected override Tensor EncodeDifferentiableCore(Tensor activations) =>
        NonNegativeLeastSquares.SolveDifferentiable(activations, ConceptBank);
}
