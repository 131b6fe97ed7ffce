namespace Phosphene.Notebook.Magics;

/// <summary>
/// A value written as one word that a core parser reads (a pooling <c>grid:4</c>, a task <c>clusters:moons</c>), so the
/// word is read while the line is parsed and the parser's error names the option. A bare word is always a word, never a
/// session variable of that name; a value (or its word) computed in C# is given in braces.
/// </summary>
/// <typeparam name="T">What the core parser returns.</typeparam>
public sealed class WordKind<T> : MagicValueKind where T : notnull
{
    private readonly Func<string, T> _parse;

    /// <summary>Creates the kind.</summary>
    /// <param name="name">How the value is named in usage lines.</param>
    /// <param name="description">The accepted words, in a few words.</param>
    /// <param name="parse">The core parser; it throws a <see cref="PhospheneException"/> for a word it does not know.</param>
    /// <param name="words">Words offered by completion.</param>
    public WordKind(string name, string description, Func<string, T> parse, IReadOnlyList<string> words)
    {
        Name = name;
        Description = description;
        _parse = parse;
        Words = words;
    }

    /// <inheritdoc/>
    public override string Name { get; }

    /// <inheritdoc/>
    public override string Description { get; }

    /// <inheritdoc/>
    public override Type ValueType => typeof(T);

    /// <inheritdoc/>
    public override IReadOnlyList<string> Words { get; }

    /// <inheritdoc/>
    public override bool WordsOnly => true;

    /// <inheritdoc/>
    protected override object Convert(object value, string what) => value switch
    {
        T typed => typed,
        string word => _parse(word),
        _ => throw Refuse(value, what),
    };

    /// <inheritdoc/>
    public override object FromWord(string word, string what) => _parse(word);
}
