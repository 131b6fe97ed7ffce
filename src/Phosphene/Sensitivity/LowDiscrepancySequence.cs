using TorchSharp;
using static TorchSharp.torch;

namespace Phosphene.Sensitivity;

/// <summary>
/// A deterministic low-discrepancy (quasi-Monte-Carlo) sequence of points in the unit hypercube [0, 1)^d, unscrambled:
/// the same dimension always gives the same points, so no seed is needed.
/// </summary>
public abstract class LowDiscrepancySequence
{
    /// <summary>Creates the base for a sequence of <paramref name="dimensions"/>-dimensional points.</summary>
    /// <exception cref="PhospheneException"><paramref name="dimensions"/> is below 1.</exception>
    protected LowDiscrepancySequence(int dimensions)
    {
        if (dimensions < 1)
            throw new PhospheneException($"a low-discrepancy sequence needs at least 1 dimension, got {dimensions}");
        Dimensions = dimensions;
    }

    /// <summary>The dimension d of every point.</summary>
    public int Dimensions { get; }

    /// <summary>
    /// Points <paramref name="skip"/> to <paramref name="skip"/> + <paramref name="count"/> − 1 of the sequence
    /// (the first point, index 0, is the origin for both Sobol and Halton).
    /// </summary>
    /// <returns>float64 <paramref name="count"/>×d tensor, row k being point <paramref name="skip"/> + k.</returns>
    /// <exception cref="PhospheneException">A negative count or skip, or more points than the sequence defines.</exception>
    public Tensor Sample(long count, long skip = 0)
    {
        if (count < 0 || skip < 0)
            throw new PhospheneException($"sample count and skip must be non-negative, got count {count}, skip {skip}");
        if (count > MaxPoints - skip)
            throw new PhospheneException(
                $"{GetType().Name} defines {MaxPoints} points; points {skip} to {skip + count - 1} were asked for");
        if (count * Dimensions > int.MaxValue)
            throw new PhospheneException(
                $"{count}×{Dimensions} points do not fit one tensor; draw them in chunks with the skip argument");
        var values = new double[count * Dimensions];
        Fill(values, count, skip);
        return tensor(values, [count, Dimensions], ScalarType.Float64);
    }

    /// <summary>Number of distinct points the sequence defines (index bound, exclusive).</summary>
    protected abstract long MaxPoints { get; }

    /// <summary>Writes points <paramref name="skip"/> … <paramref name="skip"/> + <paramref name="count"/> − 1 row-major into <paramref name="values"/>.</summary>
    protected abstract void Fill(double[] values, long count, long skip);
}
