namespace Phosphene.Attribution.Metrics;

/// <summary>Which scalar of the model a metric watches for the target class.</summary>
public enum ModelOutput
{
    /// <summary>The target class's logit (the pre-softmax score).</summary>
    Logit,
    /// <summary>The target class's softmax probability.</summary>
    Probability,
}
