namespace Phosphene.Kernel.Protocol;

/// <summary>
/// The signatures of the last <see cref="Capacity"/> messages accepted, so a captured signed request sent again is
/// refused as jupyter_client's Session refuses it (its <c>digest_history</c>). Signatures are HMACs over the header,
/// whose message id and date are unique, so a genuine client never repeats one. Thread-safe; the oldest are forgotten first.
/// </summary>
public sealed class SignatureHistory
{
    /// <summary>How many signatures are remembered (jupyter_client keeps up to 65 536).</summary>
    public const int Capacity = 65_536;

    private readonly HashSet<string> _seen = [];
    private readonly Queue<string> _order = new();
    private readonly object _lock = new();

    /// <summary>Records <paramref name="signature"/>; false when it was seen before (a replay).</summary>
    public bool TryAdd(string signature)
    {
        lock (_lock)
        {
            if (!_seen.Add(signature))
                return false;
            _order.Enqueue(signature);
            if (_order.Count > Capacity)
                _seen.Remove(_order.Dequeue());
            return true;
        }
    }
}
