using TorchSharp;
using static TorchSharp.torch;

namespace Phosphene.Probing;

/// <summary>
/// Linear centred kernel alignment (Kornblith, Norouzi, Lee and Hinton 2019, "Similarity of neural network
/// representations revisited"), between two representations of the same N inputs (N×D₁ and N×D₂, D may differ):
/// HSIC(K, L) / √(HSIC(K, K)·HSIC(L, L)) with linear kernels K = XXᵀ, L = YYᵀ. 1 for identical representations,
/// invariant to orthogonal transforms and isotropic scaling of either, not to arbitrary invertible linear maps.
/// </summary>
/// <remarks>
/// <see cref="Biased"/> uses the plug-in HSIC (feature-space form ‖YᵀX‖²_F on centred columns when that is cheaper
/// than the N×N Gram matrices). <see cref="Unbiased"/> uses the unbiased HSIC estimator of Song, Smola, Gretton,
/// Bedo and Borgwardt (2012, "Feature selection via dependence maximization"), as Nguyen, Raghu and Kornblith (2021,
/// "Do wide and deep networks learn the same things?") do; it needs N ≥ 4 and removes the bias towards 1 of the
/// plug-in estimate when D is large relative to N. Computed in float64.
/// </remarks>
public static class LinearCka
{
    /// <summary>Linear CKA with the plug-in (biased) HSIC.</summary>
    /// <exception cref="PhospheneException">Row counts differ, or an input is not 2-D.</exception>
    public static double Biased(Tensor x, Tensor y)
    {
        Check(x, y);
        using var scope = NewDisposeScope();
        var a = Centre(x);
        var b = Centre(y);
        long n = a.shape[0], da = a.shape[1], db = b.shape[1];
        double xy, xx, yy;
        if (da * db + da * da + db * db <= 3 * n * n)
        {
            xy = b.t().mm(a).square().sum().item<double>();
            xx = a.t().mm(a).square().sum().item<double>();
            yy = b.t().mm(b).square().sum().item<double>();
        }
        else
        {
            var k = a.mm(a.t());
            var l = b.mm(b.t());
            xy = k.mul(l).sum().item<double>();
            xx = k.square().sum().item<double>();
            yy = l.square().sum().item<double>();
        }
        return xx > 0 && yy > 0 ? xy / Math.Sqrt(xx * yy) : 0;
    }

    /// <summary>Linear CKA with the unbiased HSIC estimator (needs N ≥ 4).</summary>
    public static double Unbiased(Tensor x, Tensor y)
    {
        Check(x, y);
        if (x.shape[0] < 4) throw new PhospheneException($"unbiased CKA needs at least 4 examples, got {x.shape[0]}");
        using var scope = NewDisposeScope();
        var a = x.to(ScalarType.Float64);
        var b = y.to(ScalarType.Float64);
        var k = ZeroDiagonal(a.mm(a.t()));
        var l = ZeroDiagonal(b.mm(b.t()));
        double kl = UnbiasedHsic(k, l), kk = UnbiasedHsic(k, k), ll = UnbiasedHsic(l, l);
        return kk > 0 && ll > 0 ? kl / Math.Sqrt(kk * ll) : 0;
    }

    /// <summary>Unbiased HSIC of two Gram matrices with zeroed diagonals (up to the common factor 1/(N(N−3))).</summary>
    static double UnbiasedHsic(Tensor k, Tensor l)
    {
        long n = k.shape[0];
        double trace = k.mul(l).sum().item<double>();
        double sums = k.sum().item<double>() * l.sum().item<double>() / ((n - 1) * (n - 2));
        double cross = k.sum(0, keepdim: false).dot(l.sum(0, keepdim: false)).item<double>() * 2.0 / (n - 2);
        return (trace + sums - cross) / (n * (n - 3));
    }

    internal static Tensor ZeroDiagonal(Tensor square) => square.sub(square.diag().diag());

    static Tensor Centre(Tensor x)
    {
        var a = x.to(ScalarType.Float64);
        return a.sub(a.mean([0], keepdim: true));
    }

    internal static void Check(Tensor x, Tensor y)
    {
        if (x.dim() != 2 || y.dim() != 2)
            throw new PhospheneException(
                $"similarity needs two N×D representations, got [{string.Join(", ", x.shape)}] and [{string.Join(", ", y.shape)}]; pool activations first");
        if (x.shape[0] != y.shape[0])
            throw new PhospheneException(
                $"the representations describe {x.shape[0]} and {y.shape[0]} inputs; pass the same inputs, in the same order, to both");
        if (x.shape[0] < 2) throw new PhospheneException("similarity needs at least 2 inputs");
    }
}
