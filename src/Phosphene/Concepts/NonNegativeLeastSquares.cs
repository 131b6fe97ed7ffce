using TorchSharp;
using static TorchSharp.torch;

namespace Phosphene.Concepts;

/// <summary>
/// Batched non-negative least squares, the encoding step of NMF-based concept methods: for every row a of A (n×c)
/// and a fixed bank W (r×c), <c>u = argmin_{u ≥ 0} ‖a − u W‖²</c>, solved exactly by the active-set method of
/// Lawson and Hanson (1974, "Solving Least Squares Problems", ch. 23) in the Gram form of Bro and De Jong (1997,
/// "A fast non-negativity-constrained least squares algorithm", J. Chemometrics): with G = W Wᵀ and b = W a, the
/// solution satisfies the KKT conditions u ≥ 0, G u − b ≥ 0, u ⊙ (G u − b) = 0.
/// </summary>
/// <remarks>
/// The products G and A Wᵀ run on TorchSharp; the small r×r active-set solves run per row in float64 on all cores.
/// <see cref="SolveDifferentiable"/> re-expresses the solution as a linear solve on its active set, which gives
/// the implicit derivative ∂u/∂a of the KKT system (CRAFT's concept attribution maps).
/// </remarks>
public static class NonNegativeLeastSquares
{
    /// <summary>Coefficients U (n×r, float64, non-negative) minimising ‖A − U W‖ row by row.</summary>
    /// <param name="activations">A, n×c (any floating dtype).</param>
    /// <param name="bank">W, r×c; it may have signed entries (semi-NMF), G = W Wᵀ must be positive definite or
    /// nearly so (a tiny ridge handles duplicated rows).</param>
    /// <exception cref="PhospheneException">Shapes do not match.</exception>
    public static Tensor Solve(Tensor activations, Tensor bank)
    {
        Check(activations, bank);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var w = bank.detach().to_type(ScalarType.Float64);
        var gram = w.mm(w.t());
        var rhs = activations.detach().to_type(ScalarType.Float64).mm(w.t());
        return SolveGram(gram, rhs).MoveToOuterDisposeScope();
    }

    /// <summary>Solves min_{u ≥ 0} ½ uᵀ G u − uᵀ b for every row b of <paramref name="rhs"/> (n×r), G r×r.</summary>
    /// <returns>U, n×r float64.</returns>
    public static Tensor SolveGram(Tensor gram, Tensor rhs)
    {
        ArgumentNullException.ThrowIfNull(gram);
        ArgumentNullException.ThrowIfNull(rhs);
        int r = (int)gram.shape[0];
        if (gram.dim() != 2 || gram.shape[1] != r || rhs.dim() != 2 || rhs.shape[1] != r)
            throw new PhospheneException($"NNLS needs an r×r Gram matrix and n×r right-hand sides, got [{string.Join(", ", gram.shape)}] and [{string.Join(", ", rhs.shape)}]");
        int n = (int)rhs.shape[0];
        double[] g = gram.to_type(ScalarType.Float64).contiguous().data<double>().ToArray();
        double[] b = rhs.to_type(ScalarType.Float64).contiguous().data<double>().ToArray();
        double[] u = new double[n * r];
        double scale = 0;
        for (int i = 0; i < r; i++) scale = Math.Max(scale, g[i * r + i]);
        double ridge = 1e-13 * Math.Max(scale, double.Epsilon);
        double tolerance = 1e-12 * Math.Max(scale, 1e-300);
        if ((long)n * r * r < 200_000)
        {
            var work = new Workspace(r);
            for (int row = 0; row < n; row++) SolveRow(g, r, b.AsSpan(row * r, r), u.AsSpan(row * r, r), ridge, tolerance, work);
        }
        else
            Parallel.For(0, (n + 255) / 256, () => new Workspace(r), (block, _, work) =>
            {
                for (int row = block * 256; row < Math.Min(n, (block + 1) * 256); row++)
                    SolveRow(g, r, b.AsSpan(row * r, r), u.AsSpan(row * r, r), ridge, tolerance, work);
                return work;
            }, _ => { });
        return tensor(u, [n, r], ScalarType.Float64);
    }

    /// <summary>
    /// The NNLS solution as a differentiable function of A (and W): U is found by <see cref="Solve"/>, then recomputed
    /// as the solution of its active-set KKT system G_SS u_S = W_S a (u = 0 off S), so autograd yields the implicit
    /// derivative ∂u_S/∂a = G_SS⁻¹ W_S and ∂u/∂a = 0 off the active set (Fel et al. 2023, CRAFT, section 3.3).
    /// </summary>
    /// <returns>U, n×r in float64, carrying gradients to <paramref name="activations"/> and <paramref name="bank"/>.</returns>
    public static Tensor SolveDifferentiable(Tensor activations, Tensor bank)
    {
        Check(activations, bank);
        using var scope = NewDisposeScope();
        var solution = Solve(activations, bank);
        var active = solution.gt(0).to_type(ScalarType.Float64);                       // n×r
        var w = bank.to_type(ScalarType.Float64);
        var gram = w.mm(w.t());                                                         // r×r
        long r = gram.shape[0];
        var eye = torch.eye(r, dtype: ScalarType.Float64);
        var mask = active.unsqueeze(2) * active.unsqueeze(1);                           // n×r×r
        var system = mask * gram.unsqueeze(0) + (1 - active).unsqueeze(2) * eye.unsqueeze(0);
        var rhs = active * activations.to_type(ScalarType.Float64).mm(w.t());
        return linalg.solve(system, rhs.unsqueeze(2)).squeeze(2).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The largest violation of the KKT conditions of min_{u ≥ 0} ‖a − uW‖² over all rows, in units of the gradient
    /// of ½‖a − uW‖²: max(−min u, −min ∇, max |u ⊙ ∇|) with ∇ = U G − A Wᵀ. Zero for an exact solution.
    /// </summary>
    public static double KktViolation(Tensor activations, Tensor bank, Tensor coefficients)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var w = bank.to_type(ScalarType.Float64);
        var u = coefficients.to_type(ScalarType.Float64);
        var gradient = u.mm(w.mm(w.t())) - activations.to_type(ScalarType.Float64).mm(w.t());
        double negative = Math.Max(0, -u.min().item<double>());
        double dual = Math.Max(0, -gradient.min().item<double>());
        double slack = (u * gradient).abs().max().item<double>();
        return Math.Max(negative, Math.Max(dual, slack));
    }

    static void Check(Tensor activations, Tensor bank)
    {
        ArgumentNullException.ThrowIfNull(activations);
        ArgumentNullException.ThrowIfNull(bank);
        if (activations.dim() != 2 || bank.dim() != 2 || activations.shape[1] != bank.shape[1])
            throw new PhospheneException(
                $"NNLS needs activations n×c and a concept bank r×c with the same c, got [{string.Join(", ", activations.shape)}] and [{string.Join(", ", bank.shape)}]");
    }

    sealed class Workspace(int r)
    {
        public readonly bool[] Passive = new bool[r];
        public readonly double[] Candidate = new double[r];
        public readonly double[] Gradient = new double[r];
        public readonly int[] Index = new int[r];
        public readonly double[] Factor = new double[r * r];
        public readonly double[] Solution = new double[r];
    }

    // Lawson–Hanson active set on the Gram form; x starts at 0 and ends at the exact solution of its passive set.
    static void SolveRow(double[] g, int r, ReadOnlySpan<double> b, Span<double> x, double ridge, double tolerance, Workspace work)
    {
        var passive = work.Passive;
        Array.Clear(passive);
        x.Clear();
        var w = work.Gradient;
        b.CopyTo(w);
        int limit = 3 * r + 10;
        for (int outer = 0; outer < limit; outer++)
        {
            int j = -1;
            double best = tolerance;
            for (int i = 0; i < r; i++)
                if (!passive[i] && w[i] > best) { best = w[i]; j = i; }
            if (j < 0) break;
            passive[j] = true;
            for (int inner = 0; inner < limit; inner++)
            {
                var s = work.Candidate;
                SolvePassive(g, r, b, passive, s, ridge, work);
                double alpha = double.PositiveInfinity;
                for (int i = 0; i < r; i++)
                    if (passive[i] && s[i] <= 0)
                    {
                        double step = x[i] - s[i];
                        alpha = Math.Min(alpha, step > 0 ? x[i] / step : 0);
                    }
                if (double.IsPositiveInfinity(alpha))
                {
                    for (int i = 0; i < r; i++) x[i] = s[i];
                    break;
                }
                for (int i = 0; i < r; i++)
                {
                    x[i] += alpha * (s[i] - x[i]);
                    if (passive[i] && x[i] <= 0) { passive[i] = false; x[i] = 0; }
                }
            }
            for (int i = 0; i < r; i++)
            {
                double sum = b[i];
                for (int k = 0; k < r; k++) sum -= g[i * r + k] * x[k];
                w[i] = sum;
            }
        }
    }

    // s_P = G_PP⁻¹ b_P by Cholesky, s = 0 off P.
    static void SolvePassive(double[] g, int r, ReadOnlySpan<double> b, bool[] passive, double[] s, double ridge, Workspace work)
    {
        var index = work.Index;
        int m = 0;
        for (int i = 0; i < r; i++) { s[i] = 0; if (passive[i]) index[m++] = i; }
        var l = work.Factor;
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j <= i; j++)
            {
                double sum = g[index[i] * r + index[j]];
                for (int k = 0; k < j; k++) sum -= l[i * m + k] * l[j * m + k];
                if (i == j) l[i * m + i] = Math.Sqrt(Math.Max(sum + ridge, ridge));
                else l[i * m + j] = sum / l[j * m + j];
            }
        }
        var y = work.Solution;
        for (int i = 0; i < m; i++)
        {
            double sum = b[index[i]];
            for (int k = 0; k < i; k++) sum -= l[i * m + k] * y[k];
            y[i] = sum / l[i * m + i];
        }
        for (int i = m - 1; i >= 0; i--)
        {
            double sum = y[i];
            for (int k = i + 1; k < m; k++) sum -= l[k * m + i] * y[k];
            y[i] = sum / l[i * m + i];
        }
        for (int i = 0; i < m; i++) s[index[i]] = y[i];
    }
}
