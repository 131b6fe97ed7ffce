using System.Collections;
using System.Globalization;
using System.Text;

namespace Phosphene.Notebook.Magics;

/// <summary>
/// Turns the text of an option value into the option's declared type: numbers, text (checked against choices),
/// enums, ranges <c>start:stop:step</c>, lists <c>a,b,c</c>, session variables by name and C# expressions in braces.
/// </summary>
internal static class MagicValues
{
    /// <summary><c>RedBlue</c> → <c>red-blue</c>.</summary>
    public static string Kebab(string name)
    {
        var builder = new StringBuilder();
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c) && i > 0 && (char.IsLower(name[i - 1]) || char.IsDigit(name[i - 1]) || i + 1 < name.Length && char.IsLower(name[i + 1])))
                builder.Append('-');
            builder.Append(char.ToLowerInvariant(c));
        }
        return builder.ToString().Replace('_', '-');
    }

    /// <summary>How a value of <paramref name="type"/> is written, for usage lines and errors.</summary>
    public static string Describe(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (ElementType(type) is { } element)
            return $"{Describe(element)},…";
        return type switch
        {
            _ when type == typeof(int) || type == typeof(long) || type == typeof(short) => "int",
            _ when type == typeof(float) || type == typeof(double) || type == typeof(decimal) => "number",
            _ when type == typeof(string) => "text",
            _ when type == typeof(bool) => "true|false",
            _ when type == typeof(MagicRange) => "start:stop[:step]",
            _ when type == typeof(object) => "value",
            _ => type.Name,
        };
    }

    /// <summary>The element type when <paramref name="type"/> is an array or a generic list/sequence interface; else null.</summary>
    public static Type? ElementType(Type type)
    {
        if (type == typeof(string))
            return null;
        if (type.IsArray)
            return type.GetElementType();
        if (type.IsGenericType && type.GetGenericTypeDefinition() is var definition
            && (definition == typeof(IReadOnlyList<>) || definition == typeof(IList<>) || definition == typeof(List<>)
                || definition == typeof(IEnumerable<>) || definition == typeof(IReadOnlyCollection<>) || definition == typeof(ICollection<>)))
            return type.GetGenericArguments()[0];
        return null;
    }

    /// <summary>True for the number types options may have.</summary>
    public static bool IsNumber(Type type)
        => type == typeof(int) || type == typeof(long) || type == typeof(short) || type == typeof(float) || type == typeof(double) || type == typeof(decimal);

    /// <summary>True for the whole-number types.</summary>
    public static bool IsInteger(Type type) => type == typeof(int) || type == typeof(long) || type == typeof(short);

    /// <summary>The value of <paramref name="option"/> when it is not given: its default (a kind reads its default word).</summary>
    public static object? DefaultOf(MagicOption option, string form)
        => option.Kind is { } kind && option.Default is string word ? kind.FromWord(word, $"{form}: option '--{option.Name}'") : option.Default;

    /// <summary>Parses the token given for <paramref name="option"/>.</summary>
    public static object? Parse(MagicToken token, MagicOption option, IMagicContext context, string magic)
    {
        var what = option.IsPositional ? $"{magic}: argument <{option.Name}>" : $"{magic}: option '--{option.Name}'";
        try
        {
            return ParseAs(token.Kind, token.Text, option.Type, option, context, what, item: false);
        }
        catch (PhospheneException e) when (e is not MagicException)
        {
            // A kind's word or value that the core refuses (a bad grid:HxW, a CSV file that does not parse).
            throw new MagicException($"{what}: {e.Message}", e);
        }
    }

    private static object? ParseAs(MagicTokenKind kind, string text, Type type, MagicOption option, IMagicContext context, string what, bool item)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (option.Kind is { } valueKind && !item)
            return ParseKind(kind, text, valueKind, option, context, what);
        if (kind == MagicTokenKind.Braced)
        {
            var value = Evaluate(text, context, what);
            if (value is null)
            {
                if (option.AcceptsNull && !item)
                    return null;
                throw new MagicException($"{what} expects {(item ? "items that are " : "")}{Article(option.ValueSyntax)}, got null" + (item ? " in the list" : ""));
            }
            return Checked(Coerce(value, type, what), option, what);
        }

        if (ElementType(type) is { } element)
        {
            if (kind == MagicTokenKind.Bare && IsIdentifier(text) && !IsNumber(element) && context.TryGetVariable(text, out var variable)
                && variable is IEnumerable and not string)
                return Checked(Coerce(variable, type, what), option, what);
            var items = kind == MagicTokenKind.Quoted ? [new MagicToken(MagicTokenKind.Quoted, text, 0, 0)] : SplitList(text, what);
            var values = new List<object?>();
            foreach (var token in items)
            {
                if (token.Kind == MagicTokenKind.Bare && IsNumber(element) && token.Text.Contains(':'))
                {
                    var range = ParseRange(token.Text, what);
                    values.AddRange(IsInteger(element) ? range.IntValues().Select(v => (object?)v) : range.Values().Select(v => (object?)v));
                }
                else
                {
                    values.Add(ParseAs(token.Kind, token.Text, element, option, context, what, item: true));
                }
            }
            return Checked(Coerce(values, type, what), option, what);
        }

        if (type == typeof(string))
        {
            if (option.Choices is { } choices && kind == MagicTokenKind.Bare && !choices.Contains(text))
                throw new MagicException($"{what} accepts {string.Join(", ", choices.Select(c => $"'{c}'"))}, not '{text}'{Suggestions.DidYouMean(text, choices)}");
            return text;
        }
        if (type.IsEnum && option.AcceptsAuto && text.Trim().Equals("auto", StringComparison.OrdinalIgnoreCase))
            return null;
        if (type.IsEnum)
            return ParseEnum(kind, text, type, option, context, what);
        if (type == typeof(MagicRange))
        {
            if (kind == MagicTokenKind.Bare && IsIdentifier(text))
                return Coerce(Variable(text, type, context, what), type, what);
            return ParseRange(text, what);
        }
        if (IsNumber(type))
        {
            if (option.AcceptsAuto && text.Trim().Equals("auto", StringComparison.OrdinalIgnoreCase))
                return null;
            if (kind == MagicTokenKind.Bare && TryParseNumber(text, out var number))
                return Checked(Coerce(number, type, what, option), option, what);
            if (kind == MagicTokenKind.Bare && IsIdentifier(text))
                return Checked(Coerce(Variable(text, type, context, what), type, what, option), option, what);
            throw new MagicException($"{what} expects {Article(option.ValueSyntax)}, got '{text}'; write a number such as 3 or 0.5{(option.AcceptsAuto ? ", auto" : "")}, a variable's name, or a C# expression in braces");
        }
        if (type == typeof(bool))
        {
            if (bool.TryParse(text, out var flag))
                return flag;
            if (kind == MagicTokenKind.Bare && IsIdentifier(text))
                return Coerce(Variable(text, type, context, what), type, what);
            throw new MagicException($"{what} expects true or false, got '{text}'");
        }

        // Any other type (a result bound with --as, a dataset): a name is a session variable.
        if (kind == MagicTokenKind.Bare && IsIdentifier(text) && (type != typeof(object) || context.TryGetVariable(text, out _)))
            return Coerce(Variable(text, type, context, what), type, what);
        if (type == typeof(object))
            return kind == MagicTokenKind.Bare && TryParseNumber(text, out var literal) ? literal : text;
        throw new MagicException($"{what} expects {Article(Describe(type))}: give a session variable's name or a C# expression in braces, e.g. {{my{type.Name}}}; got '{text}'");
    }

    // A value of a registered kind: an expression's value or a session variable resolved by the kind, else a word it reads.
    private static object? ParseKind(MagicTokenKind kind, string text, MagicValueKind valueKind, MagicOption option, IMagicContext context, string what)
    {
        if (kind == MagicTokenKind.Braced)
        {
            var value = Evaluate(text, context, what);
            return value is null && option.AcceptsNull ? null : valueKind.Resolve(value, what);
        }
        if (kind == MagicTokenKind.Bare && IsIdentifier(text) && context.TryGetVariable(text, out var variable))
            return valueKind.Resolve(variable, what);
        if (valueKind.FromWord(text, what) is { } word)
            return word;
        var names = context.Variables.Select(v => v.Name);
        throw new MagicException($"{what} expects {valueKind.Description}: give a session variable's name or a C# expression in braces; "
                                 + $"'{text}' is not a session variable{Suggestions.DidYouMean(text, names)}");
    }

    private static object? Evaluate(string text, IMagicContext context, string what)
    {
        try
        {
            return context.Evaluate(text);
        }
        catch (SessionCodeException e)
        {
            throw new MagicException($"{what}: the expression {{{text}}} failed: {e.Message}");
        }
    }

    private static object ParseEnum(MagicTokenKind kind, string text, Type type, MagicOption option, IMagicContext context, string what)
    {
        if (option.Aliases.TryGetValue(text, out var aliased))
            return aliased;
        var match = Enum.GetNames(type).FirstOrDefault(n => Kebab(n) == text || string.Equals(n, text, StringComparison.OrdinalIgnoreCase));
        if (match is not null)
            return Enum.Parse(type, match);
        if (kind == MagicTokenKind.Bare && IsIdentifier(text) && context.TryGetVariable(text, out var variable) && variable?.GetType() == type)
            return variable;
        var choices = option.Choices ?? [];
        throw new MagicException($"{what} accepts {string.Join(", ", choices.Select(c => $"'{c}'"))}, not '{text}'{Suggestions.DidYouMean(text, choices.Concat(option.Aliases.Keys))}");
    }

    // Numbers (alone or in a list) within the option's limits and its type's range.
    private static object? Checked(object? value, MagicOption option, string what)
    {
        var type = Nullable.GetUnderlyingType(option.Type) ?? option.Type;
        var element = ElementType(type) ?? type;
        element = Nullable.GetUnderlyingType(element) ?? element;
        if (!IsNumber(element))
            return value;
        foreach (var number in value is IEnumerable sequence ? sequence.Cast<object?>() : [value])
            if (number is not null)
                MagicLimits.Check(Convert.ToDouble(number, CultureInfo.InvariantCulture), element, option, what);
        return value;
    }

    private static object? Variable(string name, Type type, IMagicContext context, string what)
    {
        if (context.TryGetVariable(name, out var value))
            return value;
        var names = context.Variables.Select(v => v.Name);
        throw new MagicException($"{what} expects {Article(Describe(type))}, but '{name}' is not a session variable{Suggestions.DidYouMean(name, names)}");
    }

    /// <summary>
    /// Converts an evaluated value to <paramref name="type"/>, or throws a <see cref="MagicException"/> saying what
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
            throw new MagicException($"{what} expects {Article(Describe(target))}, got null");
        }
        // A list already of the right type still must not carry null items (e.g. {new string[]{null}}).
        if (ElementType(target) is { } itemType && Nullable.GetUnderlyingType(itemType) is null && value is IEnumerable listed and not string
            && listed.Cast<object?>().Any(item => item is null))
            throw new MagicException($"{what} expects a list of {Describe(itemType)} without nulls, got a null item");
        if (target.IsInstanceOfType(value))
            return value;
        if (IsNumber(target) && value is IConvertible && IsNumber(value.GetType()))
            return ConvertNumber(value, target, what, option);
        if (target == typeof(MagicRange) && value is IConvertible && IsNumber(value.GetType()))
            throw new MagicException($"{what} expects a range start:stop[:step], got {value}");
        if (ElementType(target) is { } element && value is IEnumerable sequence and not string)
        {
            var items = sequence.Cast<object?>().Select(v => v is null && !(Nullable.GetUnderlyingType(element) is not null)
                ? throw new MagicException($"{what} expects a list of {Describe(element)} without nulls, got a null item")
                : Coerce(v, element, what, option)).ToList();
            var array = Array.CreateInstance(element, items.Count);
            for (var i = 0; i < items.Count; i++)
                array.SetValue(items[i], i);
            if (target.IsArray || target.IsInterface)
                return array;
            return Activator.CreateInstance(target, array);
        }
        if (ElementType(target) is { } single && Coerce(value, single, what, option) is var one)
            return Coerce(new[] { one }, target, what, option);
        throw new MagicException($"{what} expects {Article(Describe(target))}, got {Article(value.GetType().Name)} ({Summarize(value)})");
    }

    // A number to another number type: checked against the target's range (the standard limits message) and for loss.
    private static object ConvertNumber(object value, Type target, string what, MagicOption? option)
    {
        var number = Convert.ToDouble(value, CultureInfo.InvariantCulture);
        var limits = MagicLimits.Of(target, option?.Limits);
        if (!limits.Contains(number) || IsInteger(target) && number != Math.Floor(number))
            MagicLimits.Check(number, target, option ?? new MagicOption("value", target, null, "", false, false, null, false), what);
        if (value is long exact && target == typeof(long))
            return exact;
        var converted = Convert.ChangeType(value, target, CultureInfo.InvariantCulture);
        if (target != typeof(float) && target != typeof(decimal) && Convert.ToDouble(converted, CultureInfo.InvariantCulture) != number)
            throw new MagicException($"{what} expects {Article(Describe(target))}, got {Convert.ToString(value, CultureInfo.InvariantCulture)}");
        return converted;
    }

    private static string Summarize(object value)
    {
        var text = value.ToString() ?? "";
        return text.Length > 40 ? text[..40] + "…" : text;
    }

    public static string Article(string noun) => noun.Length > 0 && "aeiouAEIOU".Contains(noun[0]) ? $"an {noun}" : $"a {noun}";

    public static bool TryParseNumber(string text, out object number)
    {
        var clean = text.Replace("_", "");
        if (long.TryParse(clean, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
        {
            number = integer is >= int.MinValue and <= int.MaxValue ? (int)integer : integer;
            return true;
        }
        // Words such as NaN or Infinity are names here, not numbers: a number starts with a digit or a point.
        var unsigned = clean.TrimStart('-', '+');
        if (unsigned.Length > 0 && (char.IsDigit(unsigned[0]) || unsigned[0] == '.')
            && double.TryParse(clean, NumberStyles.Float, CultureInfo.InvariantCulture, out var real))
        {
            number = real;
            return true;
        }
        number = 0;
        return false;
    }

    private static MagicRange ParseRange(string text, string what)
    {
        var parts = text.Split(':');
        if (parts.Length is < 2 or > 3 || parts.Any(p => !TryParseNumber(p, out _)))
            throw new MagicException($"{what} expects a range start:stop or start:stop:step of numbers (stop excluded), got '{text}'");
        var numbers = parts.Select(p => { TryParseNumber(p, out var n); return Convert.ToDouble(n, CultureInfo.InvariantCulture); }).ToArray();
        var step = numbers.Length == 3 ? numbers[2] : 1;
        if (step == 0)
            throw new MagicException($"{what}: the range '{text}' has step 0; use a non-zero step, e.g. {parts[0]}:{parts[1]}:1");
        return new MagicRange(numbers[0], numbers[1], step);
    }

    public static bool IsIdentifier(string text)
        => text.Length > 0 && (char.IsLetter(text[0]) || text[0] == '_') && text.All(c => char.IsLetterOrDigit(c) || c == '_');

    /// <summary>Splits <c>a,{x[0]},"b,c"</c> at top-level commas.</summary>
    private static List<MagicToken> SplitList(string text, string what)
    {
        var items = new List<MagicToken>();
        for (var start = 0; start <= text.Length;)
        {
            var end = MagicScanner.Scan(text, start, (c, depth) => c == ',' && depth == 0).Index;
            if (end == start)
                throw new MagicException($"{what}: the list '{text}' has an empty item; write items separated by single commas, e.g. 1,2,3");
            items.Add(MagicTokenizer.Classify(text[start..end], 0));
            start = end + 1;
        }
        return items;
    }
}
