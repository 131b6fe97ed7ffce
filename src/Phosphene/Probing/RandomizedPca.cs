using TorchSharp;
using static TorchSharp.torch;

namespace Phosphene.Probing;

/// <summary>
/// Principal component analysis by randomised range finding (Halko, Martinsson and Tropp 2011, "Finding structure with
/// randomness: probabilistic algorithms for constructing approximate matrix decompositions", Algorithms 4.4 and 5.1),
/// computed in float64 over row blocks: memory is O((N + D)·(k + oversampling)) and the D×D covariance is never formed,
/// so it runs on layers with hundreds of thousands of features, in memory or streamed from an <see cref="ActivationFile"/>.
/// </summary>
public sealed class RandomizedPca : IDisposable
{
    internal RandomizedPca(Tensor mean, Tensor components, double[] explainedVariance, double totalVariance)
    {
        TotalVariance = totalVariance;
        Mean = mean;
        Components = components;
        ExplainedVariance = explainedVariance;
        ExplainedVarianceRatio = explainedVariance.Select(v => totalVariance > 0 ? v / totalVariance : 0).ToArray();
    }

    /// <summary>The total variance of the fitted features (the denominator of <see cref="ExplainedVarianceRatio"/>).</summary>
    internal double TotalVariance { get; }

    /// <summary>Feature means D (float64).</summary>
    public Tensor Mean { get; }

    /// <summary>Principal axes k×D (float64, orthonormal rows), by decreasing variance.</summary>
    public Tensor Components { get; }

    /// <summary>Variance along each axis (divisor N − 1).</summary>
    public IReadOnlyList<double> ExplainedVariance { get; }

    /// <summary>Each axis's share of the total variance.</summary>
    public IReadOnlyList<double> ExplainedVarianceRatio { get; }

    /// <summary>Fits k components of in-memory features N×D.</summary>
    /// <param name="features">N×D features, any float dtype.</param>
    /// <param name="components">k, at most min(N, D).</param>
    /// <param name="oversamples">Extra random directions p; default 10.</param>
    /// <param name="powerIterations">Subspace iterations q (sharpen a slowly decaying spectrum); default 4.</param>
    /// <param name="blockRows">Rows processed at once; default 4096 (memory only).</param>
    /// <param name="seed">Seed of the Gaussian test matrix; default 0.</param>
    public static RandomizedPca Fit(Tensor features, int components, int oversamples = 10, int powerIterations = 4,
                                    int blockRows = 4096, long seed = 0)
    {
        if (features.dim() != 2) throw new PhospheneException($"PCA expects features N×D, got [{string.Join(", ", features.shape)}]");
        return Fit(features.shape[0], features.shape[1], (s, c) => features.narrow(0, s, c), components, oversamples,
                   powerIterations, blockRows, seed);
    }

    /// <summary>Fits k components of a matrix streamed from disk, one block of rows at a time.</summary>
    public static RandomizedPca Fit(ActivationFile file, int components, int oversamples = 10, int powerIterations = 4,
                                    int blockRows = 4096, long seed = 0) =>
        Fit(file.Rows, file.Columns, file.Read, components, oversamples, powerIterations, blockRows, seed);

    static RandomizedPca Fit(long n, long d, Func<long, long, Tensor> read, int k, int oversamples, int powerIterations,
                             int blockRows, long seed)
    {
        if (k < 1 || k > Math.Min(n, d))
            throw new PhospheneException($"PCA components must lie in 1..min(N, D) = {Math.Min(n, d)}, got {k}");
        if (oversamples < 0 || powerIterations < 0 || blockRows < 1)
            throw new PhospheneException("PCA oversamples and power iterations must be non-negative and block rows positive");
        using var scope = NewDisposeScope();
        int l = (int)Math.Min(k + oversamples, Math.Min(n, d));
        IEnumerable<(long Start, Tensor Block)> Blocks()
        {
            for (long s = 0; s < n; s += blockRows)
                yield return (s, read(s, Math.Min(blockRows, n - s)).to(ScalarType.Float64));
        }

        var mean = zeros(d, dtype: ScalarType.Float64);
        double total = 0;
        foreach (var (_, block) in Blocks()) { using var b = block; mean.add_(b.sum(0, keepdim: false)); }
        mean.div_(n);
        using var generator = new Generator(unchecked((ulong)seed));
        var omega = randn(d, l, dtype: ScalarType.Float64, generator: generator);

        Tensor Times(Tensor right)            // (X − 1μᵀ) · right, N×l
        {
            var parts = new List<Tensor>();
            foreach (var (_, block) in Blocks()) { using var b = block; parts.Add(b.sub(mean).mm(right)); }
            return cat(parts, 0);
        }
        Tensor TransposeTimes(Tensor left)    // (X − 1μᵀ)ᵀ · left, D×l
        {
            var result = zeros(d, left.shape[1], dtype: ScalarType.Float64);
            foreach (var (s, block) in Blocks())
            {
                using var b = block;
                result.add_(b.sub(mean).t().mm(left.narrow(0, s, b.shape[0])));
            }
            return result;
        }

        var q = linalg.qr(Times(omega)).Q;
        for (int i = 0; i < powerIterations; i++)
        {
            var z = linalg.qr(TransposeTimes(q)).Q;
            q = linalg.qr(Times(z)).Q;
        }
        var bt = TransposeTimes(q);                              // D×l = Bᵀ, B = Qᵀ(X − 1μᵀ)
        var (_, s2, vt) = linalg.svd(bt.t(), fullMatrices: false);
        foreach (var (_, block) in Blocks()) { using var b = block; total += b.sub(mean).square().sum().item<double>(); }
        var variance = s2.narrow(0, 0, k).square().div(n - 1).data<double>().ToArray();
        var components = vt.narrow(0, 0, k).contiguous();
        return new RandomizedPca(mean.DetachFromDisposeScope(), components.DetachFromDisposeScope(), variance, total / (n - 1));
    }

    /// <summary>Projects features N×D onto the axes: N×k float64.</summary>
    public Tensor Transform(Tensor features)
    {
        if (features.dim() != 2 || features.shape[1] != Mean.shape[0])
            throw new PhospheneException(
                $"PCA was fitted on {Mean.shape[0]} features but got [{string.Join(", ", features.shape)}]; pass N×{Mean.shape[0]} features");
        using var scope = NewDisposeScope();
        return features.to(ScalarType.Float64).sub(Mean).mm(Components.t()).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Projects every row of an activation file onto the axes, reading <paramref name="blockRows"/> rows at a time:
    /// N×k float64, the only thing held whole (the way to probe a layer too large for memory: fit on the file, transform
    /// the file, fit the probe on the projection).
    /// </summary>
    /// <exception cref="PhospheneException">A file of another width than the fit's, or a bad block size.</exception>
    public Tensor Transform(ActivationFile file, int blockRows = 4096)
    {
        if (file.Columns != Mean.shape[0])
            throw new PhospheneException($"PCA was fitted on {Mean.shape[0]} features but '{file.Path}' holds {file.Columns} per row");
        if (blockRows < 1) throw new PhospheneException($"block rows must be at least 1, got {blockRows}");
        var parts = new List<Tensor>();
        try
        {
            for (long start = 0; start < file.Rows; start += blockRows)
            {
                using var block = file.Read(start, Math.Min(blockRows, file.Rows - start));
                parts.Add(Transform(block));
            }
            return parts.Count == 0 ? zeros(0, Components.shape[0], dtype: ScalarType.Float64) : cat(parts, 0);
        }
        finally
        {
            foreach (var part in parts) part.Dispose();
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Mean.Dispose();
        Components.Dispose();
    }
}
