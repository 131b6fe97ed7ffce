namespace Phosphene.Notebook.Magics;

/// <summary>
/// The magics a notebook knows, by name, and the entry point that runs a magic line: parse against the declaration,
/// answer <c>--help</c>, run, bind the result to <c>--as NAME</c> and to <c>_</c>.
/// </summary>
public sealed class MagicRegistry
{
    private static readonly Lazy<MagicRegistry> DefaultRegistry = new(() => new MagicRegistry(includeBuiltIns: true));
    private readonly Dictionary<string, Magic> _magics = new(StringComparer.Ordinal);
    private readonly object _lock = new();

    /// <summary>
    /// Creates a registry; with <paramref name="includeBuiltIns"/>, every <see cref="Magic"/> of this assembly that
    /// has a public parameterless constructor (the built-ins and the toolkit's magics) is registered.
    /// </summary>
    public MagicRegistry(bool includeBuiltIns = true)
    {
        if (!includeBuiltIns)
            return;
        // One broken magic must not take the others down: it is left out and reported by LoadErrors and %lsmagic.
        foreach (var type in typeof(Magic).Assembly.GetTypes()
                     .Where(t => t.IsSubclassOf(typeof(Magic)) && !t.IsAbstract && t.GetConstructor(Type.EmptyTypes) is { IsPublic: true })
                     .OrderBy(t => t.FullName, StringComparer.Ordinal))
        {
            try
            {
                Register((Magic)Activator.CreateInstance(type)!);
            }
            catch (Exception e)
            {
                var error = e is System.Reflection.TargetInvocationException { InnerException: { } inner } ? inner : e;
                _loadErrors.Add($"{type.FullName}: {error.GetType().Name}: {error.Message}");
            }
        }
    }

    private readonly List<string> _loadErrors = [];

    /// <summary>The magics of this assembly that could not be registered (a constructor or declaration that throws), with why.</summary>
    public IReadOnlyList<string> LoadErrors => _loadErrors;

    /// <summary>The registry hosts use unless they make their own: built-ins and the toolkit's magics.</summary>
    public static MagicRegistry Default => DefaultRegistry.Value;

    /// <summary>The registered magics, ordered by name.</summary>
    public IReadOnlyList<Magic> Magics
    {
        get
        {
            lock (_lock)
                return _magics.Values.OrderBy(m => m.Name, StringComparer.Ordinal).ToList();
        }
    }

    /// <summary>Registers <paramref name="magic"/>; its declaration is checked now, so a bad one fails at registration.</summary>
    /// <exception cref="ArgumentException">Another magic already has the name, or the name is not kebab-case.</exception>
    public void Register(Magic magic)
    {
        ArgumentNullException.ThrowIfNull(magic);
        if (MagicHeader.Read("%" + magic.Name) is not { HelpSuffix: false } header || header.Name != magic.Name || magic.Name.Any(char.IsUpper))
            throw new ArgumentException($"magic name '{magic.Name}' must be lowercase letters, digits and '-', starting with a letter", nameof(magic));
        _ = magic.Declaration;
        lock (_lock)
        {
            if (!_magics.TryAdd(magic.Name, magic))
                throw new ArgumentException($"a magic named '%{magic.Name}' is already registered ({_magics[magic.Name].GetType().FullName})", nameof(magic));
        }
    }

    /// <summary>The magic called <paramref name="name"/> (without %), if registered.</summary>
    public bool TryGet(string name, out Magic magic)
    {
        lock (_lock)
            return _magics.TryGetValue(name, out magic!);
    }

    /// <summary>
    /// Runs one magic line. <paramref name="cellBody"/> is the rest of the cell for a <c>%%</c> cell magic (null for a
    /// line magic). Returns the result to display: the magic's result object, or its <see cref="MagicUsage"/> for
    /// <c>--help</c> / <c>?</c>; null shows nothing. A non-null result is bound to <c>_</c> and, with <c>--as NAME</c>,
    /// to <c>NAME</c>.
    /// </summary>
    /// <exception cref="MagicException">
    /// The line does not parse against the magic's declaration (nothing ran), or the work refused its settings or data:
    /// every <see cref="PhospheneException"/> of the core is reported as <c>%name [subcommand]: message</c>.
    /// </exception>
    public object? Run(string line, string? cellBody, IMagicContext context)
    {
        var parsed = MagicParser.Parse(this, line, cellBody, context);
        if (parsed.HelpRequested)
            return new MagicUsage(parsed.Magic);
        var invocation = parsed.Invocation!;
        object? result;
        try
        {
            result = parsed.Magic.Run(invocation, context);
        }
        catch (PhospheneException e) when (e is not MagicException)
        {
            throw new MagicException($"{invocation.Form}: {e.Message}", e);
        }
        if (invocation.BindAs is { } name)
            context.SetVariable(name, result);
        if (result is not null)
            context.SetVariable("_", result);
        return result;
    }

    /// <summary>The usage text of the magic called <paramref name="name"/>.</summary>
    public MagicUsage Usage(string name)
        => TryGet(name, out var magic) ? new MagicUsage(magic) : throw new MagicException($"unknown magic '%{name}'{Suggestions.DidYouMean(name, Magics.Select(m => m.Name))}");
}
