using TorchSharp;
using static TorchSharp.torch;

namespace Phosphene.Probing;

/// <summary>The held-out scores of probes and mappings, computed in float64.</summary>
public enum ProbeMetric
{
    /// <summary>Fraction of correct labels.</summary>
    Accuracy,
    /// <summary>Mean over classes of the per-class recall (robust to unbalanced classes; chance is 1/K).</summary>
    BalancedAccuracy,
    /// <summary>Coefficient of determination per target, averaged over targets (scikit-learn's <c>r2_score</c>).</summary>
    R2,
    /// <summary>Pearson correlation per target, averaged over targets.</summary>
    Pearson,
}

/// <summary>
/// Accuracy, balanced accuracy, R² and Pearson r per target: the scores of <see cref="Probe"/> and of
/// <see cref="CrossValidation"/>, with the definitions of scikit-learn's <c>sklearn.metrics</c>.
/// </summary>
public static class ProbeMetrics
{
    /// <summary>Fraction of <paramref name="predicted"/> labels equal to <paramref name="labels"/> (int64 N each).</summary>
    public static double Accuracy(Tensor labels, Tensor predicted)
    {
        CheckSameLength(labels, predicted);
        using var scope = NewDisposeScope();
        return predicted.eq(labels).to(ScalarType.Float64).mean().item<double>();
    }

    /// <summary>
    /// Mean over the classes present in <paramref name="labels"/> of the recall of each (scikit-learn's
    /// <c>balanced_accuracy_score</c>).
    /// </summary>
    public static double BalancedAccuracy(Tensor labels, Tensor predicted)
    {
        CheckSameLength(labels, predicted);
        using var scope = NewDisposeScope();
        long classes = Math.Max(labels.max().item<long>(), predicted.max().item<long>()) + 1;
        var counts = labels.bincount(null, classes).to(ScalarType.Float64);
        var hits = labels.masked_select(predicted.eq(labels)).bincount(null, classes).to(ScalarType.Float64);
        var present = counts.gt(0);
        return hits.masked_select(present).div(counts.masked_select(present)).mean().item<double>();
    }

    /// <summary>
    /// R² of each target column: 1 − Σ(y − ŷ)² / Σ(y − ȳ)², for targets and predictions N×T (or N). A constant target
    /// scores 1 when predicted exactly and 0 otherwise, as in scikit-learn.
    /// </summary>
    public static double[] R2(Tensor targets, Tensor predicted)
    {
        using var scope = NewDisposeScope();
        var (y, p) = Pair(targets, predicted);
        var residual = y.sub(p).square().sum(0, keepdim: false);
        var total = y.sub(y.mean([0], keepdim: true)).square().sum(0, keepdim: false);
        var r = residual.data<double>().ToArray();
        var t = total.data<double>().ToArray();
        var result = new double[r.Length];
        for (int j = 0; j < r.Length; j++)
            result[j] = t[j] > 0 ? 1 - r[j] / t[j] : (r[j] == 0 ? 1 : 0);
        return result;
    }

    /// <summary>
    /// Pearson correlation of each target column with its prediction, for N×T (or N) tensors; 0 where either is
    /// constant.
    /// </summary>
    public static double[] Pearson(Tensor targets, Tensor predicted)
    {
        using var scope = NewDisposeScope();
        var (y, p) = Pair(targets, predicted);
        return ColumnCorrelation(y, p).data<double>().ToArray();
    }

    /// <summary>The score <paramref name="metric"/> of predictions (labels for accuracies, N×T values otherwise).</summary>
    public static double Compute(ProbeMetric metric, Tensor targets, Tensor predicted) => metric switch
    {
        ProbeMetric.Accuracy => Accuracy(targets, predicted),
        ProbeMetric.BalancedAccuracy => BalancedAccuracy(targets, predicted),
        ProbeMetric.R2 => R2(targets, predicted).Average(),
        ProbeMetric.Pearson => Pearson(targets, predicted).Average(),
        _ => throw new ArgumentOutOfRangeException(nameof(metric)),
    };

    /// <summary>Pearson r between matching columns of two float64 N×T tensors (0 for a constant column).</summary>
    internal static Tensor ColumnCorrelation(Tensor a, Tensor b)
    {
        var ac = a.sub(a.mean([0], keepdim: true));
        var bc = b.sub(b.mean([0], keepdim: true));
        var denominator = ac.square().sum(0, keepdim: false).mul(bc.square().sum(0, keepdim: false)).sqrt();
        var numerator = ac.mul(bc).sum(0, keepdim: false);
        return where(denominator.gt(0), numerator.div(denominator.clamp_min(double.Epsilon)), zeros_like(numerator));
    }

    static (Tensor, Tensor) Pair(Tensor targets, Tensor predicted)
    {
        var y = Probe.AsMatrix(targets).to(ScalarType.Float64);
        var p = Probe.AsMatrix(predicted).to(ScalarType.Float64);
        if (!y.shape.SequenceEqual(p.shape))
            throw new PhospheneException(
                $"targets [{string.Join(", ", y.shape)}] and predictions [{string.Join(", ", p.shape)}] differ in shape");
        return (y, p);
    }

    static void CheckSameLength(Tensor labels, Tensor predicted)
    {
        if (labels.dim() != 1 || predicted.dim() != 1 || labels.shape[0] != predicted.shape[0])
            throw new PhospheneException(
                $"labels [{string.Join(", ", labels.shape)}] and predictions [{string.Join(", ", predicted.shape)}] must be two vectors of one length");
        if (labels.shape[0] == 0) throw new PhospheneException("cannot score an empty set of labels");
    }
}
