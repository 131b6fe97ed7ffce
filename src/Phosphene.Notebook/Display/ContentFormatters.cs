namespace Phosphene.Notebook.Display;

/// <summary>Formatters of the notebook layer's own types: raw HTML/JavaScript/Markdown, progress bars.</summary>
public sealed class ContentFormatters : IFormatterSet
{
    /// <inheritdoc/>
    public void Register()
    {
        NotebookFormatter.RegisterHtml<HtmlContent>(c => c.Html);
        NotebookFormatter.Register<JavaScriptContent>(MimeTypes.JavaScript, c => c.Code);
        NotebookFormatter.Register<MarkdownContent>(MimeTypes.Markdown, c => c.Markdown);
        NotebookFormatter.RegisterHtml<ProgressSnapshot>(p => p.ToHtml());
    }
}
