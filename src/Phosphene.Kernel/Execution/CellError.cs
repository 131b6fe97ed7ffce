namespace Phosphene.Kernel.Execution;

/// <summary>What a failing cell reports: the Jupyter <c>error</c> message's ename, evalue and traceback lines.</summary>
/// <param name="Name">Exception type name, or <c>CompilationError</c>.</param>
/// <param name="Value">The message.</param>
/// <param name="Traceback">Lines to show: the message, then the user's frames with cell and line numbers.</param>
public sealed record CellError(string Name, string Value, IReadOnlyList<string> Traceback);

/// <summary>The outcome of running one cell.</summary>
/// <param name="Error">Set when the cell failed to compile or threw.</param>
/// <param name="HasValue">True when the cell ended in an expression with a value (which may be null).</param>
/// <param name="Value">That value.</param>
public sealed record CellResult(CellError? Error, bool HasValue, object? Value)
{
    /// <summary>A cell that ran to the end.</summary>
    public bool Succeeded => Error is null;
}
