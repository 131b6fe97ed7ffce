namespace Phosphene.Notebook.Display;

/// <summary>HTML shown as is (<c>text/html</c>; its text is the <c>text/plain</c> fallback). What <c>%%html</c> returns.</summary>
/// <param name="Html">The markup.</param>
public sealed record HtmlContent(string Html)
{
    /// <summary>A Plotly.NET chart as HTML (<see cref="PlotlyFormatter.Html"/>), e.g. to show it with a caption or in a table.</summary>
    public HtmlContent(Plotly.NET.GenericChart chart) : this(PlotlyFormatter.Html(chart)) { }

    /// <inheritdoc/>
    public override string ToString() => Html;
}

/// <summary>JavaScript run by the front end (<c>application/javascript</c>). What <c>%%javascript</c> returns.</summary>
/// <param name="Code">The script.</param>
public sealed record JavaScriptContent(string Code)
{
    /// <inheritdoc/>
    public override string ToString() => Code;
}

/// <summary>Markdown rendered by the front end (<c>text/markdown</c>). What <c>%%markdown</c> returns.</summary>
/// <param name="Markdown">The Markdown source.</param>
public sealed record MarkdownContent(string Markdown)
{
    /// <inheritdoc/>
    public override string ToString() => Markdown;
}
