using static TorchSharp.torch;

namespace Phosphene;

/// <summary>
/// Exclusive, seeded use of TorchSharp's global random generator, for the work that cannot take a generator of its
/// own: TorchSharp's module constructors draw their initial weights from it, and <c>nn.Dropout</c> its masks. Opening
/// a scope waits for any other thread's scope to close, saves the generator's state and seeds it; disposing restores
/// the saved state and lets the next thread in. So equal seeds give equal weights even when tests or threads build
/// and train models at the same time, and a caller's own global random stream is left as it was.
/// </summary>
/// <remarks>
/// Scopes nest on one thread (the lock is re-entrant). Dispose on the thread that opened the scope, as a
/// <c>using</c> statement does.
/// </remarks>
public sealed class GlobalRandomScope : IDisposable
{
    static readonly object Gate = new();
    readonly Tensor _savedState;
    bool _disposed;

    GlobalRandomScope(long seed)
    {
        _savedState = get_rng_state().DetachFromDisposeScope();
        manual_seed(seed);
    }

    /// <summary>Waits for exclusive use of the global generator, then seeds it with <paramref name="seed"/>.</summary>
    /// <param name="seed">The seed for everything drawn from the global generator inside the scope.</param>
    /// <param name="cancellation">Stops the wait (another thread may hold the generator through a long training run).</param>
    /// <exception cref="OperationCanceledException">Cancelled while waiting.</exception>
    public static GlobalRandomScope Seed(long seed, CancellationToken cancellation = default)
    {
        while (!Monitor.TryEnter(Gate, TimeSpan.FromMilliseconds(100)))
            cancellation.ThrowIfCancellationRequested();
        try
        {
            return new GlobalRandomScope(seed);
        }
        catch
        {
            Monitor.Exit(Gate);
            throw;
        }
    }

    /// <summary>Restores the global generator's state from before the scope and releases it to other threads.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        try
        {
            set_rng_state(_savedState);
            _savedState.Dispose();
        }
        finally
        {
            Monitor.Exit(Gate);
        }
    }
}
