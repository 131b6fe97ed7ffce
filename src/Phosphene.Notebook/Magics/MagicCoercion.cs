using System.Collections;
using System.Globalization;

namespace Phosphene.Notebook.Magics;

/// <summary>
/// Converts a value already evaluated (a session variable, an expression's result, a parsed literal) to an option's
/// type: numbers only without loss and within range, sequences element-wise, a single value to a list of one.
/// </summary>
internal static class MagicCoercion
{
    /// <summary>
    /// Converts <paramref name="value"/> to <paramref name="type"/>, or throws a <see cref="MagicException"/> saying what
    /// was expected. Numbers convert only without loss and within the target type's range (and
    /// <paramref name="option"/>'s limits, when given).
    /// </summary>
    public static object? Coerce(object? value, Type type, string what, MagicOption? option = null)
    {
        if (type == typeof(object))
            return value;
        var target = Nullable.GetUnderlyingType(type) ?? type;
        if (value is null)
        {
            if (!target.IsValueType || Nullable.GetUnderlyingType(type) is not null)
                return null;
            throw new MagicException($"{what} expects {MagicTypes.Article(MagicTypes.Describe(target))}, got null");
        }
        // A list already of the right type still must not carry null items (e.g. {new string[]{null}}).
        if (MagicTypes.ElementType(target) is { } itemType && Nullable.GetUnderlyingType(itemType) is null && value is IEnumerable listed
            && value is not string && listed.Cast<object?>().Any(item => item is null))
            throw new MagicException($"{what} expects a list of {MagicTypes.Describe(itemType)} without nulls, got a null item");
        if (target.IsInstanceOfType(value))
            return value;
        if (MagicTypes.IsNumber(target) && value is IConvertible && MagicTypes.IsNumber(value.GetType()))
            return ConvertNumber(value, target, what, option);
        if (target == typeof(MagicRange) && value is IConvertible && MagicTypes.IsNumber(value.GetType()))
            throw new MagicException($"{what} expects a range start:stop[:step], got {value}");
        if (MagicTypes.ElementType(target) is { } element && value is IEnumerable sequence and not string)
        {
            var items = sequence.Cast<object?>().Select(v => v is null && Nullable.GetUnderlyingType(element) is null
                ? throw new MagicException($"{what} expects a list of {MagicTypes.Describe(element)} without nulls, got a null item")
                : Coerce(v, element, what, option)).ToList();
            var array = Array.CreateInstance(element, items.Count);
            for (var i = 0; i < items.Count; i++)
                array.SetValue(items[i], i);
            if (target.IsArray || target.IsInterface)
                return array;
            return Activator.CreateInstance(target, array);
        }
        if (MagicTypes.ElementType(target) is { } single && Coerce(value, single, what, option) is var one)
            return Coerce(new[] { one }, target, what, option);
        throw new MagicException($"{what} expects {MagicTypes.Article(MagicTypes.Describe(target))}, got {MagicTypes.Article(value.GetType().Name)} ({Summarize(value)})");
    }

    /// <summary>The start of a value's text, for errors: at most 40 characters.</summary>
    public static string Summarize(object value)
    {
        var text = value.ToString() ?? "";
        return text.Length > 40 ? text[..40] + "…" : text;
    }

    // A number to another number type: checked against the target's range (the standard limits message) and for loss.
    private static object ConvertNumber(object value, Type target, string what, MagicOption? option)
    {
        var number = Convert.ToDouble(value, CultureInfo.InvariantCulture);
        var limits = MagicLimits.Of(target, option?.Limits);
        if (!limits.Contains(number) || MagicTypes.IsInteger(target) && number != Math.Floor(number))
            MagicLimits.Check(number, target, option ?? new MagicOption("value", target, null, "", false, false, null, false), what);
        if (value is long exact && target == typeof(long))
            return exact;
        var converted = Convert.ChangeType(value, target, CultureInfo.InvariantCulture);
        if (target != typeof(float) && target != typeof(decimal) && Convert.ToDouble(converted, CultureInfo.InvariantCulture) != number)
            throw new MagicException($"{what} expects {MagicTypes.Article(MagicTypes.Describe(target))}, got {Convert.ToString(value, CultureInfo.InvariantCulture)}");
        return converted;
    }
}
