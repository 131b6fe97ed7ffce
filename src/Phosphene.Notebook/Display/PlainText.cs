using System.Collections;
using System.Globalization;

namespace Phosphene.Notebook.Display;

/// <summary>
/// The default <c>text/plain</c> form of a value: null as <c>null</c>, strings as they are, collections as
/// <c>Type(count) { a, b, … }</c> (first 20 items), everything else by <see cref="object.ToString"/> in the invariant
/// culture. A <c>text/plain</c> formatter registered for a type replaces it.
/// </summary>
public static class PlainText
{
    private const int MaxItems = 20;

    /// <summary>Formats <paramref name="value"/>.</summary>
    public static string Format(object? value) => value switch
    {
        null => "null",
        string s => s,
        IDictionary dictionary => $"{TypeName(value.GetType())}({dictionary.Count}) {{ {Items(dictionary.Cast<DictionaryEntry>().Select(e => $"[{Item(e.Key)}] = {Item(e.Value)}"))} }}",
        ICollection collection => $"{TypeName(value.GetType())}({collection.Count}) {{ {Items(collection.Cast<object?>().Select(Item))} }}",
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static string Item(object? value) => value is string s ? $"\"{s}\"" : Format(value);

    private static string Items(IEnumerable<string> items)
    {
        var list = items.Take(MaxItems + 1).ToList();
        return list.Count > MaxItems ? string.Join(", ", list.Take(MaxItems)) + ", …" : string.Join(", ", list);
    }

    /// <summary>A C#-style type name: <c>List&lt;int&gt;</c>, <c>float[]</c>.</summary>
    public static string TypeName(Type type)
    {
        if (type.IsArray)
            return TypeName(type.GetElementType()!) + "[" + new string(',', type.GetArrayRank() - 1) + "]";
        if (!type.IsGenericType)
            return Aliases.TryGetValue(type, out var alias) ? alias : type.Name;
        var name = type.Name[..type.Name.IndexOf('`')];
        return $"{name}<{string.Join(", ", type.GetGenericArguments().Select(TypeName))}>";
    }

    private static readonly Dictionary<Type, string> Aliases = new()
    {
        [typeof(int)] = "int", [typeof(long)] = "long", [typeof(float)] = "float", [typeof(double)] = "double",
        [typeof(string)] = "string", [typeof(bool)] = "bool", [typeof(object)] = "object", [typeof(byte)] = "byte",
        [typeof(char)] = "char", [typeof(decimal)] = "decimal", [typeof(short)] = "short",
    };
}
