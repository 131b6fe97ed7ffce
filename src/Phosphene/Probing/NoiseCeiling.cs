using TorchSharp;
using static TorchSharp.torch;

namespace Phosphene.Probing;

/// <summary>
/// The split-half reliability of recorded responses, corrected to the full number of trials with the Spearman–Brown
/// formula ρ = 2r / (1 + r) (Spearman 1910; Brown 1910): the internal-consistency ceiling Brain-Score divides neural
/// predictivity by (Schrimpf et al. 2018, "Brain-Score: which artificial neural network for object recognition is most
/// brain-like?"). For each of <c>splits</c> seeded random halvings of the trials, the per-target Pearson r between the
/// two half means over inputs is corrected; the result averages the corrected values over splits.
/// </summary>
public sealed class NoiseCeiling
{
    internal NoiseCeiling(double[] perTarget, int trials, int splits)
    {
        PerTarget = perTarget;
        Trials = trials;
        Splits = splits;
        var sorted = perTarget.Where(double.IsFinite).Order().ToArray();
        Median = sorted.Length == 0 ? double.NaN
            : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    /// <summary>Spearman–Brown corrected split-half reliability of each target (mean over splits).</summary>
    public IReadOnlyList<double> PerTarget { get; }

    /// <summary>The median over targets: the ceiling of a median-over-targets score.</summary>
    public double Median { get; }

    /// <summary>Trials R per input in the data.</summary>
    public int Trials { get; }

    /// <summary>Random split-halves averaged.</summary>
    public int Splits { get; }

    /// <summary>Computes the ceiling of responses N×T×R (inputs × targets × repeated trials).</summary>
    /// <param name="responses">N×T×R float responses, R ≥ 2 (an odd R leaves one trial out of each split).</param>
    /// <param name="splits">Random halvings of the trials to average; default 20.</param>
    /// <param name="seed">Seed of the halvings; default 0.</param>
    /// <exception cref="PhospheneException">Not N×T×R, or fewer than 2 trials or 3 inputs.</exception>
    public static NoiseCeiling Compute(Tensor responses, int splits = 20, long seed = 0)
    {
        if (responses.dim() != 3)
            throw new PhospheneException(
                $"the noise ceiling needs responses N×T×R (inputs × targets × trials), got [{string.Join(", ", responses.shape)}]");
        int trials = (int)responses.shape[2];
        if (trials < 2) throw new PhospheneException($"the noise ceiling needs at least 2 trials per input, got {trials}");
        if (responses.shape[0] < 3) throw new PhospheneException("the noise ceiling needs at least 3 inputs");
        if (splits < 1) throw new PhospheneException($"splits must be at least 1, got {splits}");
        using var scope = NewDisposeScope();
        var r = responses.to(ScalarType.Float64);
        using var generator = new Generator(unchecked((ulong)seed));
        int half = trials / 2;
        var sum = zeros(responses.shape[1], dtype: ScalarType.Float64);
        for (int s = 0; s < splits; s++)
        {
            var order = randperm(trials, generator: generator);
            var a = r.index_select(2, order.narrow(0, 0, half)).mean([2]);
            var b = r.index_select(2, order.narrow(0, half, half)).mean([2]);
            var correlation = ProbeMetrics.ColumnCorrelation(a, b);
            sum.add_(correlation.mul(2).div(correlation.add(1).clamp_min(1e-12)));
        }
        return new NoiseCeiling(sum.div(splits).data<double>().ToArray(), trials, splits);
    }

    /// <inheritdoc />
    public override string ToString() => System.FormattableString.Invariant(
        $"noise ceiling {Median:F3} (median of {PerTarget.Count} targets, {Trials} trials, {Splits} split-halves)");
}
