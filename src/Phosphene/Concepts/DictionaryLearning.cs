using System.Text.Json.Nodes;
using Phosphene.Results;
using TorchSharp;
using static TorchSharp.torch;

namespace Phosphene.Concepts;

/// <summary>
/// Sparse dictionary learning as a concept extractor (Mairal, Bach, Ponce and Sapiro 2009, "Online dictionary
/// learning for sparse coding", ICML; Olshausen and Field 1996): min ½‖A − U D‖² + α‖U‖₁ over codes U (n×r) and
/// atoms D (r×c) with ‖D_k‖ ≤ 1, by alternating Lasso coding (cyclic coordinate descent, all rows at once) and
/// block-coordinate atom updates, as scikit-learn's <c>DictionaryLearning</c>. A baseline of Fel et al. (2023),
/// "A Holistic Approach to Unifying Automatic Concept Extraction and Concept Importance Estimation", NeurIPS.
/// </summary>
/// <remarks>
/// Initialisation: the top r right singular vectors of A, scaled codes. α defaults to 0.1 × the mean row norm of A.
/// Stops when the objective's relative decrease is below <see cref="Tolerance"/> (default 1e-4) or after
/// <see cref="MaxIterations"/> (default 100). With <see cref="PositiveCode"/> the codes are constrained ≥ 0.
/// The encoding's differentiable form solves the Lasso's KKT system on its support (u_S = G_SS⁻¹(D_S a − α sign u_S)).
/// </remarks>
public sealed class DictionaryLearning : ConceptDecomposition
{
    readonly double? _requestedAlpha;

    /// <summary>Creates the decomposition.</summary>
    /// <param name="concepts">Number of atoms r.</param>
    /// <param name="alpha">L1 penalty α (default: 0.1 × mean row norm of the fitted A).</param>
    /// <param name="positiveCode">Constrain the codes to be ≥ 0 (default false).</param>
    /// <param name="tolerance">Relative objective-decrease tolerance (default 1e-4).</param>
    /// <param name="maxIterations">Outer iteration limit (default 100).</param>
    /// <param name="seed">Seed used to re-draw unused atoms.</param>
    public DictionaryLearning(int concepts, double? alpha = null, bool positiveCode = false, double tolerance = 1e-4,
        int maxIterations = 100, long seed = 0) : base(concepts, seed)
    {
        if (alpha is < 0) throw new PhospheneException($"alpha must be ≥ 0, got {alpha}");
        if (tolerance < 0) throw new PhospheneException($"tolerance must be ≥ 0, got {tolerance}");
        if (maxIterations < 1) throw new PhospheneException($"max iterations must be at least 1, got {maxIterations}");
        _requestedAlpha = alpha;
        PositiveCode = positiveCode;
        Tolerance = tolerance;
        MaxIterations = maxIterations;
    }

    /// <inheritdoc />
    public override string Name => "dictionary";

    /// <inheritdoc />
    public override string Summary => "sparse dictionary learning: Lasso codes over a learnt concept bank";

    /// <summary>The L1 penalty in use (after fitting, the resolved default).</summary>
    public double Alpha { get; private set; }

    /// <summary>Whether codes are constrained to be non-negative.</summary>
    public bool PositiveCode { get; }

    /// <summary>Relative objective-decrease tolerance.</summary>
    public double Tolerance { get; }

    /// <summary>Outer iteration limit.</summary>
    public int MaxIterations { get; }

    /// <inheritdoc />
    public override bool NonNegativeCoefficients => PositiveCode;

    /// <inheritdoc />
    public override bool HasDifferentiableEncode => true;

    private protected override JsonObject Settings() => new()
    {
        ["alpha"] = ResultFile.Number(_requestedAlpha), ["positiveCode"] = PositiveCode,
        ["tolerance"] = Tolerance, ["maxIterations"] = MaxIterations,
    };

    private protected override JsonObject FittedValues() => new() { ["alpha"] = ResultFile.Number(Alpha) };

    private protected override void RestoreFitted(JsonObject values, Func<string, Tensor> tensor) => Alpha = ResultFile.Number(values["alpha"]!);

    /// <inheritdoc />
    protected override (Tensor Coefficients, Tensor Bank) FitCore(Tensor a, CancellationToken cancellation)
    {
        Alpha = _requestedAlpha ?? 0.1 * a.norm(1).mean().item<double>();
        var (left, singular, right) = Nmf.TopSingularTriplets(a, Concepts);
        var d = right.clone();
        var u = left * singular.unsqueeze(0);
        if (PositiveCode) u.clamp_min_(0);
        using var generator = NewGenerator();
        double previous = double.PositiveInfinity;
        Iterations = 0;
        Converged = false;
        for (int iteration = 1; iteration <= MaxIterations; iteration++)
        {
            cancellation.ThrowIfCancellationRequested();
            using (var scope = NewDisposeScope())
            {
                var code = Code(a, d, u, Alpha, PositiveCode, 50);
                u.copy_(code);
                UpdateAtoms(a, u, d, generator);
            }
            double objective;
            using (var scope = NewDisposeScope())
                objective = 0.5 * (a - u.mm(d)).square().sum().item<double>() + Alpha * u.abs().sum().item<double>();
            Iterations = iteration;
            if (previous - objective <= Tolerance * Math.Abs(objective)) { Converged = true; break; }
            previous = objective;
        }
        return (u, d);
    }

    // Lasso by cyclic coordinate descent, row by row in float64 until no coordinate moves by more than 1e-10 of the
    // row's largest code (or `sweeps` passes), warm-started at `start`; returns the codes n×r.
    static Tensor Code(Tensor a, Tensor d, Tensor? start, double alpha, bool positive, int sweeps)
    {
        int r = (int)d.shape[0], n = (int)a.shape[0];
        double[] g, b, u;
        using (var scope = NewDisposeScope())
        {
            g = d.mm(d.t()).contiguous().data<double>().ToArray();
            b = a.mm(d.t()).contiguous().data<double>().ToArray();
            u = start is null ? new double[n * r] : start.contiguous().data<double>().ToArray();
        }
        void CodeRows(int first, int end)
        {
            for (int row = first; row < end; row++)
            {
                int o = row * r;
                for (int sweep = 0; sweep < sweeps; sweep++)
                {
                    double change = 0, largest = 0;
                    for (int t = 0; t < r; t++)
                    {
                        double gtt = g[t * r + t];
                        if (gtt <= 0) continue;
                        double residual = b[o + t];
                        for (int k = 0; k < r; k++) residual -= g[t * r + k] * u[o + k];
                        double z = u[o + t] + residual / gtt, threshold = alpha / gtt;
                        double next = positive ? Math.Max(z - threshold, 0) : Math.Sign(z) * Math.Max(Math.Abs(z) - threshold, 0);
                        change = Math.Max(change, Math.Abs(next - u[o + t]));
                        largest = Math.Max(largest, Math.Abs(next));
                        u[o + t] = next;
                    }
                    if (change <= 1e-10 * Math.Max(1, largest)) break;
                }
            }
        }
        if ((long)n * r * r * sweeps < 5_000_000) CodeRows(0, n);
        else Parallel.For(0, (n + 255) / 256, block => CodeRows(block * 256, Math.Min(n, (block + 1) * 256)));
        return tensor(u, [n, r], ScalarType.Float64);
    }

    // Block coordinate descent on the atoms with projection onto the unit ball (scikit-learn's _update_dict).
    static void UpdateAtoms(Tensor a, Tensor u, Tensor d, Generator generator)
    {
        var uu = u.t().mm(u);       // r×r
        var au = a.t().mm(u);       // c×r
        long r = d.shape[0];
        for (long k = 0; k < r; k++)
        {
            var atom = d[k];
            double weight = uu[k, k].item<double>();
            if (weight > 1e-6)
                atom.add_((au[.., k] - uu[k].unsqueeze(0).mm(d).squeeze(0)) / weight);
            else
                atom.copy_(randn([d.shape[1]], dtype: ScalarType.Float64, generator: generator));
            atom.div_(Math.Max(atom.norm().item<double>(), 1));
        }
    }

    /// <inheritdoc />
    protected override Tensor EncodeCore(Tensor activations) => Code(activations, ConceptBank, null, Alpha, PositiveCode, 500);

    /// <inheritdoc />
    protected override Tensor EncodeDifferentiableCore(Tensor activations)
    {
        using var scope = NewDisposeScope();
        Tensor solution;
        using (no_grad()) solution = EncodeCore(activations.detach());
        var support = solution.ne(0).to_type(ScalarType.Float64);
        var d = ConceptBank;
        var gram = d.mm(d.t());
        long r = gram.shape[0];
        var system = support.unsqueeze(2) * support.unsqueeze(1) * gram.unsqueeze(0)
                     + (1 - support).unsqueeze(2) * eye(r, dtype: ScalarType.Float64).unsqueeze(0);
        var rhs = support * (activations.mm(d.t()) - Alpha * solution.sign());
        return linalg.solve(system, rhs.unsqueeze(2)).squeeze(2).MoveToOuterDisposeScope();
    }
}
