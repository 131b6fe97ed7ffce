namespace Phosphene.Sensitivity;

/// <summary>
/// The unscrambled Halton sequence (J. H. Halton, 1960, "On the efficiency of certain quasi-random sequences of points
/// in evaluating multi-dimensional integrals"): coordinate j of point n is the radical inverse of n in the j-th prime
/// base (2, 3, 5, …). Point for point the sequence of SciPy's <c>scipy.stats.qmc.Halton(d, scramble=False)</c>.
/// </summary>
/// <remarks>
/// Unscrambled Halton points are strongly correlated between high prime bases; prefer <see cref="SobolSequence"/>
/// beyond a few dozen dimensions.
/// </remarks>
public sealed class HaltonSequence : LowDiscrepancySequence
{
    readonly int[] _bases;

    /// <summary>Creates the sequence in <paramref name="dimensions"/> dimensions.</summary>
    /// <exception cref="PhospheneException"><paramref name="dimensions"/> is below 1.</exception>
    public HaltonSequence(int dimensions) : base(dimensions) => _bases = FirstPrimes(dimensions);

    /// <inheritdoc />
    protected override long MaxPoints => long.MaxValue;

    /// <inheritdoc />
    protected override void Fill(double[] values, long count, long skip)
    {
        int d = Dimensions;
        for (long k = 0; k < count; k++)
            for (int j = 0; j < d; j++)
                values[k * d + j] = RadicalInverse(skip + k, _bases[j]);
    }

    static double RadicalInverse(long index, int radix)
    {
        double result = 0, factor = 1;
        while (index > 0)
        {
            factor /= radix;
            result += factor * (index % radix);
            index /= radix;
        }
        return result;
    }

    static int[] FirstPrimes(int count)
    {
        var primes = new List<int>(count);
        for (int candidate = 2; primes.Count < count; candidate++)
            if (primes.TakeWhile(p => p * p <= candidate).All(p => candidate % p != 0)) primes.Add(candidate);
        return primes.ToArray();
    }
}
