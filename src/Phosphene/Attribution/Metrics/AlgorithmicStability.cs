using static TorchSharp.torch;

namespace Phosphene.Attribution.Metrics;

/// <summary>MeGe and ReCo of one attribution method, with the two distance sets they come from.</summary>
/// <param name="MeGe">Mean generalisability 1 / (1 + mean of <paramref name="EqualDistances"/>), in (0, 1]; higher is better.</param>
/// <param name="ReCo">Relative consistency, max over thresholds γ of TPR + TNR − 1, in [0, 1]; higher is better.</param>
/// <param name="EqualDistances">S⁼: distances between explanations of pairs of models that both predict the true class.</param>
/// <param name="DifferentDistances">S≠: distances between explanations of pairs where exactly one model is right.</param>
public sealed record AlgorithmicStabilityResult(double MeGe, double ReCo, IReadOnlyList<double> EqualDistances,
                                                IReadOnlyList<double> DifferentDistances);

/// <summary>
/// The algorithmic-stability measures of Fel, Vigouroux, Cadène and Serre 2022 ("How Good is your Explanation?
/// Algorithmic Stability Measures to Assess the Quality of Explanations for Deep Neural Networks"), from the
/// explanations of k models trained with one split of the data left out each (<see cref="SplitModels"/>).
/// </summary>
/// <remarks>
/// For every pair of models (i, j) and every example x of split i or j (so exactly one of the two models saw x in
/// training), the distance d = √(1 − |ρ|) with ρ Spearman's correlation of the two maps is put in S⁼ when both models
/// predict x's label, in S≠ when exactly one does, and dropped when neither does or ρ is undefined. MeGe = 1 / (1 +
/// mean S⁼): explanations that generalise across training sets are close. ReCo = max over γ of TPR(γ) + TNR(γ) − 1,
/// with TPR = |{d ∈ S⁼ : d ≤ γ}| / |S⁼| and TNR = |{d ∈ S≠ : d &gt; γ}| / |S≠|, γ ranging over every observed distance:
/// how well the distance tells agreeing models from disagreeing ones. ReCo is 0 when either set is empty.
/// </remarks>
public static class AlgorithmicStability
{
    /// <summary>MeGe and ReCo from per-model maps and predictions.</summary>
    /// <param name="maps">K×N×H×W (or K×N×D): model k's explanation of example n for its true label.</param>
    /// <param name="predictions">int64 K×N: model k's predicted class for example n.</param>
    /// <param name="labels">int64 N true classes.</param>
    /// <param name="split">For each example, the split it belongs to (model <c>split[n]</c> did not see it).</param>
    /// <exception cref="PhospheneException">Shapes that do not agree, or splits outside [0, K).</exception>
    public static AlgorithmicStabilityResult Compute(Tensor maps, Tensor predictions, Tensor labels, IReadOnlyList<int> split)
    {
        long k = maps.shape[0], n = maps.dim() > 1 ? maps.shape[1] : 0;
        if (maps.dim() < 3 || !predictions.shape.SequenceEqual([k, n]) || !labels.shape.SequenceEqual([n]) || split.Count != n)
            throw new PhospheneException(
                $"mege: expected maps K×N×H×W, predictions K×N, labels N and N split indices; got maps [{string.Join(", ", maps.shape)}], " +
                $"predictions [{string.Join(", ", predictions.shape)}], labels [{string.Join(", ", labels.shape)}], {split.Count} split indices");
        if (split.Any(s => s < 0 || s >= k))
            throw new PhospheneException($"mege: split indices must be in [0, {k}), one per model");
        using var scope = NewDisposeScope();
        long d = maps[0][0].numel();
        var flat = maps.to_type(ScalarType.Float64).reshape(k, n, d).contiguous().data<double>().ToArray();
        var predicted = predictions.to_type(ScalarType.Int64).contiguous().data<long>().ToArray();
        var truth = labels.to_type(ScalarType.Int64).contiguous().data<long>().ToArray();
        var equal = new List<double>();
        var different = new List<double>();
        for (int i = 0; i < k; i++)
            for (int j = i + 1; j < k; j++)
                for (int x = 0; x < n; x++)
                {
                    if (split[x] != i && split[x] != j) continue;
                    bool rightI = predicted[i * n + x] == truth[x], rightJ = predicted[j * n + x] == truth[x];
                    if (!rightI && !rightJ) continue;
                    double rho = MapSimilarity.Spearman(new ArraySegment<double>(flat, (int)((i * n + x) * d), (int)d),
                                                        new ArraySegment<double>(flat, (int)((j * n + x) * d), (int)d));
                    if (double.IsNaN(rho)) continue;
                    double distance = Math.Sqrt(Math.Max(0, 1 - Math.Abs(rho)));
                    (rightI && rightJ ? equal : different).Add(distance);
                }
        double mege = equal.Count == 0 ? double.NaN : 1 / (1 + equal.Average());
        return new AlgorithmicStabilityResult(mege, ReCo(equal, different), equal, different);
    }

    /// <summary>ReCo from the two distance sets: max over thresholds of TPR + TNR − 1 (0 when either set is empty).</summary>
    public static double ReCo(IReadOnlyList<double> equal, IReadOnlyList<double> different)
    {
        if (equal.Count == 0 || different.Count == 0) return 0;
        double best = 0;
        foreach (double gamma in equal.Concat(different).Distinct())
        {
            double tpr = equal.Count(v => v <= gamma) / (double)equal.Count;
            double tnr = different.Count(v => v > gamma) / (double)different.Count;
            best = Math.Max(best, tpr + tnr - 1);
        }
        return best;
    }
}
