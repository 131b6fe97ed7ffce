namespace Phosphene.Attribution.Metrics;

/// <summary>Which correlation coefficient a metric uses.</summary>
public enum CorrelationKind
{
    /// <summary>Spearman's rank correlation (ties share their average rank).</summary>
    Spearman,
    /// <summary>Pearson's linear correlation.</summary>
    Pearson,
}
