namespace Phosphene.Attribution.Metrics;

/// <summary>How <see cref="AverageStability"/> reduces the sensitivities of one input's perturbations.</summary>
public enum StabilityAggregation
{
    /// <summary>The largest change: the max-sensitivity of Yeh et al. 2019.</summary>
    Max,
    /// <summary>The mean change over the perturbations.</summary>
    Mean,
}
