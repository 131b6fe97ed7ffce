namespace Phosphene.Notebook.Magics;

/// <summary>
/// One declared option (<c>--name value</c>, or <c>--name</c> alone for a flag) or positional argument of a magic.
/// Parsing, validation, <c>--help</c> and completion all read it.
/// </summary>
public sealed class MagicOption
{
    internal MagicOption(string name, Type type, object? defaultValue, string help, bool isFlag, bool required,
                         IReadOnlyList<string>? choices, bool positional)
    {
        Name = name;
        Type = type;
        Default = defaultValue;
        Help = help;
        IsFlag = isFlag;
        Required = required;
        Choices = choices ?? (Nullable.GetUnderlyingType(type) ?? type) switch
        {
            { IsEnum: true } e => Enum.GetNames(e).Select(MagicValues.Kebab).ToArray(),
            _ => null,
        };
        IsPositional = positional;
    }

    /// <summary>Kebab-case name, without the leading <c>--</c>.</summary>
    public string Name { get; }

    /// <summary>
    /// The value's type: a number type, <see cref="string"/>, <see cref="bool"/> (flags), an enum,
    /// <see cref="MagicRange"/>, <c>IReadOnlyList&lt;T&gt;</c> / <c>T[]</c> of those, or any other type (a tensor,
    /// a model, a dataset) given by a session variable's name or a <c>{C# expression}</c>.
    /// </summary>
    public Type Type { get; }

    /// <summary>The value when the option is not given.</summary>
    public object? Default { get; }

    /// <summary>One sentence for <c>--help</c>.</summary>
    public string Help { get; }

    /// <summary>True for a flag: present means true, and it takes no value.</summary>
    public bool IsFlag { get; }

    /// <summary>True when the magic cannot run without it.</summary>
    public bool Required { get; }

    /// <summary>The accepted words, for text options with a fixed vocabulary and for enums; null otherwise.</summary>
    public IReadOnlyList<string>? Choices { get; }

    /// <summary>True for a positional argument (given without <c>--name</c>).</summary>
    public bool IsPositional { get; }

    /// <summary>How the value is written, for usage lines: <c>int</c>, <c>a|b|c</c>, <c>start:stop[:step]</c>, …</summary>
    public string ValueSyntax => IsFlag ? "" : Choices is { } choices ? string.Join("|", choices) : MagicValues.Describe(Type);

    /// <inheritdoc/>
    public override string ToString() => IsPositional ? $"<{Name}>" : IsFlag ? $"--{Name}" : $"--{Name} {ValueSyntax}";
}
