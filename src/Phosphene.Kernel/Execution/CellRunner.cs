namespace Phosphene.Kernel.Execution;

/// <summary>
/// Runs each cell on a worker thread so the kernel stays responsive, and interrupts it on request: the cell's token
/// is cancelled, its loops stop at their next iteration, a blocking wait (Sleep, Join, Wait) is broken, and a cell
/// that still does not stop within the grace period is abandoned. One worker thread serves cell after cell (starting
/// a thread per cell cost a thread creation and an extra scheduler wake-up on every execute); an abandoned cell keeps
/// its thread, and the next cell gets a new one.
/// </summary>
internal sealed class CellRunner
{
    private readonly TimeSpan _gracePeriod;
    private readonly object _interruptLock = new();
    private Worker? _worker;
    private volatile Worker? _running;
    private volatile bool _interrupted;
    private int _generation;

    /// <summary>Creates a runner that abandons an interrupted cell after <paramref name="gracePeriod"/>.</summary>
    public CellRunner(TimeSpan gracePeriod) => _gracePeriod = gracePeriod;

    /// <summary>
    /// Runs <paramref name="cell"/> on the worker thread and waits for it. The function receives the cell's
    /// cancellation token and a predicate that stays true while the cell is the current one (false once abandoned).
    /// </summary>
    public CellResult Run(Func<CancellationToken, Func<bool>, CellResult> cell)
    {
        var token = CellInterruption.Begin();
        var generation = Interlocked.Increment(ref _generation);
        _interrupted = false;
        var worker = _worker ??= new Worker(this);
        var job = new Job(() => cell(token, () => Volatile.Read(ref _generation) == generation));
        lock (_interruptLock)
            _running = worker;
        worker.Start(job);
        // Waits without spinning: a cell takes milliseconds at least, and on a small shared machine a spinning waiter
        // takes the CPU the cell needs.
        while (!job.Done.Wait(TimeSpan.FromMilliseconds(100)))
        {
            if (_interrupted && !job.Done.Wait(_gracePeriod))
            {
                lock (_interruptLock)
                {
                    // The cell may have ended between the wait and the lock: then it is not abandoned.
                    if (_running != worker)
                        continue;
                    worker.Abandoned = true;
                    _running = null;
                }
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
        job.Done.Dispose();
        return job.Result!;
    }

    /// <summary>Interrupts the running cell, if any.</summary>
    public void Interrupt()
    {
        lock (_interruptLock)
        {
            if (_running is not { } worker)
                return;
            _interrupted = true;
            CellInterruption.Request();
            worker.Thread.Interrupt();
        }
    }

    private sealed class Job(Func<CellResult> run)
    {
        public Func<CellResult> Run { get; } = run;
        public ManualResetEventSlim Done { get; } = new(false, spinCount: 0);
        public CellResult? Result { get; set; }
    }

    // A thread that runs the cells handed to it one at a time, until it is abandoned.
    private sealed class Worker
    {
        private readonly CellRunner _runner;
        private readonly ManualResetEventSlim _ready = new(false, spinCount: 0);
        private Job? _job;

        public Worker(CellRunner runner)
        {
            _runner = runner;
            Thread = new Thread(Loop, maxStackSize: 16 * 1024 * 1024) { IsBackground = true, Name = "cells" };
            Thread.Start();
        }

        public Thread Thread { get; }

        /// <summary>Set under the runner's interrupt lock when the runner gave up on this worker's cell.</summary>
        public bool Abandoned { get; set; }

        public void Start(Job job)
        {
            _job = job;
            _ready.Set();
        }

        private void Loop()
        {
            while (true)
            {
                try
                {
                    _ready.Wait();
                }
                catch (ThreadInterruptedException)
                {
                    // An interrupt that came before the cell started: its token is cancelled, which is what stops it.
                    continue;
                }
                _ready.Reset();
                var job = _job!;
                _job = null;
                try
                {
                    job.Result = job.Run();
                }
                catch (Exception e)
                {
                    job.Result = new CellResult(ErrorReport.FromException(e), false, null);
                }
                bool abandoned;
                lock (_runner._interruptLock)
                {
                    abandoned = Abandoned;
                    if (!abandoned)
                        _runner._running = null;
                }
                // No interrupt is delivered to this thread from here on; one that arrived after the cell's last
                // blocking wait is still pending and would break the next cell's first wait: consume it now.
                try
                {
                    Thread.Sleep(0);
                }
                catch (ThreadInterruptedException)
                {
                }
                job.Done.Set();
                if (abandoned)
                    return;
            }
        }
    }
}
