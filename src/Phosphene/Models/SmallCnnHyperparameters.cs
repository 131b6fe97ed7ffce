using System.Globalization;

namespace Phosphene.Models;

/// <summary>
/// Hyper-parameters of <see cref="SmallCnn"/>: two 3×3 convolution stages (widths <see cref="Conv1Channels"/>,
/// <see cref="Conv2Channels"/>), then a hidden layer of <see cref="HiddenUnits"/> with dropout <see cref="Dropout"/>.
/// </summary>
public sealed record SmallCnnHyperparameters : ModelHyperparameters
{
    /// <summary>Output channels of the first convolution (<c>features.0</c>); default 16.</summary>
    public int Conv1Channels { get; init; } = 16;

    /// <summary>Output channels of the second convolution (<c>features.4</c>); default 32.</summary>
    public int Conv2Channels { get; init; } = 32;

    /// <summary>Units of the hidden fully connected layer (<c>classifier.0</c>); default 128.</summary>
    public int HiddenUnits { get; init; } = 128;

    /// <summary>Dropout probability before the last layer (<c>classifier.2</c>); default 0 (off).</summary>
    public double Dropout { get; init; }

    /// <inheritdoc />
    protected override string ArchitectureKey() => string.Create(CultureInfo.InvariantCulture,
        $"conv1={Conv1Channels};conv2={Conv2Channels};hidden={HiddenUnits};dropout={Dropout:R}");

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        Require(Conv1Channels >= 1, nameof(Conv1Channels), Conv1Channels, "at least 1");
        Require(Conv2Channels >= 1, nameof(Conv2Channels), Conv2Channels, "at least 1");
        Require(HiddenUnits >= 1, nameof(HiddenUnits), HiddenUnits, "at least 1");
        Require(Dropout is >= 0 and < 1, nameof(Dropout), Dropout, "in [0, 1)");
    }
}
