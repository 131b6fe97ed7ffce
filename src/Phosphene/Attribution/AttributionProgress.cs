namespace Phosphene.Attribution;

/// <summary>Progress of one attribution call: model evaluations done out of the total the method needs.</summary>
/// <param name="Method">The method's name, e.g. <c>rise</c>.</param>
/// <param name="Done">Forward (or forward + backward) passes done, counted in inputs.</param>
/// <param name="Total">Passes the call needs in all.</param>
public sealed record AttributionProgress(string Method, long Done, long Total)
{
    /// <summary>Fraction done in [0, 1].</summary>
    public double Fraction => Total == 0 ? 1 : (double)Done / Total;
}
