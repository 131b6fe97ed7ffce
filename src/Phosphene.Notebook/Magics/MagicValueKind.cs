using System.Collections.Concurrent;

namespace Phosphene.Notebook.Magics;

/// <summary>
/// A kind of value an option takes beyond numbers and words (a classifier, images, a matrix or table, a coupling, …):
/// it turns what the user gave (a session variable, a <c>{C# expression}</c>'s value, or a word such as a CSV path or
/// <c>grid:32x32</c>) into the one type the magic reads, refusing null and unusable values with a message that says
/// what is accepted. Its <see cref="Name"/> and <see cref="Description"/> appear in <c>--help</c> and completion.
/// </summary>
/// <remarks>
/// Declare an option of a kind with <see cref="MagicOptionSet.Option(MagicValueKind, string, string, bool, string)"/>; options of
/// a type with a kind registered by <see cref="MagicValueKinds.Register"/> (a <c>Tensor</c>, …) use it automatically.
/// </remarks>
public abstract class MagicValueKind
{
    /// <summary>How the value is named in usage lines: <c>--inputs images</c>.</summary>
    public abstract string Name { get; }

    /// <summary>What is accepted, in a few words: <c>a float tensor N×C×H×W or an ImageDataset</c>.</summary>
    public abstract string Description { get; }

    /// <summary>The type <see cref="Resolve"/> returns (what <c>invocation.Get&lt;T&gt;</c> reads).</summary>
    public abstract Type ValueType { get; }

    /// <summary>Words offered by completion (e.g. <c>all</c>, <c>grid:32x32</c>); none by default.</summary>
    public virtual IReadOnlyList<string> Words => [];

    /// <summary>Converts a non-null value (a session variable or an expression's result) to <see cref="ValueType"/>.</summary>
    /// <param name="value">The value given.</param>
    /// <param name="what">How errors name the option: <c>%probe: option '--inputs'</c>.</param>
    /// <exception cref="MagicException">The value is not of this kind.</exception>
    protected abstract object Convert(object value, string what);

    /// <summary>
    /// The value written as a word that is not a session variable (a path, <c>all</c>, <c>lorentz(0,0.5)</c>), or null
    /// when the kind takes no words; the parser then reports the unknown variable.
    /// </summary>
    public virtual object? FromWord(string word, string what) => null;

    /// <summary>
    /// True when a bare word is always read by <see cref="FromWord"/>, even if a session variable has that name (the
    /// word <c>mean</c> is a pooling, not the variable <c>mean</c>); a value is then given in braces.
    /// </summary>
    public virtual bool WordsOnly => false;

    /// <summary>Converts <paramref name="value"/>, refusing null.</summary>
    public object Resolve(object? value, string what)
        => value is null ? throw new MagicException($"{what} expects {Description}, got null") : Convert(value, what);

    /// <summary>The message for a value of another type.</summary>
    protected MagicException Refuse(object value, string what)
        => new($"{what} expects {Description}, got {MagicTypes.Article(value.GetType().Name)} ({MagicCoercion.Summarize(value)})");

    /// <inheritdoc/>
    public override string ToString() => Name;
}

/// <summary>The kinds used by options declared with a plain type (<c>Option&lt;Tensor&gt;</c>).</summary>
public static class MagicValueKinds
{
    private static readonly ConcurrentDictionary<Type, MagicValueKind> ByType = new()
    {
        [typeof(TorchSharp.torch.Tensor)] = ValueKinds.Tensor,
    };

    /// <summary>Makes options declared as <c>Option&lt;T&gt;</c> with <c>T</c> = <paramref name="kind"/>'s value type use it.</summary>
    public static void Register(MagicValueKind kind)
    {
        ArgumentNullException.ThrowIfNull(kind);
        ByType[kind.ValueType] = kind;
    }

    /// <summary>The kind registered for <paramref name="type"/> (nullable or not), or null.</summary>
    public static MagicValueKind? ForType(Type type)
        => ByType.GetValueOrDefault(Nullable.GetUnderlyingType(type) ?? type);
}
