namespace Phosphene.Kernel.Execution;

/// <summary>
/// The interrupt flag of the running cell. The kernel rewrites every loop in a cell to call
/// <see cref="ThrowIfRequested"/> at the top of its body, so a runaway loop in user code stops on interrupt
/// without the thread having to be killed.
/// </summary>
public static class CellInterruption
{
    private static volatile CancellationTokenSource _current = new();

    /// <summary>The token of the running cell; cancelled when the user interrupts.</summary>
    public static CancellationToken Token => _current.Token;

    /// <summary>Throws <see cref="CellInterruptedException"/> when the running cell has been interrupted.</summary>
    public static void ThrowIfRequested()
    {
        if (_current.IsCancellationRequested)
            throw new CellInterruptedException();
    }

    /// <summary>Starts a new cell: a fresh token that is not cancelled.</summary>
    internal static CancellationToken Begin()
    {
        var next = new CancellationTokenSource();
        Interlocked.Exchange(ref _current, next).Dispose();
        return next.Token;
    }

    /// <summary>Marks the running cell interrupted.</summary>
    internal static void Request()
    {
        try
        {
            _current.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The cell ended between the request and the cancel: nothing left to interrupt.
        }
    }
}

/// <summary>Thrown inside user code when the user interrupts the cell.</summary>
public sealed class CellInterruptedException : OperationCanceledException
{
    /// <summary>Creates the exception with the standard message.</summary>
    public CellInterruptedException() : base("The cell was interrupted.") { }
}
