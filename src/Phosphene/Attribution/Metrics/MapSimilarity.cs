using TorchSharp;
using static TorchSharp.torch;

namespace Phosphene.Attribution.Metrics;

/// <summary>
/// How alike two explanations are: Spearman and Pearson correlation of vectors, and the structural similarity (SSIM)
/// of maps, as used by the sanity checks (Adebayo et al. 2018), the random-logit test (Sixt et al. 2020), MeGe/ReCo
/// (Fel et al. 2022) and MuFidelity (Bhatt et al. 2020).
/// </summary>
public static class MapSimilarity
{
    /// <summary>
    /// Pearson's correlation of <paramref name="a"/> and <paramref name="b"/> (equal lengths ≥ 2); NaN when either is
    /// constant (the correlation is undefined).
    /// </summary>
    public static double Pearson(IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        CheckLengths(a, b);
        int n = a.Count;
        double meanA = 0, meanB = 0;
        for (int i = 0; i < n; i++) { meanA += a[i]; meanB += b[i]; }
        meanA /= n;
        meanB /= n;
        double sab = 0, saa = 0, sbb = 0;
        for (int i = 0; i < n; i++)
        {
            double da = a[i] - meanA, db = b[i] - meanB;
            sab += da * db;
            saa += da * da;
            sbb += db * db;
        }
        if (saa == 0 || sbb == 0) return double.NaN;
        return Math.Clamp(sab / Math.Sqrt(saa * sbb), -1, 1);
    }

    /// <summary>
    /// Spearman's rank correlation: Pearson's correlation of the ranks, tied values sharing their average rank (as
    /// <c>scipy.stats.spearmanr</c>); NaN when either vector is constant.
    /// </summary>
    public static double Spearman(IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        CheckLengths(a, b);
        return Pearson(Ranks(a), Ranks(b));
    }

    /// <summary>The 1-based ranks of <paramref name="values"/>, ties given their average rank.</summary>
    public static double[] Ranks(IReadOnlyList<double> values)
    {
        int n = values.Count;
        var order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        Array.Sort(order, (x, y) => values[x].CompareTo(values[y]));
        var ranks = new double[n];
        for (int start = 0; start < n;)
        {
            int end = start;
            while (end + 1 < n && values[order[end + 1]].CompareTo(values[order[start]]) == 0) end++;
            double rank = (start + end) / 2.0 + 1;
            for (int k = start; k <= end; k++) ranks[order[k]] = rank;
            start = end + 1;
        }
        return ranks;
    }

    /// <summary>Spearman's correlation of each pair of maps (rows of N×H×W or N×D tensors); NaN where undefined.</summary>
    public static double[] SpearmanPerMap(Tensor a, Tensor b) => RowWise(a, b, Spearman);

    /// <summary>Pearson's correlation of each pair of maps (rows of N×H×W or N×D tensors); NaN where undefined.</summary>
    public static double[] PearsonPerMap(Tensor a, Tensor b) => RowWise(a, b, Pearson);

    /// <summary>
    /// Each map rescaled to [0, 1] by its own minimum and maximum (a constant map becomes all zeros). N×H×W in, N×H×W out.
    /// </summary>
    public static Tensor MinMaxNormalise(Tensor maps)
    {
        using var scope = NewDisposeScope();
        var flat = maps.to_type(ScalarType.Float32).flatten(1);
        var min = flat.amin([1], keepdim: true);
        var range = flat.amax([1], keepdim: true) - min;
        var normalised = (flat - min) / range.clamp_min(1e-12f);
        return normalised.view(maps.shape).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The structural similarity index (Wang, Bovik, Sheikh and Simoncelli 2004, "Image quality assessment: from error
    /// visibility to structural similarity") of each pair of maps N×H×W, computed on the maps as given (rescale them
    /// to [0, 1] first, e.g. with <see cref="MinMaxNormalise"/>) with a data range of 1: an 11×11 Gaussian window of
    /// σ 1.5 (shrunk to the map size for maps smaller than 11), constants C1 = 0.01², C2 = 0.03², the mean over the
    /// valid window positions. 1 for identical maps.
    /// </summary>
    public static double[] Ssim(Tensor a, Tensor b)
    {
        if (a.dim() != 3 || !a.shape.SequenceEqual(b.shape))
            throw new PhospheneException(
                $"SSIM compares N×H×W maps of equal shape, got [{string.Join(", ", a.shape)}] and [{string.Join(", ", b.shape)}]");
        using var scope = NewDisposeScope();
        long h = a.shape[1], w = a.shape[2];
        long size = Math.Min(11, Math.Min(h, w));
        var kernel = GaussianWindow(size, 1.5).view(1, 1, size, size);
        var x = a.to_type(ScalarType.Float64).unsqueeze(1);
        var y = b.to_type(ScalarType.Float64).unsqueeze(1);
        Tensor Blur(Tensor t) => nn.functional.conv2d(t, kernel);
        var muX = Blur(x);
        var muY = Blur(y);
        var sigmaXX = Blur(x * x) - muX * muX;
        var sigmaYY = Blur(y * y) - muY * muY;
        var sigmaXY = Blur(x * y) - muX * muY;
        const double c1 = 0.01 * 0.01, c2 = 0.03 * 0.03;
        var map = (2 * muX * muY + c1) * (2 * sigmaXY + c2) / ((muX * muX + muY * muY + c1) * (sigmaXX + sigmaYY + c2));
        using var mean = map.flatten(1).mean([1]).contiguous();
        return mean.data<double>().ToArray();
    }

    static Tensor GaussianWindow(long size, double sigma)
    {
        var coordinates = arange(size, ScalarType.Float64) - (size - 1) / 2.0;
        var g = (-(coordinates * coordinates) / (2 * sigma * sigma)).exp();
        g /= g.sum();
        return g.outer(g);
    }

    static double[] RowWise(Tensor a, Tensor b, Func<IReadOnlyList<double>, IReadOnlyList<double>, double> measure)
    {
        if (a.shape[0] != b.shape[0] || a.numel() != b.numel())
            throw new PhospheneException(
                $"cannot compare maps of shapes [{string.Join(", ", a.shape)}] and [{string.Join(", ", b.shape)}]");
        using var scope = NewDisposeScope();
        long n = a.shape[0];
        var ra = a.to_type(ScalarType.Float64).reshape(n, -1).contiguous().data<double>().ToArray();
        var rb = b.to_type(ScalarType.Float64).reshape(n, -1).contiguous().data<double>().ToArray();
        int d = (int)(ra.Length / Math.Max(1, n));
        var result = new double[n];
        for (int i = 0; i < n; i++)
            result[i] = measure(new ArraySegment<double>(ra, i * d, d), new ArraySegment<double>(rb, i * d, d));
        return result;
    }

    static void CheckLengths(IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        if (a.Count != b.Count || a.Count < 2)
            throw new PhospheneException($"a correlation needs two vectors of equal length ≥ 2, got lengths {a.Count} and {b.Count}");
    }
}
