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

    private static bool IsNumber(Type type)
        => type == typeof(int) || type == typeof(long) || type == typeof(short) || type == typeof(float) || type == typeof(double) || type == typeof(decimal);

    /// <summary>Parses the token given for <paramref name="option"/>.</summary>
    public static object? Parse(MagicToken token, MagicOption option, IMagicContext context, string magic)
    {
        var what = option.IsPositional ? $"{magic}: argument <{option.Name}>" : $"{magic}: option '--{option.Name}'";
        return ParseAs(token.Kind, token.Text, option.Type, option, context, what);
    }

    private static object? ParseAs(MagicTokenKind kind, string text, Type type, MagicOption option, IMagicContext context, string what)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (kind == MagicTokenKind.Braced)
        {
            object? value;
            try
            {
                value = context.Evaluate(text);
            }
            catch (SessionCodeException e)
            {
                throw new MagicException($"{what}: the expression {{{text}}} failed: {e.Message}");
            }
            return Coerce(value, type, what);
        }

        if (ElementType(type) is { } element)
        {
            if (kind == MagicTokenKind.Bare && IsIdentifier(text) && !IsNumber(element) && context.TryGetVariable(text, out var variable)
                && variable is IEnumerable and not string)
                return Coerce(variable, type, what);
            var items = kind == MagicTokenKind.Quoted ? [new MagicToken(MagicTokenKind.Quoted, text, 0, 0)] : SplitList(text, what);
            var values = new List<object?>();
            foreach (var item in items)
            {
                if (item.Kind == MagicTokenKind.Bare && IsNumber(element) && item.Text.Contains(':'))
                {
                    var range = ParseRange(item.Text, what);
                    values.AddRange(element == typeof(int) || element == typeof(long) || element == typeof(short)
                        ? range.IntValues().Select(v => (object?)v) : range.Values().Select(v => (object?)v));
                }
                else
                {
                    values.Add(ParseAs(item.Kind, item.Text, element, option, context, what));
                }
            }
            return Coerce(values, type, what);
        }

        if (type == typeof(string))
        {
            if (option.Choices is { } choices && kind == MagicTokenKind.Bare && !choices.Contains(text))
                throw new MagicException($"{what} accepts {string.Join(", ", choices.Select(c => $"'{c}'"))}, not '{text}'{Suggestions.DidYouMean(text, choices)}");
            return text;
        }
        if (type.IsEnum)
        {
            var names = Enum.GetNames(type);
            var match = names.FirstOrDefault(n => Kebab(n) == text || string.Equals(n, text, StringComparison.OrdinalIgnoreCase));
            if (match is null)
            {
                if (kind == MagicTokenKind.Bare && IsIdentifier(text) && context.TryGetVariable(text, out var variable) && variable?.GetType() == type)
                    return variable;
                var choices = names.Select(Kebab).ToArray();
                throw new MagicException($"{what} accepts {string.Join(", ", choices.Select(c => $"'{c}'"))}, not '{text}'{Suggestions.DidYouMean(text, choices)}");
            }
            return Enum.Parse(type, match);
        }
        if (type == typeof(MagicRange))
        {
            if (kind == MagicTokenKind.Bare && IsIdentifier(text))
                return Coerce(Variable(text, type, context, what), type, what);
            return ParseRange(text, what);
        }
        if (IsNumber(type))
        {
            if (kind == MagicTokenKind.Bare && TryParseNumber(text, out var number))
                return Coerce(number, type, what);
            if (kind == MagicTokenKind.Bare && IsIdentifier(text))
                return Coerce(Variable(text, type, context, what), type, what);
            throw new MagicException($"{what} expects {Article(Describe(type))}, got '{text}'; write a number such as 3 or 0.5, a variable's name, or a C# expression in braces");
        }
        if (type == typeof(bool))
        {
            if (bool.TryParse(text, out var flag))
                return flag;
            if (kind == MagicTokenKind.Bare && IsIdentifier(text))
                return Coerce(Variable(text, type, context, what), type, what);
            throw new MagicException($"{what} expects true or false, got '{text}'");
        }

        // Any other type (a tensor, a model, a dataset, object): a session variable, or a literal for object/text-like targets.
        if (kind == MagicTokenKind.Bare && IsIdentifier(text) && (type != typeof(object) || context.TryGetVariable(text, out _)))
            return Coerce(Variable(text, type, context, what), type, what);
        if (type == typeof(object))
            return kind == MagicTokenKind.Bare && TryParseNumber(text, out var literal) ? literal : text;
        throw new MagicException($"{what} expects {Article(Describe(type))}: give a session variable's name or a C# expression in braces, e.g. {{{Example(type)}}}; got '{text}'");
    }

    private static string Example(Type type) => $"my{type.Name}";

    private static object? Variable(string name, Type type, IMagicContext context, string what)
    {
        if (context.TryGetVariable(name, out var value))
            return value;
        var names = context.Variables.Select(v => v.Name);
        throw new MagicException($"{what} expects {Article(Describe(type))}, but '{name}' is not a session variable{Suggestions.DidYouMean(name, names)}");
    }

    /// <summary>Converts an evaluated value to <paramref name="type"/>, or throws a <see cref="MagicException"/> saying what was expected.</summary>
    public static object? Coerce(object? value, Type type, string what)
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
        if (target.IsInstanceOfType(value))
            return value;
        if (IsNumber(target) && value is IConvertible && IsNumber(value.GetType()))
        {
            var converted = Convert.ChangeType(value, target, CultureInfo.InvariantCulture);
            if (Convert.ToDouble(converted, CultureInfo.InvariantCulture) != Convert.ToDouble(value, CultureInfo.InvariantCulture))
                throw new MagicException($"{what} expects {Article(Describe(target))}, got {Convert.ToString(value, CultureInfo.InvariantCulture)}");
            return converted;
        }
        if (target == typeof(MagicRange) && value is IConvertible && IsNumber(value.GetType()))
            throw new MagicException($"{what} expects a range start:stop[:step], got {value}");
        if (ElementType(target) is { } element && value is IEnumerable sequence and not string)
        {
            var items = sequence.Cast<object?>().Select(v => Coerce(v, element, what)).ToList();
            var array = Array.CreateInstance(element, items.Count);
            for (var i = 0; i < items.Count; i++)
                array.SetValue(items[i], i);
            if (target.IsArray || target.IsInterface)
                return array;
            return Activator.CreateInstance(target, array);
        }
        if (ElementType(target) is { } single && Coerce(value, single, what) is var one)
            return Coerce(new[] { one }, target, what);
        throw new MagicException($"{what} expects {Article(Describe(target))}, got {Article(value.GetType().Name)} ({Summarize(value)})");
    }

    private static string Summarize(object value)
    {
        var text = value.ToString() ?? "";
        return text.Length > 40 ? text[..40] + "…" : text;
    }

    private static string Article(string noun) => noun.Length > 0 && "aeiouAEIOU".Contains(noun[0]) ? $"an {noun}" : $"a {noun}";

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
        var start = 0;
        var depth = 0;
        char quote = '\0';
        for (var i = 0; i <= text.Length; i++)
        {
            var c = i < text.Length ? text[i] : ',';
            if (quote != '\0')
            {
                if (c == '\\') i++;
                else if (c == quote) quote = '\0';
                continue;
            }
            if (c is '"' or '\'') quote = c;
            else if (c == '{') depth++;
            else if (c == '}') depth--;
            else if (c == ',' && depth == 0)
            {
                var item = text[start..i];
                if (item.Length == 0)
                    throw new MagicException($"{what}: the list '{text}' has an empty item; write items separated by single commas, e.g. 1,2,3");
                items.Add(MagicTokenizer.Classify(item, 0));
                start = i + 1;
            }
        }
        return items;
    }
}
