using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Commands;
using Microsoft.DotNet.Interactive.CSharp;
using Microsoft.DotNet.Interactive.Events;
using Phosphene.Notebook.Magics;

namespace Phosphene.Interactive;

/// <summary>
/// Runs the pieces of a C# cell that holds Phosphene magic lines (<c>%attribute …</c>, <c>%%timeit</c>) in .NET
/// Interactive: C# pieces as child submissions of the cell to the C# kernel, magic lines through the registry, in the
/// order and with the errors <see cref="MixedCellRunner"/> gives every host.
/// </summary>
internal sealed class InteractiveCellPieces(CSharpKernel kernel, KernelInvocationContext context, KernelCommand cell) : IMixedCellHost<InteractiveCellPieces.Outcome>
{
    /// <summary>A piece's outcome: failed (with the error already shown), or a value to show as the cell's.</summary>
    public sealed record Outcome(bool Failed, string? Error = null, object? Value = null);

    private readonly InteractiveMagicContext _magics = new(kernel, context, cell);

    public Outcome RunCode(string code)
    {
        var result = _magics.Submit(code);
        return InteractiveMagicContext.FailureOf(result) is { } failed ? new Outcome(true, failed.Message) : new Outcome(false);
    }

    public bool Failed(Outcome result) => result.Failed;

    public IMagicContext ContextFor(CellSegment segment) => _magics;

    public void Display(object value) => InteractiveDisplay.Show(context, cell, value);

    public Outcome Value(object? value) => new(false, Value: value);

    public Outcome Error(string name, string message, IReadOnlyList<string> traceback) => new(true, string.Join("\n", traceback));

    public Outcome Crash(Exception exception, string location)
        => new(true, $"{exception.GetType().Name}: {exception.Message}\n{location}");

    /// <summary>Ends the cell: shows its value, or fails it with the error (the kernel then reports an error reply).</summary>
    public void Complete(Outcome outcome)
    {
        if (outcome.Failed)
            context.Fail(cell, message: outcome.Error ?? "the cell failed");
        else if (outcome.Value is not null)
            context.Publish(new ReturnValueProduced(outcome.Value, cell, InteractiveDisplay.Format(outcome.Value)));
    }
}
