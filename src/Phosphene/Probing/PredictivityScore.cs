namespace Phosphene.Probing;

/// <summary>The neural predictivity of one set of features: raw, per target, per fold, and normalised by the ceiling.</summary>
public sealed class PredictivityScore
{
    internal PredictivityScore(double[] perTarget, double[] foldScores, NoiseCeiling? ceiling)
    {
        PerTarget = perTarget;
        FoldScores = foldScores;
        Ceiling = ceiling;
        Raw = foldScores.Average();
        Sem = foldScores.Length < 2 ? 0 : CrossValidatedScore.StandardDeviation(foldScores) / Math.Sqrt(foldScores.Length);
    }

    /// <summary>Held-out Pearson r of each target, averaged over folds.</summary>
    public IReadOnlyList<double> PerTarget { get; }

    /// <summary>Median over targets of the held-out r, per fold.</summary>
    public IReadOnlyList<double> FoldScores { get; }

    /// <summary>Mean over folds of the median r: the unceiled predictivity.</summary>
    public double Raw { get; }

    /// <summary>Standard error of <see cref="Raw"/> over folds.</summary>
    public double Sem { get; }

    /// <summary>The responses' split-half ceiling, when they had repeated trials.</summary>
    public NoiseCeiling? Ceiling { get; }

    /// <summary><see cref="Raw"/> divided by the ceiling's median (Brain-Score's ceiled score); <see cref="Raw"/> without trials.</summary>
    public double Normalised => Ceiling is { Median: > 0 } c ? Raw / c.Median : Raw;

    /// <summary><see cref="Sem"/> on the normalised scale.</summary>
    public double NormalisedSem => Ceiling is { Median: > 0 } c ? Sem / c.Median : Sem;

    /// <inheritdoc />
    public override string ToString() => System.FormattableString.Invariant(
        $"median r {Raw:F3} ± {Sem:F3}{(Ceiling is null ? "" : $", ceiling {Ceiling.Median:F3}, normalised {Normalised:F3}")}");
}
