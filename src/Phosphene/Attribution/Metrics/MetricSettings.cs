namespace Phosphene.Attribution.Metrics;

/// <summary>The settings the registry passes to every metric it creates.</summary>
public sealed record MetricSettings
{
    /// <summary>Inputs per forward pass or explainer call; default 64.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>Seed of every random choice; default 0.</summary>
    public long Seed { get; init; }

    /// <summary>The leave-one-split-out models MeGe and ReCo need (see <see cref="SplitModels.Train"/>); default none.</summary>
    public SplitModels? Splits { get; init; }
}
