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
    /// the minimiser (a new tensor outside any dispose scope).
    /// </summary>
    public Tensor Minimize(Func<Tensor, (double Value, Tensor Gradient)> objective, Tensor start)
    {
        var s = new List<Tensor>();
        var y = new List<Tensor>();
        var rho = new List<double>();
        var x = start.detach().clone().DetachFromDisposeScope();
        var (f, g) = objective(x);
        g = g.DetachFromDisposeScope();
        Evaluations = 1;
        Iterations = 0;
        Converged = false;
        try
        {
            for (; Iterations < MaxIterations; Iterations++)
            {
                if (g.abs().max().item<double>() <= GradientTolerance) { Converged = true; break; }
                using var scope = NewDisposeScope();
                var direction = TwoLoop(g, s, y, rho);
                double slope = direction.dot(g).item<double>();
                if (slope >= 0) { direction = g.neg(); slope = -g.dot(g).item<double>(); }
                double step = s.Count == 0 ? Math.Min(1.0, 1.0 / Math.Sqrt(-slope)) : 1.0;
                var (next, fNext, gNext) = LineSearch(objective, x, f, slope, direction, step);
                if (next is null) { Converged = true; break; }   // no decrease possible at machine precision
                var sk = next.sub(x);
                var yk = gNext.sub(g);
                double sy = sk.dot(yk).item<double>();
                if (sy > 1e-12 * Math.Max(1.0, yk.dot(yk).item<double>()))
                {
                    if (s.Count == History) { s[0].Dispose(); y[0].Dispose(); s.RemoveAt(0); y.RemoveAt(0); rho.RemoveAt(0); }
                    s.Add(sk.DetachFromDisposeScope()); y.Add(yk.DetachFromDisposeScope()); rho.Add(1.0 / sy);
                }
                double decrease = f - fNext;
                x.Dispose(); g.Dispose();
                x = next.DetachFromDisposeScope();
                g = gNext.DetachFromDisposeScope();
                f = fNext;
                if (decrease <= RelativeTolerance * Math.Max(Math.Abs(f), 1.0)) { Converged = true; Iterations++; break; }
            }
            return x;
        }
        finally
        {
            g.Dispose();
            foreach (var t in s) t.Dispose();
            foreach (var t in y) t.Dispose();
        }
    }

    static Tensor TwoLoop(Tensor g, List<Tensor> s, List<Tensor> y, List<double> rho)
    {
        var q = g.neg();
        var alpha = new double[s.Count];
        for (int i = s.Count - 1; i >= 0; i--)
        {
            alpha[i] = rho[i] * s[i].dot(q).item<double>();
            q = q.sub(y[i].mul(alpha[i]));
        }
        if (s.Count > 0)
        {
            int last = s.Count - 1;
            q = q.mul(s[last].dot(y[last]).item<double>() / y[last].dot(y[last]).item<double>());
        }
        for (int i = 0; i < s.Count; i++)
        {
            double beta = rho[i] * y[i].dot(q).item<double>();
            q = q.add(s[i].mul(alpha[i] - beta));
        }
        return q;
    }

    /// <summary>Backtracking until the Armijo condition holds; null when no step decreases the objective.</summary>
    (Tensor? X, double F, Tensor G) LineSearch(Func<Tensor, (double, Tensor)> objective, Tensor x, double f,
                                                      double slope, Tensor direction, double step)
    {
        const double c1 = 1e-4;
        for (int trial = 0; trial < 60; trial++)
        {
            var candidate = x.add(direction.mul(step));
            var (fc, gc) = objective(candidate);
            Evaluations++;
            if (double.IsFinite(fc) && fc <= f + c1 * step * slope) return (candidate, fc, gc);
            // Minimiser of the quadratic through f, the slope and fc, kept within [0.1, 0.5] of the step.
            double quadratic = double.IsFinite(fc) ? -slope * step * step / (2 * (fc - f - slope * step)) : 0.1 * step;
            step = Math.Clamp(quadratic, 0.1 * step, 0.5 * step);
        }
        return (null, f, x);
    }
}
