using Microsoft.CodeAnalysis.Scripting;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Commands;
using Microsoft.DotNet.Interactive.CSharp;
using Microsoft.DotNet.Interactive.Events;
using Phosphene.Notebook.Display;
using Phosphene.Notebook.Magics;

namespace Phosphene.Interactive;

/// <summary>
/// What magics see of a .NET Interactive C# kernel while a cell runs: its script state's variables, C# evaluated
/// against that state or submitted to the kernel (so declarations persist), variables bound in the kernel (so later
/// cells and <c>#!share</c> see them), and displays in the running cell. Called from a worker thread that carries
/// the cell's invocation context.
/// </summary>
internal sealed class InteractiveMagicContext(CSharpKernel kernel, KernelInvocationContext context, KernelCommand command) : IMagicContext
{
    public CancellationToken CancellationToken => context.CancellationToken;

    public TextWriter Out => Console.Out;

    public IReadOnlyList<SessionVariable> Variables
        => kernel.ScriptState is { } state
            ? state.Variables.GroupBy(v => v.Name).Select(g => g.Last()).Select(v => new SessionVariable(v.Name, v.Type, v.Value)).ToList()
            : [];

    public bool TryGetVariable(string name, out object? value)
    {
        var variable = kernel.ScriptState?.Variables.LastOrDefault(v => v.Name == name);
        value = variable?.Value;
        return variable is not null;
    }

    public object? Evaluate(string expression)
    {
        // Continues a copy of the kernel's script state: whatever the expression declares is dropped with the copy.
        try
        {
            var state = kernel.ScriptState is { } current
                ? current.ContinueWithAsync(expression, cancellationToken: CancellationToken).GetAwaiter().GetResult()
                : throw new SessionCodeException("InvalidOperation", "the C# kernel has not run a cell yet", ["the C# kernel has not run a cell yet"]);
            return state.Exception is { } e ? throw Failure(e) : state.ReturnValue;
        }
        catch (CompilationErrorException e)
        {
            var lines = e.Diagnostics.Select(d => d.ToString()).ToList();
            throw new SessionCodeException("CompilationError", lines.FirstOrDefault() ?? e.Message, lines);
        }
    }

    public CodeOutcome Run(string code)
    {
        var result = Submit(code);
        if (FailureOf(result) is { } failed)
            throw new SessionCodeException(failed.Exception?.GetType().Name ?? "Error", failed.Message, failed.Message.Split('\n'));
        var value = result.Events.OfType<ReturnValueProduced>().LastOrDefault();
        return new CodeOutcome(value is not null, value?.Value);
    }

    public void SetVariable(string name, object? value)
    {
        // Declared as the value's nearest public type, so members are usable in later cells without a cast.
        var type = value?.GetType();
        while (type is not null && !type.IsVisible)
            type = type.BaseType;
        kernel.SetValueAsync(name, value!, type ?? typeof(object)).GetAwaiter().GetResult();
    }

    public IDisplayHandle Display(object? value) => InteractiveDisplay.Show(context, command, value);

    // .NET Interactive has no clear_output; progress displays update in place through their handle instead.
    public void ClearOutput(bool wait = false) { }

    /// <summary>Runs <paramref name="code"/> in the C# kernel as a child of the running cell.</summary>
    public KernelCommandResult Submit(string code)
        => kernel.SendAsync(new SubmitCode(code, kernel.Name), CancellationToken).GetAwaiter().GetResult();

    /// <summary>The failure of a <see cref="Submit"/>, or null when the code ran.</summary>
    public static CommandFailed? FailureOf(KernelCommandResult result) => result.Events.OfType<CommandFailed>().FirstOrDefault();

    private static SessionCodeException Failure(Exception e)
        => new(e.GetType().Name, e.Message, [$"{e.GetType().Name}: {e.Message}"]);
}
