using System.Text.Json.Nodes;
using Phosphene.Results;
using TorchSharp;
using static TorchSharp.torch;

namespace Phosphene.Concepts;

/// <summary>How <see cref="Nmf"/> updates its factors.</summary>
public enum NmfSolver
{
    /// <summary>Cyclic coordinate descent, element by element in float64, as scikit-learn's <c>solver='cd'</c>
    /// (Cichocki and Phan 2009; Hsieh and Dhillon 2011, "Fast coordinate descent methods with variable selection
    /// for non-negative matrix factorization", KDD).</summary>
    CoordinateDescent,

    /// <summary>Hierarchical alternating least squares: each concept's column updated at once on TorchSharp
    /// (Cichocki and Phan 2009, "Fast local algorithms for large scale nonnegative matrix and tensor
    /// factorizations", IEICE). Same fixed point and iterates as coordinate descent, vectorised.</summary>
    Hals,

    /// <summary>Multiplicative updates (Lee and Seung 2001, "Algorithms for non-negative matrix factorization",
    /// NIPS), as scikit-learn's <c>solver='mu'</c> with the Frobenius loss.</summary>
    MultiplicativeUpdate,
}

/// <summary>How <see cref="Nmf"/> initialises its factors.</summary>
public enum NmfInit
{
    /// <summary>Non-negative double SVD with zeros replaced by the mean of A (Boutsidis and Gallopoulos 2008,
    /// "SVD based initialization: A head start for nonnegative matrix factorization", Pattern Recognition).</summary>
    Nndsvda,

    /// <summary>Non-negative double SVD, zeros kept (better for sparse factors; coordinate descent only).</summary>
    Nndsvd,

    /// <summary>|N(0,1)|·sqrt(mean(A)/r) entries from the seeded generator.</summary>
    Random,
}

/// <summary>
/// Non-negative matrix factorisation A ≈ U W with U, W ≥ 0 under the Frobenius loss
/// ½‖A − UW‖² + penalties, CRAFT's concept extraction (Fel et al. 2023, "CRAFT: Concept Recursive Activation
/// FacTorization for Explainability", CVPR; Lee and Seung 1999, "Learning the parts of objects by non-negative
/// matrix factorization", Nature). Mirrors <c>sklearn.decomposition.NMF</c>: same initialisations, solvers,
/// stopping rules and penalty scaling, so results agree with it.
/// </summary>
/// <remarks>
/// <para>Shapes: A n×c (crops × channels, A ≥ 0), U n×r, W r×c. Defaults: nndsvda, coordinate descent, tolerance
/// 1e-4, 200 iterations, no penalty.</para>
/// <para>Penalty (scikit-learn 1.2's convention): α·l1·c·‖U‖₁ + ½α(1−l1)·c·‖U‖² + α·l1·n·‖W‖₁ + ½α(1−l1)·n·‖W‖².</para>
/// <para>Stopping: coordinate descent and HALS stop when the summed projected-gradient violation of an iteration
/// falls below <see cref="Tolerance"/> times that of the first; multiplicative updates check every 10 iterations
/// whether the error dropped by less than <see cref="Tolerance"/> times the initial error.</para>
/// <para>Coordinate descent runs in managed float64 for small problems; when n·c·r exceeds 2·10⁶ the two products
/// A Wᵀ and Aᵀ U that dominate its cost run in float32 on TorchSharp (the factors and updates stay float64).</para>
/// <para>Encoding new rows solves the NNLS exactly (<see cref="NonNegativeLeastSquares"/>), and the differentiable
/// encoding is its implicit derivative.</para>
/// </remarks>
public sealed class Nmf : ConceptDecomposition
{
    /// <summary>Creates the factorisation.</summary>
    /// <param name="concepts">Rank r.</param>
    /// <param name="solver">Update rule (default coordinate descent).</param>
    /// <param name="init">Initialisation (default nndsvda).</param>
    /// <param name="tolerance">Relative stopping tolerance (default 1e-4; 0 runs every iteration).</param>
    /// <param name="maxIterations">Iteration limit (default 200).</param>
    /// <param name="alpha">Penalty strength α ≥ 0 (default 0).</param>
    /// <param name="l1Ratio">Share of L1 in the penalty, in [0, 1] (default 0: pure L2).</param>
    /// <param name="seed">Seed of the random initialisation.</param>
    public Nmf(int concepts, NmfSolver solver = NmfSolver.CoordinateDescent, NmfInit init = NmfInit.Nndsvda,
        double tolerance = 1e-4, int maxIterations = 200, double alpha = 0, double l1Ratio = 0, long seed = 0)
        : base(concepts, seed)
    {
        if (tolerance < 0) throw new PhospheneException($"tolerance must be ≥ 0, got {tolerance}");
        if (maxIterations < 1) throw new PhospheneException($"max iterations must be at least 1, got {maxIterations}");
        if (alpha < 0) throw new PhospheneException($"alpha must be ≥ 0, got {alpha}");
        if (l1Ratio is < 0 or > 1) throw new PhospheneException($"l1 ratio must be in [0, 1], got {l1Ratio}");
        Solver = solver;
        Init = init;
        Tolerance = tolerance;
        MaxIterations = maxIterations;
        Alpha = alpha;
        L1Ratio = l1Ratio;
    }

    /// <inheritdoc />
    public override string Name => "nmf";

    /// <inheritdoc />
    public override string Summary => "non-negative matrix factorisation: U ≥ 0 and W ≥ 0, as CRAFT";

    /// <summary>The update rule.</summary>
    public NmfSolver Solver { get; }

    /// <summary>The initialisation.</summary>
    public NmfInit Init { get; }

    /// <summary>Relative stopping tolerance.</summary>
    public double Tolerance { get; }

    /// <summary>Iteration limit.</summary>
    public int MaxIterations { get; }

    /// <summary>Penalty strength α.</summary>
    public double Alpha { get; }

    /// <summary>Share of L1 in the penalty.</summary>
    public double L1Ratio { get; }

    /// <inheritdoc />
    public override bool RequiresNonNegativeActivations => true;

    /// <inheritdoc />
    public override bool NonNegativeCoefficients => true;

    /// <inheritdoc />
    public override bool HasDifferentiableEncode => true;

    private protected override JsonObject Settings() => new()
    {
        ["solver"] = Solver.ToString(), ["init"] = Init.ToString(), ["tolerance"] = Tolerance, ["maxIterations"] = MaxIterations,
        ["alpha"] = Alpha, ["l1Ratio"] = L1Ratio,
    };

    /// <inheritdoc />
    protected override (Tensor Coefficients, Tensor Bank) FitCore(Tensor a, CancellationToken cancellation)
    {
        var (u, w) = Initialize(a, Concepts, Init, Seed);
        long n = a.shape[0], c = a.shape[1];
        double l1U = c * Alpha * L1Ratio, l2U = c * Alpha * (1 - L1Ratio);
        double l1W = n * Alpha * L1Ratio, l2W = n * Alpha * (1 - L1Ratio);
        return Solver switch
        {
            NmfSolver.CoordinateDescent => CoordinateDescent(a, u, w, l1U, l2U, l1W, l2W, cancellation),
            NmfSolver.Hals => Hals(a, u, w, l1U, l2U, l1W, l2W, cancellation),
            _ => Multiplicative(a, u, w, l1U, l2U, l1W, l2W, cancellation),
        };
    }

    /// <inheritdoc />
    protected override Tensor EncodeCore(Tensor activations) => NonNegativeLeastSquares.Solve(activations, ConceptBank);

    /// <inheritdoc />
    protected override Tensor EncodeDifferentiableCore(Tensor activations) =>
        NonNegativeLeastSquares.SolveDifferentiable(activations, ConceptBank);

    /// <summary>
    /// The initial U (n×r) and W (r×c), float64, as scikit-learn's <c>_initialize_nmf</c> computes them (with an
    /// exact SVD where scikit-learn uses a randomised one).
    /// </summary>
    public static (Tensor U, Tensor W) Initialize(Tensor a, int concepts, NmfInit init, long seed)
    {
        using var scope = NewDisposeScope();
        a = a.to_type(ScalarType.Float64);
        long n = a.shape[0], c = a.shape[1];
        double mean = a.mean().item<double>();
        if (init == NmfInit.Random)
        {
            using var generator = new Generator().manual_seed(seed);
            double scale = Math.Sqrt(mean / concepts);
            var w0 = (randn([concepts, c], dtype: ScalarType.Float64, generator: generator) * scale).abs();
            var u0 = (randn([n, concepts], dtype: ScalarType.Float64, generator: generator) * scale).abs();
            return (u0.MoveToOuterDisposeScope(), w0.MoveToOuterDisposeScope());
        }
        var (left, singular, right) = TopSingularTriplets(a, concepts);
        var u = zeros(n, concepts, dtype: ScalarType.Float64);
        var w = zeros(concepts, c, dtype: ScalarType.Float64);
        double s0 = Math.Sqrt(singular[0].item<double>());
        u[.., 0] = left[.., 0].abs() * s0;
        w[0] = right[0].abs() * s0;
        for (int j = 1; j < concepts; j++)
        {
            var x = left[.., j];
            var y = right[j];
            var xp = x.clamp_min(0); var yp = y.clamp_min(0);
            var xn = (-x).clamp_min(0); var yn = (-y).clamp_min(0);
            double xpn = xp.norm().item<double>(), ypn = yp.norm().item<double>();
            double xnn = xn.norm().item<double>(), ynn = yn.norm().item<double>();
            double mp = xpn * ypn, mn = xnn * ynn;
            var (uu, vv, sigma) = mp > mn ? (xp / xpn, yp / ypn, mp) : (xn / xnn, yn / ynn, mn);
            double lambda = Math.Sqrt(singular[j].item<double>() * sigma);
            u[.., j] = uu * lambda;
            w[j] = vv * lambda;
        }
        u.masked_fill_(u.lt(1e-6), 0);
        w.masked_fill_(w.lt(1e-6), 0);
        if (init == NmfInit.Nndsvda)
        {
            u.masked_fill_(u.eq(0), mean);
            w.masked_fill_(w.eq(0), mean);
        }
        return (u.MoveToOuterDisposeScope(), w.MoveToOuterDisposeScope());
    }

    // The top r singular triplets of A from the eigendecomposition of its smaller Gram matrix (float64).
    internal static (Tensor Left, Tensor Singular, Tensor Right) TopSingularTriplets(Tensor a, int r)
    {
        using var scope = NewDisposeScope();
        long n = a.shape[0], c = a.shape[1];
        bool wide = c > n;
        var gram = wide ? a.mm(a.t()) : a.t().mm(a);
        var (values, vectors) = linalg.eigh(gram);                   // ascending
        long k = Math.Min(r, values.shape[0]);
        var order = arange(values.shape[0] - 1, values.shape[0] - 1 - k, -1);
        var top = vectors.index_select(1, order);                     // m×k
        var s = values.index_select(0, order).clamp_min(0).sqrt();
        var safe = s.clamp_min(1e-300);
        Tensor left, right;
        if (wide) { left = top; right = (a.t().mm(top) / safe).t(); }
        else { right = top.t(); left = a.mm(top) / safe; }
        if (k < r)
        {
            left = cat([left, zeros(n, r - k, dtype: ScalarType.Float64)], 1);
            right = cat([right, zeros(r - k, c, dtype: ScalarType.Float64)], 0);
            s = cat([s, zeros(r - k, dtype: ScalarType.Float64)], 0);
        }
        return (left.contiguous().MoveToOuterDisposeScope(), s.MoveToOuterDisposeScope(), right.contiguous().MoveToOuterDisposeScope());
    }

    (Tensor, Tensor) CoordinateDescent(Tensor a, Tensor u0, Tensor w0, double l1U, double l2U, double l1W, double l2W, CancellationToken cancellation)
    {
        int n = (int)a.shape[0], c = (int)a.shape[1], r = Concepts;
        double[] u = u0.contiguous().data<double>().ToArray();
        double[] wt = w0.t().contiguous().data<double>().ToArray();   // c×r
        // Small problems stay in managed memory: thousands of tiny native calls cost more than the arithmetic.
        // Large problems: the two products A·Wᵀ and Aᵀ·U dominate, and run in float32 (sgemm, twice dgemm's speed);
        // the coordinate updates and the factors stay float64.
        bool large = (long)n * c * r > 2_000_000;
        var product = large ? a.to_type(ScalarType.Float32) : a;
        var at = product.t().contiguous();
        double[]? am = large ? null : a.contiguous().data<double>().ToArray();
        double[]? atm = large ? null : at.data<double>().ToArray();
        double initial = 0;
        Iterations = 0;
        Converged = false;
        for (int iteration = 1; iteration <= MaxIterations; iteration++)
        {
            cancellation.ThrowIfCancellationRequested();
            double violation = Sweep(product, am, u, n, wt, c, r, l1U, l2U, large) + Sweep(at, atm, wt, c, u, n, r, l1W, l2W, large);
            Iterations = iteration;
            if (iteration == 1) initial = violation;
            if (initial == 0 || violation / initial <= Tolerance) { Converged = true; break; }
        }
        return (tensor(u, [n, r], ScalarType.Float64), tensor(wt, [c, r], ScalarType.Float64).t().contiguous());
    }

    // One coordinate-descent pass over x (rows×r) for min ½‖M − x hᵀ‖² with h (cols×r) fixed; returns the summed
    // projected-gradient violation, as scikit-learn's _update_cdnmf_fast. M is given as a tensor and, for small
    // problems, as a row-major array.
    static double Sweep(Tensor m, double[]? managed, double[] x, int rows, double[] h, int cols, int r, double l1, double l2, bool large)
    {
        double[] hh = new double[r * r];
        for (int k = 0; k < cols; k++)
            for (int i = 0; i < r; i++)
            {
                double hi = h[k * r + i];
                if (hi == 0) continue;
                for (int j = 0; j < r; j++) hh[i * r + j] += hi * h[k * r + j];
            }
        for (int i = 0; i < r; i++) hh[i * r + i] += l2;
        double[] mh;
        if (managed is null)
        {
            using var ht = tensor(h, [cols, r], ScalarType.Float64).to_type(m.dtype);
            using var product = m.mm(ht).to_type(ScalarType.Float64);
            mh = product.data<double>().ToArray();
        }
        else
        {
            mh = new double[rows * r];
            for (int i = 0; i < rows; i++)
                for (int k = 0; k < cols; k++)
                {
                    double v = managed[i * cols + k];
                    if (v == 0) continue;
                    for (int t = 0; t < r; t++) mh[i * r + t] += v * h[k * r + t];
                }
        }
        if (l1 != 0) for (int i = 0; i < mh.Length; i++) mh[i] -= l1;

        double SweepRows(int start, int end)
        {
            double local = 0;
            for (int row = start; row < end; row++)
            {
                int o = row * r;
                for (int t = 0; t < r; t++)
                {
                    double hess = hh[t * r + t];
                    double grad = -mh[o + t];
                    for (int k = 0; k < r; k++) grad += hh[t * r + k] * x[o + k];
                    local += Math.Abs(x[o + t] == 0 ? Math.Min(0, grad) : grad);
                    if (hess != 0) x[o + t] = Math.Max(x[o + t] - grad / hess, 0);
                }
            }
            return local;
        }
        if (!large) return SweepRows(0, rows);
        double total = 0;
        object gate = new();
        Parallel.For(0, (rows + 1023) / 1024, () => 0.0,
            (block, _, local) => local + SweepRows(block * 1024, Math.Min(rows, (block + 1) * 1024)),
            local => { lock (gate) total += local; });
        return total;
    }

    (Tensor, Tensor) Hals(Tensor a, Tensor u, Tensor w, double l1U, double l2U, double l1W, double l2W, CancellationToken cancellation)
    {
        var at = a.t();
        var wt = w.t().contiguous();
        double initial = 0;
        Iterations = 0;
        Converged = false;
        for (int iteration = 1; iteration <= MaxIterations; iteration++)
        {
            cancellation.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            var violation = HalsSweep(a, u, wt, l1U, l2U) + HalsSweep(at, wt, u, l1W, l2W);
            double v = violation.item<double>();
            Iterations = iteration;
            if (iteration == 1) initial = v;
            if (initial == 0 || v / initial <= Tolerance) { Converged = true; break; }
        }
        return (u, wt.t().contiguous());
    }

    // Column-wise HALS pass over x (rows×r), in place, for min ½‖M − x hᵀ‖²; returns the projected-gradient violation.
    static Tensor HalsSweep(Tensor m, Tensor x, Tensor h, double l1, double l2)
    {
        var hh = h.t().mm(h);
        if (l2 != 0) hh.diagonal().add_(l2);
        var mh = m.mm(h);
        if (l1 != 0) mh.sub_(l1);
        long r = hh.shape[0];
        var violation = zeros(1, dtype: ScalarType.Float64);
        for (long t = 0; t < r; t++)
        {
            var column = x[.., t];
            var grad = x.mv(hh[.., t]) - mh[.., t];
            var projected = where(column.eq(0), grad.clamp_max(0), grad);
            violation.add_(projected.abs().sum());
            double hess = hh[t, t].item<double>();
            if (hess != 0) column.copy_((column - grad / hess).clamp_min(0));
        }
        return violation;
    }

    (Tensor, Tensor) Multiplicative(Tensor a, Tensor u, Tensor w, double l1U, double l2U, double l1W, double l2W, CancellationToken cancellation)
    {
        double initialError = (a - u.mm(w)).norm().item<double>();
        double previous = initialError;
        Iterations = 0;
        Converged = false;
        const double epsilon = 2.220446049250313e-16;
        for (int iteration = 1; iteration <= MaxIterations; iteration++)
        {
            cancellation.ThrowIfCancellationRequested();
            using (var scope = NewDisposeScope())
            {
                var numerator = a.mm(w.t());
                var denominator = u.mm(w.mm(w.t()));
                if (l1U > 0) denominator.add_(l1U);
                if (l2U > 0) denominator.add_(u * l2U);
                denominator.masked_fill_(denominator.eq(0), epsilon);
                u.mul_(numerator / denominator);

                numerator = u.t().mm(a);
                denominator = u.t().mm(u).mm(w);
                if (l1W > 0) denominator.add_(l1W);
                if (l2W > 0) denominator.add_(w * l2W);
                denominator.masked_fill_(denominator.eq(0), epsilon);
                w.mul_(numerator / denominator);
            }
            Iterations = iteration;
            if (Tolerance > 0 && iteration % 10 == 0)
            {
                double error;
                using (var scope = NewDisposeScope()) error = (a - u.mm(w)).norm().item<double>();
                if ((previous - error) / initialError < Tolerance) { Converged = true; break; }
                previous = error;
            }
        }
        return (u, w);
    }
}
