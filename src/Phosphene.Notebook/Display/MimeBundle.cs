namespace Phosphene.Notebook.Display;

/// <summary>
/// A value formatted for a notebook: one string per MIME type (<c>text/plain</c> always; <c>text/html</c>,
/// <c>image/png</c> (base64), <c>image/svg+xml</c>, <c>text/markdown</c>, <c>application/javascript</c> where a
/// formatter is registered), and per-type metadata (such as an image's size). Jupyter's <c>data</c> and <c>metadata</c>.
/// </summary>
public sealed class MimeBundle
{
    /// <summary>Creates a bundle from its data and optional metadata.</summary>
    public MimeBundle(IReadOnlyDictionary<string, string> data, IReadOnlyDictionary<string, IReadOnlyDictionary<string, object>>? metadata = null)
    {
        Data = data;
        Metadata = metadata ?? new Dictionary<string, IReadOnlyDictionary<string, object>>();
    }

    /// <summary>MIME type → content (base64 for binary types).</summary>
    public IReadOnlyDictionary<string, string> Data { get; }

    /// <summary>MIME type → metadata for that representation (e.g. <c>{"width": 84, "height": 84}</c>).</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, object>> Metadata { get; }

    /// <summary>The <c>text/plain</c> representation.</summary>
    public string PlainText => Data[MimeTypes.PlainText];

    /// <summary>The representation for <paramref name="mimeType"/>, or null when there is none.</summary>
    public string? this[string mimeType] => Data.TryGetValue(mimeType, out var content) ? content : null;
}

/// <summary>The MIME types notebooks render.</summary>
public static class MimeTypes
{
    /// <summary><c>text/plain</c>.</summary>
    public const string PlainText = "text/plain";
    /// <summary><c>text/html</c>.</summary>
    public const string Html = "text/html";
    /// <summary><c>text/markdown</c>.</summary>
    public const string Markdown = "text/markdown";
    /// <summary><c>image/png</c> (base64 in a bundle).</summary>
    public const string Png = "image/png";
    /// <summary><c>image/svg+xml</c>.</summary>
    public const string Svg = "image/svg+xml";
    /// <summary><c>application/javascript</c>.</summary>
    public const string JavaScript = "application/javascript";
    /// <summary><c>application/json</c>.</summary>
    public const string Json = "application/json";
    /// <summary>A checked paper claim as JSON, which the series runner gathers into the record (<c>out/claims.json</c>).</summary>
    public const string ClaimJson = "application/vnd.phosphene.claim+json";
    /// <summary>What a run was computed with (<see cref="Claims.ProvenanceReport"/>), which the series runner keeps in the notebook's metadata.</summary>
    public const string ProvenanceJson = "application/vnd.phosphene.provenance+json";

    /// <summary>The rich types a bundle may carry besides text/plain, richest first.</summary>
    public static IReadOnlyList<string> Rich { get; } = [Html, Svg, Png, Markdown, JavaScript, Json, ClaimJson, ProvenanceJson];
}
