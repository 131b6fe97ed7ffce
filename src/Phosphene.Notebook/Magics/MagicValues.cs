using System.Collections;
using System.Globalization;

namespace Phosphene.Notebook.Magics;

/// <summary>
/// Turns the token written for an option into the option's declared type: numbers, text (checked against choices),
/// enums, ranges <c>start:stop:step</c>, lists <c>a,b,c</c>, values of a registered kind, session variables by name
/// and C# expressions in braces.
/// </summary>
internal static class MagicValues
{
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
                throw new MagicException($"{what} expects {(item ? "items that are " : "")}{MagicTypes.Article(option.ValueSyntax)}, got null" + (item ? " in the list" : ""));
            }
            return Checked(MagicCoercion.Coerce(value, type, what), option, what);
        }

        if (MagicTypes.ElementType(type) is { } element)
        {
            if (kind == MagicTokenKind.Bare && MagicLiterals.IsIdentifier(text) && !MagicTypes.IsNumber(element) && context.TryGetVariable(text, out var variable)
                && variable is IEnumerable and not string)
                return Checked(MagicCoercion.Coerce(variable, type, what), option, what);
            var items = kind == MagicTokenKind.Quoted ? [new MagicToken(MagicTokenKind.Quoted, text, 0, 0)] : MagicLiterals.SplitList(text, what);
            var values = new List<object?>();
            foreach (var token in items)
            {
                if (token.Kind == MagicTokenKind.Bare && MagicTypes.IsNumber(element) && token.Text.Contains(':'))
                {
                    var range = MagicLiterals.ParseRange(token.Text, what);
                    values.AddRange(MagicTypes.IsInteger(element) ? range.IntValues().Select(v => (object?)v) : range.Values().Select(v => (object?)v));
                }
                else
                {
                    values.Add(ParseAs(token.Kind, token.Text, element, option, context, what, item: true));
                }
            }
            return Checked(MagicCoercion.Coerce(values, type, what), option, what);
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
            if (kind == MagicTokenKind.Bare && MagicLiterals.IsIdentifier(text))
                return MagicCoercion.Coerce(Variable(text, type, context, what), type, what);
            return MagicLiterals.ParseRange(text, what);
        }
        if (MagicTypes.IsNumber(type))
        {
            if (option.AcceptsAuto && text.Trim().Equals("auto", StringComparison.OrdinalIgnoreCase))
                return null;
            if (kind == MagicTokenKind.Bare && MagicLiterals.TryParseNumber(text, out var number))
                return Checked(MagicCoercion.Coerce(number, type, what, option), option, what);
            if (kind == MagicTokenKind.Bare && MagicLiterals.IsIdentifier(text))
            {
                var expected = option.Limits is null && !option.AcceptsAuto ? null
                    : (option.AcceptsAuto ? "auto or " : "") + MagicLimits.Expected(type, option);
                return Checked(MagicCoercion.Coerce(Variable(text, type, context, what, expected), type, what, option), option, what);
            }
            throw new MagicException($"{what} expects {MagicTypes.Article(option.ValueSyntax)}, got '{text}'; write a number such as 3 or 0.5{(option.AcceptsAuto ? ", auto" : "")}, a variable's name, or a C# expression in braces");
        }
        if (type == typeof(bool))
        {
            if (bool.TryParse(text, out var flag))
                return flag;
            if (kind == MagicTokenKind.Bare && MagicLiterals.IsIdentifier(text))
                return MagicCoercion.Coerce(Variable(text, type, context, what), type, what);
            throw new MagicException($"{what} expects true or false, got '{text}'");
        }

        // Any other type (a result bound with --as, a dataset): a name is a session variable.
        if (kind == MagicTokenKind.Bare && MagicLiterals.IsIdentifier(text) && (type != typeof(object) || context.TryGetVariable(text, out _)))
            return MagicCoercion.Coerce(Variable(text, type, context, what), type, what);
        if (type == typeof(object))
            return kind == MagicTokenKind.Bare && MagicLiterals.TryParseNumber(text, out var literal) ? literal : text;
        throw new MagicException($"{what} expects {MagicTypes.Article(MagicTypes.Describe(type))}: give a session variable's name or a C# expression in braces, e.g. {{my{type.Name}}}; got '{text}'");
    }

    // A value of a registered kind: an expression's value or a session variable resolved by the kind, else a word it reads.
    private static object? ParseKind(MagicTokenKind kind, string text, MagicValueKind valueKind, MagicOption option, IMagicContext context, string what)
    {
        if (kind == MagicTokenKind.Braced)
        {
            var value = Evaluate(text, context, what);
            return value is null && option.AcceptsNull ? null : valueKind.Resolve(value, what);
        }
        if (kind == MagicTokenKind.Bare && !valueKind.WordsOnly && MagicLiterals.IsIdentifier(text) && context.TryGetVariable(text, out var variable))
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
        var match = Enum.GetNames(type).FirstOrDefault(n => MagicTypes.Kebab(n) == text || string.Equals(n, text, StringComparison.OrdinalIgnoreCase));
        if (match is not null)
            return Enum.Parse(type, match);
        if (kind == MagicTokenKind.Bare && MagicLiterals.IsIdentifier(text) && context.TryGetVariable(text, out var variable) && variable?.GetType() == type)
            return variable;
        var choices = option.Choices ?? [];
        throw new MagicException($"{what} accepts {string.Join(", ", choices.Select(c => $"'{c}'"))}, not '{text}'{Suggestions.DidYouMean(text, choices.Concat(option.Aliases.Keys))}");
    }

    // Numbers (alone or in a list) within the option's limits and its type's range.
    private static object? Checked(object? value, MagicOption option, string what)
    {
        var type = Nullable.GetUnderlyingType(option.Type) ?? option.Type;
        var element = MagicTypes.ElementType(type) ?? type;
        element = Nullable.GetUnderlyingType(element) ?? element;
        if (!MagicTypes.IsNumber(element))
            return value;
        foreach (var number in value is IEnumerable sequence ? sequence.Cast<object?>() : [value])
            if (number is not null)
                MagicLimits.Check(Convert.ToDouble(number, CultureInfo.InvariantCulture), element, option, what);
        return value;
    }

    // A session variable by name; the error says what was expected (by default, the type in words).
    private static object? Variable(string name, Type type, IMagicContext context, string what, string? expected = null)
    {
        if (context.TryGetVariable(name, out var value))
            return value;
        var names = context.Variables.Select(v => v.Name);
        throw new MagicException($"{what} expects {expected ?? MagicTypes.Article(MagicTypes.Describe(type))}, but '{name}' is not a session variable{Suggestions.DidYouMean(name, names)}");
    }
}
