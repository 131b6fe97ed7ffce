using Phosphene.Notebook.Display;

namespace Phosphene.Kernel.Execution;

/// <summary>
/// Members every cell can use without qualification. The lowercase names follow Jupyter's own
/// (<c>display</c>, <c>clear_output</c>) so notebooks read the same as in other kernels.
/// </summary>
public sealed class CellGlobals : IDisplayTarget
{
    private readonly ICellHost _host;

    /// <summary>Creates the globals for cells run under <paramref name="host"/>.</summary>
    public CellGlobals(ICellHost host) => _host = host;

    /// <summary>Cancelled when the user interrupts the running cell; pass it to long operations.</summary>
    public CancellationToken CancellationToken => CellInterruption.Token;

    /// <summary>Shows <paramref name="value"/> now (every MIME type it has a formatter for) and returns a handle that can replace it.</summary>
#pragma warning disable IDE1006 // Jupyter's names, on purpose.
    public DisplayHandle display(object? value)
    {
        var handle = new DisplayHandle(_host, Guid.NewGuid().ToString("N"));
        _host.Display(value, handle.Id, update: false);
        return handle;
    }

    /// <summary>Clears this cell's output; with <paramref name="wait"/>, only when the next output arrives (no flicker).</summary>
    public void clear_output(bool wait = false) => _host.ClearOutput(wait);

    /// <summary>
    /// Shows a progress bar called <paramref name="label"/> for <paramref name="total"/> steps (0 when unknown) that
    /// updates in place; pass it as the <c>IProgress&lt;T&gt;</c> of long operations.
    /// </summary>
    public ProgressDisplay progress(string label, long total = 0) => ProgressDisplay.Show(this, label, total);
#pragma warning restore IDE1006

    IDisplayHandle IDisplayTarget.Display(object? value) => display(value);

    void IDisplayTarget.ClearOutput(bool wait) => clear_output(wait);

    // Hands a magic's result to the submission that binds it to a session variable (--as NAME, and _). One kernel
    // process has one session, and only the cell's thread binds.
    internal static object? PendingBinding { get; set; }

    /// <summary>Used by the kernel to bind magic results to variables; not for user code (hidden from completion).</summary>
    [System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Style", "IDE1006", Justification = "The __ prefix keeps it out of the users' way.")]
    public object? __TakeBinding()
    {
        var value = PendingBinding;
        PendingBinding = null;
        return value;
    }
}

/// <summary>A shown output that can be replaced in place (Jupyter <c>update_display_data</c>).</summary>
public sealed class DisplayHandle : IDisplayHandle
{
    private readonly ICellHost _host;

    internal DisplayHandle(ICellHost host, string id)
    {
        _host = host;
        Id = id;
    }

    /// <summary>The display id shared by the output and its updates.</summary>
    public string Id { get; }

    /// <summary>Replaces the output with <paramref name="value"/>, wherever it is shown.</summary>
    public void Update(object? value) => _host.Display(value, Id, update: true);

    /// <inheritdoc/>
    public override string ToString() => $"DisplayHandle {Id}";
}
