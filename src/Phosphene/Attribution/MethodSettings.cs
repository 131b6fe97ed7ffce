namespace Phosphene.Attribution;

/// <summary>The settings every attribution method shares, which <see cref="AttributionMethods"/> and comparisons pass on.</summary>
public sealed record MethodSettings
{
    /// <summary>Largest number of inputs in one forward (and backward) pass; default 64.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>Seed of every random choice; default 0.</summary>
    public long Seed { get; init; }

    /// <summary>The explained scalar; default the target's logit.</summary>
    public OutputHead Head { get; init; } = OutputHead.Logit;

    /// <summary>Rescaling of each returned map; default none.</summary>
    public MapNormalization Normalization { get; init; } = MapNormalization.None;

    /// <summary>Layer path for Grad-CAM and Grad-CAM++; default null (the last convolution). Other methods ignore it.</summary>
    public string? Layer { get; init; }
}
