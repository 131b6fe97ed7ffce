using Phosphene.Notebook.Display;

namespace Phosphene.Notebook.Magics.Builtins;

/// <summary>A cell magic whose body is content of one MIME type, returned for the front end to show or run.</summary>
/// <param name="name">The magic's name, without <c>%%</c>.</param>
/// <param name="summary">One line for <c>%lsmagic</c> and <c>--help</c>.</param>
/// <param name="bodyName">What the body is called in the usage.</param>
/// <param name="bodyHelp">What the body holds.</param>
/// <param name="content">Wraps the body in the value whose formatter gives the MIME type.</param>
public abstract class ContentMagic(string name, string summary, string bodyName, string bodyHelp, Func<string, object> content) : Magic
{
    /// <inheritdoc/>
    public override string Name => name;

    /// <inheritdoc/>
    public override string Summary => summary;

    /// <inheritdoc/>
    public override MagicModes Modes => MagicModes.Cell;

    /// <inheritdoc/>
    protected override void Declare(MagicDeclaration declaration) => declaration.TakesBody(MagicBodyKind.Text, bodyName, bodyHelp);

    /// <inheritdoc/>
    public override object? Run(MagicInvocation invocation, IMagicContext context) => content(invocation.Body);
}

/// <summary><c>%%html</c>: the cell's body is HTML, shown as is.</summary>
public sealed class HtmlMagic() : ContentMagic("html", "Render the cell as HTML.", "html", "The markup to show.",
                                               body => new HtmlContent(body));

/// <summary><c>%%javascript</c>: the cell's body is JavaScript, run by the front end.</summary>
public sealed class JavascriptMagic() : ContentMagic("javascript", "Run the cell as JavaScript in the front end (application/javascript).",
                                                     "script", "The JavaScript to run.", body => new JavaScriptContent(body));

/// <summary><c>%%markdown</c>: the cell's body is Markdown, rendered by the front end.</summary>
public sealed class MarkdownMagic() : ContentMagic("markdown", "Render the cell as Markdown (text/markdown).", "markdown",
                                                   "The Markdown to render.", body => new MarkdownContent(body));
