using System.Globalization;

namespace Phosphene.Notebook.Magics;

/// <summary>
/// The numbers a number option accepts: inclusive <see cref="Min"/> / <see cref="Max"/>, exclusive
/// <see cref="Above"/> / <see cref="Below"/>, within the range of the declared type. Every violation reads the same:
/// <c>%name: option '--steps' must be a whole number from 1 to 2147483647, got 2147483648; give a value in that range</c>.
/// </summary>
/// <param name="Min">Smallest accepted value, or null.</param>
/// <param name="Max">Largest accepted value, or null.</param>
/// <param name="Above">Values must be greater than this, or null.</param>
/// <param name="Below">Values must be less than this, or null.</param>
public sealed record MagicLimits(double? Min = null, double? Max = null, double? Above = null, double? Below = null)
{
    /// <summary>The limits of an option of <paramref name="type"/> with <paramref name="declared"/> ones on top.</summary>
    internal static MagicLimits Of(Type type, MagicLimits? declared)
    {
        var (low, high) = TypeRange(type);
        declared ??= new MagicLimits();
        return declared with
        {
            Min = declared.Above is null ? Math.Max(declared.Min ?? low, low) : declared.Min,
            Max = declared.Below is null ? Math.Min(declared.Max ?? high, high) : declared.Max,
        };
    }

    /// <summary>True when <paramref name="value"/> lies within the limits.</summary>
    public bool Contains(double value)
        => double.IsFinite(value) && !(value < Min) && !(value > Max) && !(value <= Above) && !(value >= Below);

    /// <summary>The limits in words: <c>from 1 to 100</c>, <c>at least 0</c>, <c>greater than 0</c>, <c>from 0 to below 1</c>.</summary>
    public string Describe()
    {
        var low = Above is { } a ? $"greater than {Format(a)}" : Min is { } m && m > -1e300 ? $"at least {Format(m)}" : null;
        var high = Below is { } b ? $"less than {Format(b)}" : Max is { } x && x < 1e300 ? $"at most {Format(x)}" : null;
        if (Min is { } min && Max is { } max && Above is null && Below is null && min > -1e300 && max < 1e300)
            return $"from {Format(min)} to {Format(max)}";
        return low is null ? high ?? "finite" : high is null ? low : $"{low} and {high}";
    }

    /// <summary>Throws the standard message when <paramref name="value"/> is outside the limits of <paramref name="option"/>.</summary>
    internal static void Check(double value, Type numberType, MagicOption option, string what)
    {
        var limits = Of(numberType, option.Limits);
        var integer = MagicTypes.IsInteger(numberType);
        if (limits.Contains(value) && (!integer || value == Math.Floor(value)))
            return;
        if (limits.Contains(value))
            throw new MagicException($"{what} expects {MagicTypes.Article(MagicTypes.Describe(numberType))}, got {Format(value)}");
        var auto = option.AcceptsAuto ? ", or auto" : "";
        throw new MagicException($"{what} must be {Expected(numberType, option, typeRange: true)}, got {Format(value)}; give a value in that range{auto}");
    }

    /// <summary>
    /// What a number option accepts, in words: <c>a whole number from 1 to 100</c>, <c>a number greater than 0</c>;
    /// without <paramref name="typeRange"/>, an integer option without limits is just <c>a whole number</c>.
    /// </summary>
    internal static string Expected(Type numberType, MagicOption option, bool typeRange = false)
    {
        var integer = MagicTypes.IsInteger(numberType);
        var range = (option.Limits is null && integer && !typeRange ? new MagicLimits() : Of(numberType, option.Limits)).Describe();
        return range == "finite" ? (integer ? "a whole number" : "a finite number") : $"{(integer ? "a whole number" : "a number")} {range}";
    }

    private static (double Low, double High) TypeRange(Type type) => type switch
    {
        _ when type == typeof(int) => (int.MinValue, int.MaxValue),
        _ when type == typeof(long) => (long.MinValue, Math.BitDecrement((double)long.MaxValue)),
        _ when type == typeof(short) => (short.MinValue, short.MaxValue),
        _ when type == typeof(float) => (float.MinValue, float.MaxValue),
        _ when type == typeof(decimal) => ((double)decimal.MinValue, (double)decimal.MaxValue),
        _ => (double.MinValue, double.MaxValue),
    };

    // The ends of long's range are written as the integers they stand for, not as 9.2E+18.
    internal static string Format(double value) => value switch
    {
        >= 9.2e18 and <= 9.3e18 => long.MaxValue.ToString(CultureInfo.InvariantCulture),
        <= -9.2e18 and >= -9.3e18 => long.MinValue.ToString(CultureInfo.InvariantCulture),
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };
}
