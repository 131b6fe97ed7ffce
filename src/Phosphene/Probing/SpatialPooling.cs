using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

namespace Phosphene.Probing;

/// <summary>How a spatial activation N×C×H×W becomes a feature matrix N×D.</summary>
public enum PoolingKind
{
    /// <summary>Every unit: D = C·H·W.</summary>
    Flatten,
    /// <summary>Global average over space: D = C.</summary>
    GlobalAverage,
    /// <summary>Adaptive average to a k×k grid: D = C·k·k (keeps coarse position).</summary>
    Grid,
}

/// <summary>
/// A spatial pooling of layer activations: <c>flatten</c>, <c>avg</c> (global average) or <c>grid:k</c> (average to a
/// k×k grid). Activations that are already N×D pass through unchanged; N×C×L (sequences) are treated as N×C×1×L.
/// </summary>
/// <param name="Kind">The pooling.</param>
/// <param name="GridSize">k for <see cref="PoolingKind.Grid"/>; ignored otherwise.</param>
public sealed record SpatialPooling(PoolingKind Kind, int GridSize = 1)
{
    /// <summary>Keep every unit (the default).</summary>
    public static SpatialPooling Flatten { get; } = new(PoolingKind.Flatten);

    /// <summary>Global average over space.</summary>
    public static SpatialPooling GlobalAverage { get; } = new(PoolingKind.GlobalAverage);

    /// <summary>Average to a <paramref name="k"/>×<paramref name="k"/> grid.</summary>
    public static SpatialPooling Grid(int k) =>
        k >= 1 ? new(PoolingKind.Grid, k) : throw new PhospheneException($"grid pooling needs a size of at least 1, got {k}");

    /// <summary>Parses <c>flatten</c>, <c>avg</c> or <c>grid:k</c>.</summary>
    /// <exception cref="PhospheneException">Unknown name (with a suggestion) or a bad grid size.</exception>
    public static SpatialPooling Parse(string text)
    {
        var name = text.Trim().ToLowerInvariant();
        if (name == "flatten") return Flatten;
        if (name is "avg" or "mean" or "gap") return GlobalAverage;
        if (name.StartsWith("grid:", StringComparison.Ordinal))
            return int.TryParse(name[5..], NumberStyles.None, CultureInfo.InvariantCulture, out int k) && k >= 1
                ? Grid(k)
                : throw new PhospheneException($"pooling '{text}' needs a positive grid size, e.g. grid:4");
        throw new PhospheneException(
            $"unknown pooling '{text}'{Suggestions.DidYouMean(name, ["flatten", "avg", "grid:4"])} (poolings: flatten, avg, grid:k)");
    }

    /// <summary>Pools activations N×C×H×W (or N×C×L, or N×D) to N×D, keeping the dtype.</summary>
    public Tensor Apply(Tensor activations)
    {
        if (activations.dim() < 2)
            throw new PhospheneException($"cannot pool activations of shape [{string.Join(", ", activations.shape)}]: expected N×D or N×C×H×W");
        if (activations.dim() == 2) return activations.alias();
        var x = activations.dim() == 3 ? activations.unsqueeze(2) : activations;
        if (x.dim() > 4) x = x.flatten(3);
        return Kind switch
        {
            PoolingKind.Flatten => x.flatten(1),
            PoolingKind.GlobalAverage => x.mean([2, 3]),
            _ => nn.functional.adaptive_avg_pool2d(x, [GridSize, GridSize]).flatten(1),
        };
    }

    /// <inheritdoc />
    public override string ToString() => Kind switch
    {
        PoolingKind.Flatten => "flatten",
        PoolingKind.GlobalAverage => "avg",
        _ => $"grid:{GridSize}",
    };
}
