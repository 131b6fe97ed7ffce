using System.Globalization;

namespace Phosphene.Notebook.Magics;

/// <summary>
/// A range option value written <c>start:stop</c> or <c>start:stop:step</c>, as in Python slices and NumPy's
/// <c>arange</c>: <see cref="Stop"/> is excluded, <see cref="Step"/> defaults to 1 and may be negative or fractional.
/// </summary>
/// <param name="Start">First value.</param>
/// <param name="Stop">Bound that is not reached.</param>
/// <param name="Step">Increment, non-zero; default 1.</param>
public readonly record struct MagicRange(double Start, double Stop, double Step = 1)
{
    /// <summary>The values <c>Start, Start + Step, …</c> strictly before <see cref="Stop"/>.</summary>
    public IReadOnlyList<double> Values()
    {
        var count = Count;
        var values = new double[count];
        for (var i = 0; i < count; i++)
            values[i] = Start + i * Step;
        return values;
    }

    /// <summary>The values as integers; throws when the range is not integral.</summary>
    public IReadOnlyList<int> IntValues()
    {
        if (Start != Math.Round(Start) || Step != Math.Round(Step))
            throw new MagicException($"the range {this} is not integral; write whole numbers, e.g. 0:10:2");
        return Values().Select(v => (int)v).ToArray();
    }

    /// <summary>How many values the range holds.</summary>
    public int Count => Step > 0 ? Math.Max(0, (int)Math.Ceiling((Stop - Start) / Step)) : Math.Max(0, (int)Math.Ceiling((Start - Stop) / -Step));

    /// <summary>The range as written: <c>start:stop:step</c>.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Start}:{Stop}:{Step}");
}
