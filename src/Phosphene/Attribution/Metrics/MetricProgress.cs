namespace Phosphene.Attribution.Metrics;

/// <summary>Progress of a metric: <paramref name="Done"/> of <paramref name="Total"/> units of work (forward passes or explanations).</summary>
/// <param name="Metric">The metric's registry name, e.g. <c>deletion</c>.</param>
/// <param name="Done">Units finished so far.</param>
/// <param name="Total">Units in the whole evaluation.</param>
public sealed record MetricProgress(string Metric, long Done, long Total)
{
    /// <summary>The finished fraction in [0, 1].</summary>
    public double Fraction => Total == 0 ? 1 : (double)Done / Total;
}
