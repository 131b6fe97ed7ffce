using TorchSharp;
using static TorchSharp.torch;

namespace Phosphene.Probing;

/// <summary>
/// Representational similarity analysis (Kriegeskorte, Mur and Bandettini 2008, "Representational similarity analysis
/// – connecting the branches of systems neuroscience"): representational dissimilarity matrices (RDMs) with correlation
/// distance 1 − r between the response patterns of every pair of inputs, compared by the Spearman rank correlation of
/// their upper triangles (diagonal excluded). Computed in float64.
/// </summary>
public static class Rsa
{
    /// <summary>The N×N RDM of N×D patterns: 1 − Pearson r between rows (0 on the diagonal; a constant row has r = 0).</summary>
    public static Tensor Rdm(Tensor patterns)
    {
        if (patterns.dim() != 2 || patterns.shape[0] < 2)
            throw new PhospheneException($"an RDM needs N×D patterns with N ≥ 2, got [{string.Join(", ", patterns.shape)}]");
        using var scope = NewDisposeScope();
        var x = patterns.to(ScalarType.Float64);
        x = x.sub(x.mean([1], keepdim: true));
        var norm = x.norm(1, keepdim: true);
        x = where(norm.gt(0), x.div(norm.clamp_min(double.Epsilon)), zeros_like(x));
        var rdm = LinearCka.ZeroDiagonal(x.mm(x.t()).neg().add(1));
        return rdm.MoveToOuterDisposeScope();
    }

    /// <summary>Spearman correlation between the upper triangles of the RDMs of two representations of the same inputs.</summary>
    public static double Similarity(Tensor x, Tensor y)
    {
        LinearCka.Check(x, y);
        if (x.shape[0] < 3) throw new PhospheneException("RSA needs at least 3 inputs (an RDM with at least 3 entries above its diagonal)");
        using var scope = NewDisposeScope();
        return CompareRdms(Rdm(x), Rdm(y));
    }

    /// <summary>Spearman correlation between the upper triangles of two N×N RDMs.</summary>
    public static double CompareRdms(Tensor a, Tensor b)
    {
        if (a.dim() != 2 || !a.shape.SequenceEqual(b.shape) || a.shape[0] != a.shape[1])
            throw new PhospheneException($"RDMs must be two square matrices of one size, got [{string.Join(", ", a.shape)}] and [{string.Join(", ", b.shape)}]");
        using var scope = NewDisposeScope();
        long n = a.shape[0];
        var upper = ones(n, n, dtype: ScalarType.Bool).triu(1);
        var u = a.to(ScalarType.Float64).masked_select(upper).data<double>().ToArray();
        var v = b.to(ScalarType.Float64).masked_select(upper).data<double>().ToArray();
        return Spearman(u, v);
    }

    /// <summary>Spearman's ρ: Pearson r of the ranks, ties given their average rank.</summary>
    public static double Spearman(IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        if (a.Count != b.Count || a.Count < 2) throw new PhospheneException("Spearman correlation needs two sequences of one length ≥ 2");
        var ra = Ranks(a);
        var rb = Ranks(b);
        double ma = ra.Average(), mb = rb.Average(), sab = 0, saa = 0, sbb = 0;
        for (int i = 0; i < ra.Length; i++)
        {
            sab += (ra[i] - ma) * (rb[i] - mb);
            saa += (ra[i] - ma) * (ra[i] - ma);
            sbb += (rb[i] - mb) * (rb[i] - mb);
        }
        return saa > 0 && sbb > 0 ? sab / Math.Sqrt(saa * sbb) : 0;
    }

    static double[] Ranks(IReadOnlyList<double> values)
    {
        var order = Enumerable.Range(0, values.Count).ToArray();
        Array.Sort(order, (i, j) => values[i].CompareTo(values[j]));
        var ranks = new double[values.Count];
        for (int start = 0; start < order.Length;)
        {
            int end = start;
            while (end + 1 < order.Length && values[order[end + 1]] == values[order[start]]) end++;
            double rank = (start + end) / 2.0 + 1;
            for (int i = start; i <= end; i++) ranks[order[i]] = rank;
            start = end + 1;
        }
        return ranks;
    }
}
