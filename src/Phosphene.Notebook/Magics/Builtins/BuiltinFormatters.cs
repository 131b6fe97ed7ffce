using Phosphene.Notebook.Display;

namespace Phosphene.Notebook.Magics.Builtins;

/// <summary>The displays of the built-in magics' results (registered with the others, so Display needs no magic types).</summary>
public sealed class BuiltinFormatters : IFormatterSet
{
    /// <inheritdoc/>
    public void Register() => NotebookFormatter.RegisterHtml<VariableListing>(v => v.ToHtml());
}
