namespace Phosphene;

/// <summary>
/// The one shape of every registry of algorithms by name (attribution methods, metrics, probes, concept
/// decompositions): one factory per entry, each given the shared <typeparamref name="TSettings"/>. Names, summaries
/// and any other fact (a metric's direction, say) are read from the instances the factories create, never written
/// twice.
/// </summary>
/// <typeparam name="TSettings">What every factory receives, e.g. a batch size and a seed.</typeparam>
/// <typeparam name="T">The family of algorithms.</typeparam>
public sealed class Registry<TSettings, T> where T : IRegistered
{
    readonly Func<TSettings, T>[] _factories;
    readonly T[] _defaults;

    /// <summary>Creates the registry; each factory is called once with <paramref name="defaultSettings"/> to read its facts.</summary>
    /// <param name="kind">What an entry is, in messages: <c>method</c>, <c>metric</c>, <c>probe</c>, <c>decomposition</c>.</param>
    /// <param name="defaultSettings">The settings of <see cref="Defaults"/>.</param>
    /// <param name="factories">One per entry, in listing order.</param>
    public Registry(string kind, TSettings defaultSettings, params Func<TSettings, T>[] factories)
    {
        Kind = kind;
        this._factories = factories;
        _defaults = factories.Select(create => create(defaultSettings)).ToArray();
        Names = _defaults.Select(d => d.Name).ToArray();
    }

    /// <summary>What an entry is, e.g. <c>metric</c>.</summary>
    public string Kind { get; }

    /// <summary>Every registry name, in listing order.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>One instance of every entry with the default settings, in listing order: the source of every fact listed.</summary>
    public IReadOnlyList<T> Defaults => _defaults;

    /// <summary>The default instance of the entry called <paramref name="name"/> (shared: read it, do not run it).</summary>
    /// <exception cref="PhospheneException">Unknown name; the message suggests the closest one and lists them all.</exception>
    public T Find(string name) => _defaults[IndexOf(name)];

    /// <summary>A new instance of the entry called <paramref name="name"/>, made with <paramref name="settings"/>.</summary>
    /// <exception cref="PhospheneException">Unknown name; the message suggests the closest one and lists them all.</exception>
    public T Create(string name, TSettings settings) => _factories[IndexOf(name)](settings);

    /// <summary>Whether <paramref name="name"/> is registered (case-insensitive, surrounding spaces ignored).</summary>
    public bool Contains(string name) => Array.FindIndex(_defaults, d => Matches(d.Name, name)) >= 0;

    int IndexOf(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        int index = Array.FindIndex(_defaults, d => Matches(d.Name, name));
        if (index >= 0) return index;
        throw new PhospheneException(
            $"unknown {Kind} '{name}'{Suggestions.DidYouMean(name, Names)} ({Kind}s: {string.Join(", ", Names)})");
    }

    static bool Matches(string known, string name) => string.Equals(known, name.Trim(), StringComparison.OrdinalIgnoreCase);
}
