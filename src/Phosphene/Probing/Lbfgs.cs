using TorchSharp;
using static TorchSharp.torch;

namespace Phosphene.Probing;

/// <summary>
/// Limited-memory BFGS (Nocedal 1980, "Updating quasi-Newton matrices with limited storage"; Liu and Nocedal 1989)
/// for smooth convex objectives of a float64 parameter vector: the two-loop recursion with the last
/// <see cref="History"/> curvature pairs and a backtracking Armijo line search with quadratic interpolation.
/// </summary>
internal sealed class Lbfgs
{
    /// <summary>Curvature pairs kept; default 10 (as SciPy's L-BFGS-B <c>maxcor</c>).</summary>
    public int History { get; init; } = 10;
    /// <summary>Stop when the largest absolute gradient entry is at most this; default 1e-8.</summary>
    public double GradientTolerance { get; init; } = 1e-8;
    /// <summary>Stop when the objective's relative decrease is below this; default 1e-14.</summary>
    public double RelativeTolerance { get; init; } = 1e-14;
    /// <summary>Iteration limit; default 1000.</summary>
    public int MaxIterations { get; init; } = 1000;

    /// <summary>Iterations of the last <see cref="Minimize"/>.</summary>
    public int Iterations { get; private set; }
    /// <summary>Objective evaluations of the last <see cref="Minimize"/> (iterations plus line-search trials).</summary>
    public int Evaluations { get; private set; }
    /// <summary>Whether the last run met a tolerance before the iteration limit.</summary>
    public bool Converged { get; private set; }

    /// <summary>
    /// Minimises <paramref name="objective"/> (value and gradient at a point) from <paramref name="start"/>; returns
    /// the minimiser (a new float64 tensor outside any dispose scope).
    /// </summary>
    /// <remarks>
    /// Only the objective runs in TorchSharp; the curvature pairs, the two-loop recursion and the line-search updates
    /// work on plain arrays, which costs O(history × parameters) flops per iteration and no native calls: on probes
    /// of a few thousand parameters those small tensor operations, not the arithmetic, dominated the time.
    /// </remarks>
    public Tensor Minimize(Func<Tensor, (double Value, Tensor Gradient)> objective, Tensor start)
    {
        var s = new List<double[]>();
        var y = new List<double[]>();
        var rho = new List<double>();
        double[] x;
        using (var scope = NewDisposeScope()) x = start.detach().to(ScalarType.Float64).contiguous().data<double>().ToArray();
        var (f, g) = Evaluate(objective, x);
        Evaluations = 1;
        Iterations = 0;
        Converged = false;
        for (; Iterations < MaxIterations; Iterations++)
        {
            if (MaxAbs(g) <= GradientTolerance) { Converged = true; break; }
            var direction = TwoLoop(g, s, y, rho);
            double slope = Dot(direction, g);
            if (slope >= 0) { direction = Scaled(g, -1); slope = -Dot(g, g); }
            double step = s.Count == 0 ? Math.Min(1.0, 1.0 / Math.Sqrt(-slope)) : 1.0;
            var (next, fNext, gNext) = LineSearch(objective, x, f, slope, direction, step);
            if (next is null) { Converged = true; break; }   // no decrease possible at machine precision
            var sk = Difference(next, x);
            var yk = Difference(gNext!, g);
            double sy = Dot(sk, yk);
            if (sy > 1e-12 * Math.Max(1.0, Dot(yk, yk)))
            {
                if (s.Count == History) { s.RemoveAt(0); y.RemoveAt(0); rho.RemoveAt(0); }
                s.Add(sk); y.Add(yk); rho.Add(1.0 / sy);
            }
            double decrease = f - fNext;
            x = next;
            g = gNext!;
            f = fNext;
            if (decrease <= RelativeTolerance * Math.Max(Math.Abs(f), 1.0)) { Converged = true; Iterations++; break; }
        }
        return tensor(x).DetachFromDisposeScope();
    }

    /// <summary>The objective's value and gradient at <paramref name="x"/>, the gradient copied out and its tensor freed.</summary>
    static (double Value, double[] Gradient) Evaluate(Func<Tensor, (double, Tensor)> objective, double[] x)
    {
        using var scope = NewDisposeScope();
        var (value, gradient) = objective(tensor(x));
        return (value, gradient.to(ScalarType.Float64).contiguous().data<double>().ToArray());
    }

    static double[] TwoLoop(double[] g, List<double[]> s, List<double[]> y, List<double> rho)
    {
        var q = Scaled(g, -1);
        var alpha = new double[s.Count];
        for (int i = s.Count - 1; i >= 0; i--)
        {
            alpha[i] = rho[i] * Dot(s[i], q);
            AddScaled(q, y[i], -alpha[i]);
        }
        if (s.Count > 0)
        {
            int last = s.Count - 1;
            double gamma = Dot(s[last], y[last]) / Dot(y[last], y[last]);
            for (int j = 0; j < q.Length; j++) q[j] *= gamma;
        }
        for (int i = 0; i < s.Count; i++)
        {
            double beta = rho[i] * Dot(y[i], q);
            AddScaled(q, s[i], alpha[i] - beta);
        }
        return q;
    }

    /// <summary>Backtracking until the Armijo condition holds; null when no step decreases the objective.</summary>
    (double[]? X, double F, double[]? G) LineSearch(Func<Tensor, (double, Tensor)> objective, double[] x, double f,
                                                    double slope, double[] direction, double step)
    {
        const double c1 = 1e-4;
        var candidate = new double[x.Length];
        for (int trial = 0; trial < 60; trial++)
        {
            for (int j = 0; j < x.Length; j++) candidate[j] = x[j] + step * direction[j];
            var (fc, gc) = Evaluate(objective, candidate);
            Evaluations++;
            if (double.IsFinite(fc) && fc <= f + c1 * step * slope) return (candidate, fc, gc);
            // Minimiser of the quadratic through f, the slope and fc, kept within [0.1, 0.5] of the step.
            double quadratic = double.IsFinite(fc) ? -slope * step * step / (2 * (fc - f - slope * step)) : 0.1 * step;
            step = Math.Clamp(quadratic, 0.1 * step, 0.5 * step);
        }
        return (null, f, null);
    }

    static double Dot(double[] a, double[] b)
    {
        double sum = 0;
        for (int j = 0; j < a.Length; j++) sum += a[j] * b[j];
        return sum;
    }

    static double MaxAbs(double[] a)
    {
        double max = 0;
        foreach (var v in a) max = Math.Max(max, Math.Abs(v));
        return max;
    }

    static double[] Scaled(double[] a, double factor)
    {
        var result = new double[a.Length];
        for (int j = 0; j < a.Length; j++) result[j] = factor * a[j];
        return result;
    }

    static double[] Difference(double[] a, double[] b)
    {
        var result = new double[a.Length];
        for (int j = 0; j < a.Length; j++) result[j] = a[j] - b[j];
        return result;
    }

    static void AddScaled(double[] target, double[] a, double factor)
    {
        for (int j = 0; j < target.Length; j++) target[j] += factor * a[j];
    }
}
