namespace Phosphene.Attribution.Metrics;

/// <summary>How <see cref="ModelRandomisation"/> randomises the layers (Adebayo et al. 2018, section 3.1).</summary>
public enum RandomisationMode
{
    /// <summary>From the output layer down: step k randomises the top k layers together.</summary>
    Cascading,
    /// <summary>One layer at a time, the others keeping their trained weights.</summary>
    Independent,
}
