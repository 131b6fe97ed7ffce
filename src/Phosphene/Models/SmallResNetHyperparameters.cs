using System.Globalization;

namespace Phosphene.Models;

/// <summary>
/// Hyper-parameters of <see cref="SmallResNet"/>: a 3×3 stem of <see cref="Width"/> channels, then
/// <see cref="Stages"/> stages (<c>layer1</c>, <c>layer2</c>, ...) of <see cref="BlocksPerStage"/> basic residual blocks
/// each; every stage after the first halves the resolution and doubles the width.
/// </summary>
public sealed record SmallResNetHyperparameters : ModelHyperparameters
{
    /// <summary>Channels of the stem and of the first stage; default 16.</summary>
    public int Width { get; init; } = 16;

    /// <summary>Number of stages; default 3 (widths 16, 32, 64 at 28, 14, 7 pixels for a 28×28 input).</summary>
    public int Stages { get; init; } = 3;

    /// <summary>Basic blocks per stage; default 1.</summary>
    public int BlocksPerStage { get; init; } = 1;

    /// <inheritdoc />
    protected override string ArchitectureKey() => string.Create(CultureInfo.InvariantCulture,
        $"width={Width};stages={Stages};blocks={BlocksPerStage}");

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        Require(Width >= 1, nameof(Width), Width, "at least 1");
        Require(Stages is >= 1 and <= 6, nameof(Stages), Stages, "between 1 and 6");
        Require(BlocksPerStage >= 1, nameof(BlocksPerStage), BlocksPerStage, "at least 1");
    }
}
