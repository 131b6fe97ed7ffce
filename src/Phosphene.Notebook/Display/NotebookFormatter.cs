using Microsoft.DotNet.Interactive.Formatting;

namespace Phosphene.Notebook.Display;

/// <summary>
/// A set of formatters registered together (for a family of toolkit types). Every non-abstract implementation in
/// this assembly with a public parameterless constructor is registered when <see cref="NotebookFormatter"/> is
/// first used; other assemblies call <see cref="NotebookFormatter.Register(IFormatterSet)"/>.
/// </summary>
public interface IFormatterSet
{
    /// <summary>Registers the formatters (with <see cref="NotebookFormatter.RegisterHtml{T}"/> and the like).</summary>
    void Register();
}

/// <summary>
/// Formats values for notebooks on top of Microsoft.DotNet.Interactive.Formatting's registry: every value gets
/// <c>text/plain</c> (a registered text formatter, else <see cref="PlainText"/>), and each rich type
/// (<c>text/html</c>, <c>image/png</c>, <c>image/svg+xml</c>, <c>text/markdown</c>, <c>application/javascript</c>)
/// for which a formatter is registered for the value's type, a base type or an interface. Tensors, DataFrames,
/// Plotly.NET charts, progress bars and the magics' results are registered out of the box.
/// </summary>
public static class NotebookFormatter
{
    private static readonly object Lock = new();
    private static readonly Dictionary<Type, IFormatterSet> RegisteredSets = [];
    private static readonly List<(Type Type, string MimeType)> Registrations = [];
    private static readonly Dictionary<(Type Type, string MimeType), Func<object, IReadOnlyDictionary<string, object>?>> MetadataProviders = [];
    private static bool _initialized;

    /// <summary>The types with a registered formatter, each once: hosts that choose MIME types per type (.NET Interactive) ask for these.</summary>
    public static IReadOnlyList<Type> FormattedTypes
    {
        get
        {
            EnsureInitialized();
            lock (Lock)
                return Registrations.Select(r => r.Type).Distinct().ToList();
        }
    }

    /// <summary>Formats <paramref name="value"/> into every MIME type registered for it, text/plain included.</summary>
    public static MimeBundle Format(object? value)
    {
        EnsureInitialized();
        if (value is null)
            return new MimeBundle(new Dictionary<string, string> { [MimeTypes.PlainText] = "null" });
        using var scope = FormatScope.Begin();
        var type = value.GetType();
        var data = new Dictionary<string, string>();
        var metadata = new Dictionary<string, IReadOnlyDictionary<string, object>>();
        foreach (var mime in MimeTypes.Rich)
        {
            if (Registered(type, mime) is not { } registeredFor)
                continue;
            var text = Formatter.ToDisplayString(value, mime);
            if (string.IsNullOrEmpty(text))
                continue;
            data[mime] = text;
            if (MetadataFor(registeredFor, mime) is { } provider && provider(value) is { } extra)
                metadata[mime] = extra;
        }
        data[MimeTypes.PlainText] = Registered(type, MimeTypes.PlainText) is not null ? Formatter.ToDisplayString(value, MimeTypes.PlainText) : PlainText.Format(value);
        return new MimeBundle(data, metadata);
    }

    /// <summary>Registers an HTML formatter for <typeparamref name="T"/> (and its subtypes).</summary>
    public static void RegisterHtml<T>(Func<T, string> html) => Register(MimeTypes.Html, html);

    /// <summary>Registers a PNG formatter for <typeparamref name="T"/>: the bytes of a PNG file (base64-encoded for you).</summary>
    /// <param name="png">Encodes the value as PNG.</param>
    /// <param name="size">Optional (width, height) in CSS pixels at which front ends should show the image.</param>
    public static void RegisterPng<T>(Func<T, byte[]> png, Func<T, (int Width, int Height)>? size = null)
    {
        Register<T>(MimeTypes.Png, value => Convert.ToBase64String(png(value)));
        if (size is not null)
            lock (Lock)
                MetadataProviders[(typeof(T), MimeTypes.Png)] = value =>
                {
                    var (width, height) = size((T)value);
                    return new Dictionary<string, object> { ["width"] = width, ["height"] = height };
                };
    }

    /// <summary>Registers an SVG formatter for <typeparamref name="T"/>.</summary>
    public static void RegisterSvg<T>(Func<T, string> svg) => Register(MimeTypes.Svg, svg);

    /// <summary>Registers a <c>text/plain</c> formatter for <typeparamref name="T"/> (replacing <see cref="PlainText"/>).</summary>
    public static void RegisterText<T>(Func<T, string> text) => Register(MimeTypes.PlainText, text);

    /// <summary>Registers a formatter producing <paramref name="mimeType"/> for <typeparamref name="T"/>.</summary>
    public static void Register<T>(string mimeType, Func<T, string> format)
    {
        ArgumentNullException.ThrowIfNull(format);
        Formatter.Register<T>((value, context) =>
        {
            context.Writer.Write(format(value));
            return true;
        }, mimeType);
        lock (Lock)
        {
            if (!Registrations.Contains((typeof(T), mimeType)))
                Registrations.Add((typeof(T), mimeType));
        }
    }

    /// <summary>Registers a set of formatters once (a second call with the same set type does nothing).</summary>
    public static void Register(IFormatterSet set)
    {
        ArgumentNullException.ThrowIfNull(set);
        lock (Lock)
        {
            if (!RegisteredSets.TryAdd(set.GetType(), set))
                return;
        }
        set.Register();
    }

    /// <summary>
    /// Registers every set again, so that its formatters win over those another library registered since for the same
    /// types (in .NET Interactive, Microsoft.Data.Analysis's extension loads after Phosphene's and replaces the
    /// DataFrame view).
    /// </summary>
    public static void RegisterAgain()
    {
        EnsureInitialized();
        List<IFormatterSet> sets;
        lock (Lock)
            sets = [.. RegisteredSets.Values];
        foreach (var set in sets)
            set.Register();
    }

    /// <summary>The MIME types <paramref name="type"/> is formatted into besides text/plain.</summary>
    public static IReadOnlyList<string> RichMimeTypesFor(Type type)
    {
        EnsureInitialized();
        return MimeTypes.Rich.Where(m => Registered(type, m) is not null).ToList();
    }

    private static void EnsureInitialized()
    {
        lock (Lock)
        {
            if (_initialized)
                return;
            _initialized = true;
        }
        // One broken formatter set must not take the others down: it is left out and reported by RegistrationErrors.
        foreach (var type in typeof(NotebookFormatter).Assembly.GetTypes()
                     .Where(t => typeof(IFormatterSet).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false } && t.GetConstructor(Type.EmptyTypes) is { IsPublic: true })
                     .OrderBy(t => t.FullName, StringComparer.Ordinal))
        {
            try
            {
                Register((IFormatterSet)Activator.CreateInstance(type)!);
            }
            catch (Exception e)
            {
                var error = e is System.Reflection.TargetInvocationException { InnerException: { } inner } ? inner : e;
                lock (Lock)
                    Errors.Add($"{type.FullName}: {error.GetType().Name}: {error.Message}");
            }
        }
    }

    private static readonly List<string> Errors = [];

    /// <summary>The formatter sets of this assembly that failed to register, with why (normally none).</summary>
    public static IReadOnlyList<string> RegistrationErrors
    {
        get
        {
            EnsureInitialized();
            lock (Lock)
                return Errors.ToList();
        }
    }

    // The most specific registered type that `type` is assignable to, for this MIME type.
    private static Type? Registered(Type type, string mimeType)
    {
        lock (Lock)
        {
            Type? best = null;
            foreach (var (registered, mime) in Registrations)
                if (mime == mimeType && registered.IsAssignableFrom(type) && (best is null || best.IsAssignableFrom(registered)))
                    best = registered;
            return best;
        }
    }

    private static Func<object, IReadOnlyDictionary<string, object>?>? MetadataFor(Type type, string mimeType)
    {
        lock (Lock)
            return MetadataProviders.TryGetValue((type, mimeType), out var provider) ? provider : null;
    }
}

/// <summary>
/// The formatting of one value into its bundle. Formatters of several MIME types that share expensive work (a tensor's
/// PNG for both image/png and text/html) compute it once per bundle with <see cref="Memo{T}"/>.
/// </summary>
public static class FormatScope
{
    [ThreadStatic]
    private static Dictionary<(object, string), object?>? _memo;

    /// <summary>
    /// Within <see cref="NotebookFormatter.Format"/>: the value computed for (<paramref name="key"/>, <paramref name="name"/>)
    /// earlier in the same bundle, else <paramref name="compute"/>'s result, remembered until the bundle is done.
    /// Outside a bundle it just computes.
    /// </summary>
    public static T Memo<T>(object key, string name, Func<T> compute)
    {
        if (_memo is null)
            return compute();
        if (_memo.TryGetValue((key, name), out var cached))
            return (T)cached!;
        var value = compute();
        _memo[(key, name)] = value;
        return value;
    }

    internal static IDisposable Begin()
    {
        var outer = _memo;
        _memo = new Dictionary<(object, string), object?>(ReferenceKeyComparer.Instance);
        return new End(outer);
    }

    private sealed class End(Dictionary<(object, string), object?>? outer) : IDisposable
    {
        public void Dispose() => _memo = outer;
    }

    private sealed class ReferenceKeyComparer : IEqualityComparer<(object, string)>
    {
        public static readonly ReferenceKeyComparer Instance = new();
        public bool Equals((object, string) x, (object, string) y) => ReferenceEquals(x.Item1, y.Item1) && x.Item2 == y.Item2;
        public int GetHashCode((object, string) key) => HashCode.Combine(System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(key.Item1), key.Item2);
    }
}
