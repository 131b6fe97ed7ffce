namespace Phosphene.Notebook.Magics;

/// <summary>
/// One declared option (<c>--name value</c>, or <c>--name</c> alone for a flag) or positional argument of a magic.
/// Parsing, validation, <c>--help</c> and completion all read it.
/// </summary>
public sealed class MagicOption
{
    internal MagicOption(string name, Type type, object? defaultValue, string help, bool isFlag, bool required,
                         IReadOnlyList<string>? choices, bool positional, MagicLimits? limits = null,
                         IReadOnlyDictionary<string, object>? aliases = null, MagicValueKind? kind = null)
    {
        Name = name;
        Type = type;
        Default = defaultValue;
        Help = help;
        IsFlag = isFlag;
        Required = required;
        Aliases = aliases ?? new Dictionary<string, object>();
        Choices = choices ?? (Nullable.GetUnderlyingType(type) ?? type) switch
        {
            { IsEnum: true } e => (Nullable.GetUnderlyingType(type) is null ? [] : new[] { "auto" })
                .Concat(Enum.GetValues(e).Cast<object>().Select(v => Aliases.FirstOrDefault(a => a.Value.Equals(v)).Key ?? MagicTypes.Kebab(v.ToString()!))).ToArray(),
            _ => null,
        };
        IsPositional = positional;
        Limits = limits;
        Kind = kind ?? MagicValueKinds.ForType(type);
    }

    /// <summary>Kebab-case name, without the leading <c>--</c>.</summary>
    public string Name { get; }

    /// <summary>
    /// The value's type: a number type (nullable: <c>auto</c> is null), <see cref="string"/>, <see cref="bool"/>
    /// (flags), an enum, <see cref="MagicRange"/>, <c>IReadOnlyList&lt;T&gt;</c> / <c>T[]</c> of those, or the type a
    /// <see cref="Kind"/> resolves to.
    /// </summary>
    public Type Type { get; }

    /// <summary>The value when the option is not given.</summary>
    public object? Default { get; }

    /// <summary>One sentence for <c>--help</c>.</summary>
    public string Help { get; }

    /// <summary>True for a flag: present means true, and it takes no value.</summary>
    public bool IsFlag { get; }

    /// <summary>True when the magic (or its form: bare or subcommand) cannot run without it.</summary>
    public bool Required { get; }

    /// <summary>The accepted words, for text options with a fixed vocabulary and for enums; null otherwise.</summary>
    public IReadOnlyList<string>? Choices { get; }

    /// <summary>Extra words for enum members (<c>rk4</c> for <c>RungeKutta4</c>); shown in place of the member's name.</summary>
    public IReadOnlyDictionary<string, object> Aliases { get; }

    /// <summary>True for a positional argument (given without <c>--name</c>).</summary>
    public bool IsPositional { get; }

    /// <summary>The numeric limits of a number option (or of each number of a list), or null for the type's own range.</summary>
    public MagicLimits? Limits { get; }

    /// <summary>The registered kind that resolves values of a model, images, a table, … option; null for plain values.</summary>
    public MagicValueKind? Kind { get; }

    /// <summary>True for a nullable number or enum: the word <c>auto</c> means null, "let the method choose".</summary>
    public bool AcceptsAuto => Nullable.GetUnderlyingType(Type) is { } inner && (MagicTypes.IsNumber(inner) || inner.IsEnum);

    /// <summary>True when null is a valid value: an optional option whose default is null.</summary>
    public bool AcceptsNull => !Required && Default is null && !IsFlag;

    /// <summary>How the value is written, for usage lines: <c>int</c>, <c>a|b|c</c>, <c>images</c>, <c>number|auto</c>, …</summary>
    public string ValueSyntax => IsFlag ? "" : Choices is { } choices ? string.Join("|", choices)
        : Kind is { } kind ? kind.Name : MagicTypes.Describe(Type) + (AcceptsAuto ? "|auto" : "");

    /// <inheritdoc/>
    public override string ToString() => IsPositional ? $"<{Name}>" : IsFlag ? $"--{Name}" : $"--{Name} {ValueSyntax}";
}
