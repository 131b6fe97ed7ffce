using Phosphene.Notebook.Display;

namespace Phosphene.Notebook.Magics;

/// <summary>A variable of the session: its name, declared type and current value.</summary>
/// <param name="Name">The C# name.</param>
/// <param name="Type">The declared type.</param>
/// <param name="Value">The current value.</param>
public sealed record SessionVariable(string Name, Type Type, object? Value);

/// <summary>The outcome of C# code run in the session by a magic.</summary>
/// <param name="HasValue">True when the code ended in an expression with a value (which may be null).</param>
/// <param name="Value">That value.</param>
public sealed record CodeOutcome(bool HasValue, object? Value);

/// <summary>
/// What a magic can ask of the notebook host it runs in (the Phosphene kernel implements it; another host, such as
/// a .NET Interactive extension, can too). Members are called on the thread that runs the cell.
/// </summary>
public interface IMagicContext : IDisplayTarget
{
    /// <summary>Cancelled when the user interrupts the cell; long magics pass it on and stop promptly.</summary>
    CancellationToken CancellationToken { get; }

    /// <summary>The cell's standard output (a stream output in Jupyter).</summary>
    TextWriter Out { get; }

    /// <summary>The session's variables, each name once (its latest declaration), in declaration order.</summary>
    IReadOnlyList<SessionVariable> Variables { get; }

    /// <summary>The value of the session variable <paramref name="name"/>, if it exists.</summary>
    bool TryGetVariable(string name, out object? value);

    /// <summary>Evaluates a C# expression against the session without keeping anything it declares.</summary>
    /// <exception cref="SessionCodeException">The expression does not compile or throws.</exception>
    object? Evaluate(string expression);

    /// <summary>Runs C# statements in the session as the cell would: variables they declare are kept.</summary>
    /// <exception cref="SessionCodeException">The code does not compile or throws.</exception>
    CodeOutcome Run(string code);

    /// <summary>Declares (or replaces) the session variable <paramref name="name"/> holding <paramref name="value"/>.</summary>
    void SetVariable(string name, object? value);
}
