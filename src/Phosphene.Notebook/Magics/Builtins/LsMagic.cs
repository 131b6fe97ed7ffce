using System.Text;

namespace Phosphene.Notebook.Magics.Builtins;

/// <summary><c>%lsmagic</c>: lists the registered line and cell magics with their summaries.</summary>
public sealed class LsMagic : Magic
{
    private readonly MagicRegistry? _registry;

    /// <summary>Lists the magics of <see cref="MagicRegistry.Default"/>.</summary>
    public LsMagic() { }

    /// <summary>Lists the magics of <paramref name="registry"/>.</summary>
    public LsMagic(MagicRegistry registry) => _registry = registry;

    /// <inheritdoc/>
    public override string Name => "lsmagic";

    /// <inheritdoc/>
    public override string Summary => "List the available line magics (%name) and cell magics (%%name).";

    /// <inheritdoc/>
    public override object? Run(MagicInvocation invocation, IMagicContext context)
    {
        var magics = (_registry ?? MagicRegistry.Default).Magics;
        return new MagicList(
            magics.Where(m => m.Modes.HasFlag(MagicModes.Line)).Select(m => ("%" + m.Name, m.Summary)).ToList(),
            magics.Where(m => m.Modes.HasFlag(MagicModes.Cell)).Select(m => ("%%" + m.Name, m.Summary)).ToList());
    }
}

/// <summary>The result of <c>%lsmagic</c>: line magics and cell magics with their summaries.</summary>
/// <param name="LineMagics">(<c>%name</c>, summary) pairs.</param>
/// <param name="CellMagics">(<c>%%name</c>, summary) pairs.</param>
public sealed record MagicList(IReadOnlyList<(string Name, string Summary)> LineMagics, IReadOnlyList<(string Name, string Summary)> CellMagics)
{
    /// <inheritdoc/>
    public override string ToString()
    {
        var width = LineMagics.Concat(CellMagics).Select(m => m.Name.Length).DefaultIfEmpty(0).Max() + 2;
        var text = new StringBuilder("Line magics:\n");
        foreach (var (name, summary) in LineMagics)
            text.Append("  ").Append(name.PadRight(width)).Append(summary).Append('\n');
        text.Append("\nCell magics:\n");
        foreach (var (name, summary) in CellMagics)
            text.Append("  ").Append(name.PadRight(width)).Append(summary).Append('\n');
        text.Append("\n%name --help (or %name?) shows a magic's options.");
        return text.ToString();
    }
}
