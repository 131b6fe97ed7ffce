using Phosphene.Notebook.Display;

namespace Phosphene.Notebook.Magics.Builtins;

/// <summary><c>%%html</c>: the cell's body is HTML, shown as is.</summary>
public sealed class HtmlMagic : Magic
{
    /// <inheritdoc/>
    public override string Name => "html";

    /// <inheritdoc/>
    public override string Summary => "Render the cell as HTML.";

    /// <inheritdoc/>
    public override MagicModes Modes => MagicModes.Cell;

    /// <inheritdoc/>
    protected override void Declare(MagicDeclaration declaration)
        => declaration.TakesBody(MagicBodyKind.Text, "html", "The markup to show.");

    /// <inheritdoc/>
    public override object? Run(MagicInvocation invocation, IMagicContext context) => new HtmlContent(invocation.Body);
}

/// <summary><c>%%javascript</c>: the cell's body is JavaScript, run by the front end.</summary>
public sealed class JavascriptMagic : Magic
{
    /// <inheritdoc/>
    public override string Name => "javascript";

    /// <inheritdoc/>
    public override string Summary => "Run the cell as JavaScript in the front end (application/javascript).";

    /// <inheritdoc/>
    public override MagicModes Modes => MagicModes.Cell;

    /// <inheritdoc/>
    protected override void Declare(MagicDeclaration declaration)
        => declaration.TakesBody(MagicBodyKind.Text, "script", "The JavaScript to run.");

    /// <inheritdoc/>
    public override object? Run(MagicInvocation invocation, IMagicContext context) => new JavaScriptContent(invocation.Body);
}

/// <summary><c>%%markdown</c>: the cell's body is Markdown, rendered by the front end.</summary>
public sealed class MarkdownMagic : Magic
{
    /// <inheritdoc/>
    public override string Name => "markdown";

    /// <inheritdoc/>
    public override string Summary => "Render the cell as Markdown (text/markdown).";

    /// <inheritdoc/>
    public override MagicModes Modes => MagicModes.Cell;

    /// <inheritdoc/>
    protected override void Declare(MagicDeclaration declaration)
        => declaration.TakesBody(MagicBodyKind.Text, "markdown", "The Markdown to render.");

    /// <inheritdoc/>
    public override object? Run(MagicInvocation invocation, IMagicContext context) => new MarkdownContent(invocation.Body);
}
