namespace Phosphene.Probing;

/// <summary>The settings <see cref="Probes"/> passes to the probe it creates; each probe reads those it has.</summary>
public sealed record ProbeSettings
{
    /// <summary>Logistic C; null chooses it by inner cross-validation ("auto"). Default 1.</summary>
    public double? C { get; init; } = 1.0;

    /// <summary>Ridge α; null (default) chooses it by leave-one-out.</summary>
    public double? Alpha { get; init; }

    /// <summary>PLS components; default 25.</summary>
    public int Components { get; init; } = 25;

    /// <summary>Randomised PCA to this many components before the probe; default none.</summary>
    public int? PcaComponents { get; init; }

    /// <summary>Seed of the probe's random choices; default 0.</summary>
    public long Seed { get; init; }
}
