using System.Collections;

namespace Phosphene.Notebook.Magics;

/// <summary>
/// One parsed magic line: the magic, its subcommand, the option values converted to their declared types (defaults
/// filled in), the body, and the <c>--as</c> name. Magics read their options with <see cref="Get{T}"/>.
/// </summary>
public sealed class MagicInvocation
{
    private readonly Dictionary<string, object?> _values;
    private readonly HashSet<string> _given;

    internal MagicInvocation(Magic magic, bool isCell, string line, string? subcommand, Dictionary<string, object?> values,
                             HashSet<string> given, string body, string? bindAs)
    {
        Magic = magic;
        IsCell = isCell;
        Line = line;
        Subcommand = subcommand;
        _values = values;
        _given = given;
        Body = body;
        BindAs = bindAs;
    }

    /// <summary>The magic being run.</summary>
    public Magic Magic { get; }

    /// <summary>True for <c>%%name</c> (the body is the rest of the cell).</summary>
    public bool IsCell { get; }

    /// <summary>The magic line as written.</summary>
    public string Line { get; }

    /// <summary>The subcommand, or null when the magic has none or none was given.</summary>
    public string? Subcommand { get; }

    /// <summary>The body: the code or text after the options (line magic) or the rest of the cell (cell magic); "" when none.</summary>
    public string Body { get; }

    /// <summary>The session variable <c>--as NAME</c> binds the result to, or null.</summary>
    public string? BindAs { get; }

    /// <summary>
    /// The value of option or argument <paramref name="name"/> (kebab-case, no dashes) as <typeparamref name="T"/>:
    /// the given value or the declared default. Numbers convert between numeric types when no precision is lost;
    /// lists convert element-wise (<c>Get&lt;IReadOnlyList&lt;int&gt;&gt;("layers")</c>).
    /// </summary>
    /// <exception cref="ArgumentException">The magic declares no such option (a bug in the magic).</exception>
    public T Get<T>(string name)
    {
        if (!_values.TryGetValue(name, out var value))
            throw new ArgumentException($"{Magic} declares no option '{name}' for this subcommand; declared: {string.Join(", ", _values.Keys.Select(k => "--" + k))}", nameof(name));
        return (T)MagicCoercion.Coerce(value, typeof(T), $"--{name}")!;
    }

    /// <summary>How errors name this form of the magic: <c>%probe</c>, <c>%probe similarity</c>.</summary>
    public string Form => (IsCell ? "%%" : "%") + Magic.Name + (Subcommand is null ? "" : " " + Subcommand);

    /// <summary>
    /// The error for a check no declaration can express (options that exclude each other, a value that must fit
    /// another): <c>throw invocation.Error("give either '--features' or '--model', not both")</c> reads
    /// <c>%probe: give either …</c>.
    /// </summary>
    public MagicException Error(string message) => new($"{Form}: {message}");

    /// <summary>True when a list option's values or the flag were given on the line (not just defaulted).</summary>
    public bool IsGiven(string name) => _given.Contains(name);

    /// <summary>The value of flag <paramref name="name"/>.</summary>
    public bool Flag(string name) => Get<bool>(name);

    /// <summary>The values of a list option (a single value is a list of one; a range expands).</summary>
    public IReadOnlyList<T> GetList<T>(string name)
    {
        var value = Get<object?>(name);
        return value switch
        {
            null => [],
            IEnumerable enumerable and not string => (IReadOnlyList<T>)MagicCoercion.Coerce(enumerable, typeof(IReadOnlyList<T>), $"--{name}")!,
            _ => [(T)MagicCoercion.Coerce(value, typeof(T), $"--{name}")!],
        };
    }

    /// <summary>Every option's value by name (given or default).</summary>
    public IReadOnlyDictionary<string, object?> Values => _values;
}
