namespace Phosphene.Notebook.Magics;

/// <summary>Where a magic may be written.</summary>
[Flags]
public enum MagicModes
{
    /// <summary><c>%name …</c>: one line of a cell.</summary>
    Line = 1,
    /// <summary><c>%%name …</c>: the first line of a cell; the rest of the cell is the body.</summary>
    Cell = 2,
}

/// <summary>
/// A magic command: a name, a one-line summary, a declaration of its options (from which parsing, validation,
/// <c>--help</c> and completion are generated), and <see cref="Run"/>, which returns a typed result object that the
/// host displays and that <c>--as NAME</c> binds to a session variable (the last result is also <c>_</c>).
/// </summary>
/// <remarks>
/// Subclasses in this assembly with a public parameterless constructor are registered in
/// <see cref="MagicRegistry.Default"/> automatically; others call <see cref="MagicRegistry.Register"/>.
/// See <c>Magics/README.md</c> for a complete example.
/// </remarks>
public abstract class Magic
{
    private MagicDeclaration? _declaration;

    /// <summary>The name written after <c>%</c>: lowercase letters, digits and '-'.</summary>
    public abstract string Name { get; }

    /// <summary>One sentence for <c>%lsmagic</c> and the first line of <c>--help</c>.</summary>
    public abstract string Summary { get; }

    /// <summary>Whether the magic is a line magic, a cell magic, or both; default <see cref="MagicModes.Line"/>.</summary>
    public virtual MagicModes Modes => MagicModes.Line;

    /// <summary>The options, subcommands and body the magic accepts (built once from <see cref="Declare"/>).</summary>
    public MagicDeclaration Declaration
    {
        get
        {
            if (_declaration is null)
            {
                var declaration = new MagicDeclaration();
                Declare(declaration);
                _declaration = declaration;
            }
            return _declaration;
        }
    }

    /// <summary>Declares the options, subcommands and body; the default declares none.</summary>
    protected virtual void Declare(MagicDeclaration declaration) { }

    /// <summary>
    /// Runs the magic. Option values in <paramref name="invocation"/> are already parsed and validated against the
    /// declaration. Returns the result to display (null shows nothing). Throw <see cref="MagicException"/> (or
    /// <see cref="PhospheneException"/>) for bad input; the session's state is left as it was.
    /// </summary>
    public abstract object? Run(MagicInvocation invocation, IMagicContext context);

    /// <inheritdoc/>
    public override string ToString() => (Modes == MagicModes.Cell ? "%%" : "%") + Name;
}
