using System.Text;

namespace Phosphene.Notebook.Magics;

/// <summary>
/// The types an option may have and how they are written in usage lines and errors: numbers (<c>int</c>,
/// <c>number</c>), text, flags, ranges, lists of those, and enum members in kebab-case.
/// </summary>
internal static class MagicTypes
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
            _ when IsInteger(type) => "int",
            _ when IsNumber(type) => "number",
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
        => IsInteger(type) || type == typeof(float) || type == typeof(double) || type == typeof(decimal);

    /// <summary>True for the whole-number types.</summary>
    public static bool IsInteger(Type type) => type == typeof(int) || type == typeof(long) || type == typeof(short);

    /// <summary><c>an int</c>, <c>a number</c>.</summary>
    public static string Article(string noun) => noun.Length > 0 && "aeiouAEIOU".Contains(noun[0]) ? $"an {noun}" : $"a {noun}";
}
