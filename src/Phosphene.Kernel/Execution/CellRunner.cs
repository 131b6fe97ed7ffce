namespace Phosphene.Kernel.Execution;

/// <summary>
/// Runs each cell on its own worker thread so the kernel stays responsive, and interrupts it on request:
/// the cell's token is cancelled, its loops stop at their next iteration, a blocking wait (Sleep, Join, Wait)
/// is broken, and a cell that still does not stop within the grace period is abandoned.
/// </summary>
internal sealed class CellRunner
{
    private readonly TimeSpan _gracePeriod;
    private volatile Thread? _worker;
    private volatile bool _interrupted;
    private int _generation;

    /// <summary>Creates a runner that abandons an interrupted cell after <paramref name="gracePeriod"/>.</summary>
    public CellRunner(TimeSpan gracePeriod) => _gracePeriod = gracePeriod;

    /// <summary>
    /// Runs <paramref name="cell"/> on a new worker thread and waits for it. The function receives the cell's
    /// cancellation token and a predicate that stays true while the cell is the current one (false once abandoned).
    /// </summary>
    public CellResult Run(Func<CancellationToken, Func<bool>, CellResult> cell)
    {
        var token = CellInterruption.Begin();
        var generation = Interlocked.Increment(ref _generation);
        _interrupted = false;
        CellResult? result = null;
        using var done = new ManualResetEventSlim();
        var worker = new Thread(() =>
        {
            try
            {
                result = cell(token, () => Volatile.Read(ref _generation) == generation);
            }
            catch (Exception e)
            {
                result = new CellResult(ErrorReport.FromException(e), false, null);
            }
            finally
            {
                done.Set();
            }
        }, maxStackSize: 16 * 1024 * 1024) { IsBackground = true, Name = $"cell {generation}" };
        _worker = worker;
        worker.Start();
        while (!done.Wait(TimeSpan.FromMilliseconds(100)))
        {
            if (_interrupted && !done.Wait(_gracePeriod))
            {
                Interlocked.Increment(ref _generation);
                _worker = null;
                return new CellResult(new CellError("CellAbandoned",
                    $"The cell did not stop within {_gracePeriod.TotalSeconds:0.#} s of the interrupt and was abandoned.",
                    [
                        $"CellAbandoned: the cell did not stop within {_gracePeriod.TotalSeconds:0.#} s of the interrupt.",
                        "It may still be running in the background (native code or a wait that ignores interrupts),",
                        "and objects it was changing may be left half-updated. Variables the cell declares are not kept;",
                        "earlier cells' variables are. Restart the kernel if it keeps using CPU.",
                    ]), false, null);
            }
        }
        _worker = null;
        return result!;
    }

    /// <summary>Interrupts the running cell, if any.</summary>
    public void Interrupt()
    {
        var worker = _worker;
        if (worker is null)
            return;
        _interrupted = true;
        CellInterruption.Request();
        worker.Interrupt();
    }
}
