using System.Globalization;

namespace Phosphene.Models;

/// <summary>
/// The hyper-parameters that fix a zoo architecture's shape: input channels, image size, number of classes, plus
/// what each architecture adds (widths, depths, dropout). Two equal <see cref="CacheKey"/>s build identical modules.
/// </summary>
public abstract record ModelHyperparameters
{
    /// <summary>Channels C of the N×C×H×W input; default 1 (grey-scale).</summary>
    public int InputChannels { get; init; } = 1;

    /// <summary>Height and width H = W of the square input; default 28.</summary>
    public int ImageSize { get; init; } = 28;

    /// <summary>Number of classes, the length of each logit row; default 10.</summary>
    public int NumClasses { get; init; } = 10;

    /// <summary>
    /// A culture-invariant text naming every hyper-parameter and its value, used to key checkpoints
    /// (e.g. <c>in=1;size=28;classes=10;conv1=32;...</c>).
    /// </summary>
    public string CacheKey => string.Create(CultureInfo.InvariantCulture,
        $"in={InputChannels};size={ImageSize};classes={NumClasses};{ArchitectureKey()}");

    /// <summary>The architecture-specific part of <see cref="CacheKey"/>, culture-invariant.</summary>
    protected abstract string ArchitectureKey();

    /// <summary>Throws a <see cref="PhospheneException"/> naming the first invalid value and its valid range.</summary>
    public virtual void Validate()
    {
        Require(InputChannels >= 1, nameof(InputChannels), InputChannels, "at least 1");
        Require(ImageSize >= 4, nameof(ImageSize), ImageSize, "at least 4");
        Require(NumClasses >= 2, nameof(NumClasses), NumClasses, "at least 2");
    }

    /// <summary>Throws a <see cref="PhospheneException"/> naming <paramref name="name"/> when the condition fails.</summary>
    protected void Require(bool condition, string name, object value, string requirement)
    {
        if (!condition)
            throw Invalid.Setting(GetType().Name, name, value, requirement);
    }
}
