using Phosphene.Notebook.Magics;

namespace Phosphene.Kernel.Execution;

/// <summary>The kernel's side of a cell mixing C# and magic lines (<see cref="MixedCellRunner"/> runs it).</summary>
internal sealed class KernelCellPieces(ScriptSession script, ICellHost host, int count, CancellationToken token, Func<bool> isCurrent)
    : IMixedCellHost<CellResult>
{
    private readonly KernelMagicContext _context = new(script, host, count, token, isCurrent);

    public CellResult RunCode(string code) => script.Run(code, count, token, isCurrent);

    public bool Failed(CellResult result) => !result.Succeeded;

    public IMagicContext ContextFor(CellSegment segment)
    {
        // C# a magic runs reports errors at the cell's lines: a cell magic's body starts on the line after it.
        _context.CodeLine = segment.Kind == CellSegmentKind.CellMagic ? segment.FirstLine + 1 : segment.FirstLine;
        return _context;
    }

    public void Display(object value) => host.Display(value, null, update: false);

    public CellResult Value(object? value) => new(null, value is not null, value);

    public CellResult Error(string name, string message, IReadOnlyList<string> traceback) => new(new CellError(name, message, traceback), false, null);

    public CellResult Crash(Exception exception, string location)
    {
        var error = ErrorReport.FromException(exception);
        return new CellResult(error with { Traceback = [.. error.Traceback, location] }, false, null);
    }
}
