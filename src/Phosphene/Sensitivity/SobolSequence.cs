using System.Numerics;

namespace Phosphene.Sensitivity;

/// <summary>
/// The unscrambled Sobol sequence (I. M. Sobol', 1967, "On the distribution of points in a cube and the approximate
/// evaluation of integrals") with Joe and Kuo's direction numbers <c>new-joe-kuo-6.21201</c> (S. Joe and F. Y. Kuo,
/// 2008, "Constructing Sobol sequences with better two-dimensional projections"), in Gray-code order (Antonov and
/// Saleev, 1979): point for point the sequence of SciPy's <c>scipy.stats.qmc.Sobol(d, scramble=False)</c>.
/// </summary>
/// <remarks>
/// Up to <see cref="MaxDimensions"/> (1024) dimensions and 2^32 points, each a multiple of 2^−32. Balance
/// properties hold for counts that are powers of two starting at index 0 (which is the origin).
/// </remarks>
public sealed class SobolSequence : LowDiscrepancySequence
{
    const int Bits = 32;

    /// <summary>Largest supported dimension (the embedded direction-number table's size).</summary>
    public const int MaxDimensions = SobolDirectionNumbers.MaxDimensions;

    static readonly Lazy<int[][]> InitialNumbers = new(ParseTable);
    readonly uint[][] _directions; // [dimension][bit]: v_{bit+1} scaled to 32 bits

    /// <summary>Creates the sequence in <paramref name="dimensions"/> dimensions.</summary>
    /// <exception cref="PhospheneException"><paramref name="dimensions"/> is outside 1 … 1024.</exception>
    public SobolSequence(int dimensions) : base(dimensions)
    {
        if (dimensions > MaxDimensions)
            throw new PhospheneException(
                $"the Sobol sequence supports 1 to {MaxDimensions} dimensions (embedded Joe–Kuo table), got {dimensions}; " +
                "use HaltonSequence or fewer dimensions (e.g. a coarser grid)");
        _directions = new uint[dimensions][];
        _directions[0] = new uint[Bits];
        for (int k = 0; k < Bits; k++) _directions[0][k] = 1u << (Bits - 1 - k);
        var table = InitialNumbers.Value;
        for (int j = 1; j < dimensions; j++) _directions[j] = Directions(table[j - 1]);
    }

    /// <inheritdoc />
    protected override long MaxPoints => 1L << Bits;

    /// <inheritdoc />
    protected override void Fill(double[] values, long count, long skip)
    {
        int d = Dimensions;
        var state = new uint[d];
        // Fast-forward: in Gray-code order point n is the XOR of the direction numbers of gray(n)'s set bits.
        ulong gray = (ulong)skip ^ ((ulong)skip >> 1);
        for (int bit = 0; gray != 0; bit++, gray >>= 1)
            if ((gray & 1) != 0)
                for (int j = 0; j < d; j++) state[j] ^= _directions[j][bit];
        const double scale = 1.0 / (1L << Bits);
        for (long k = 0; k < count; k++)
        {
            long offset = k * d;
            for (int j = 0; j < d; j++) values[offset + j] = state[j] * scale;
            // Next point: flip the direction number of the lowest zero bit of the current index.
            int bit = BitOperations.TrailingZeroCount((ulong)(skip + k + 1));
            if (bit < Bits)
                for (int j = 0; j < d; j++) state[j] ^= _directions[j][bit];
        }
    }

    static uint[] Directions(int[] entry)
    {
        // entry = [s, a, m_1 … m_s]; recurrence from Bratley and Fox (1988) as in Joe and Kuo's reference generator.
        int s = entry[0], a = entry[1];
        var v = new uint[Bits];
        for (int k = 0; k < Math.Min(s, Bits); k++) v[k] = (uint)entry[2 + k] << (Bits - 1 - k);
        for (int k = s; k < Bits; k++)
        {
            uint value = v[k - s] ^ (v[k - s] >> s);
            for (int l = 1; l < s; l++)
                if (((a >> (s - 1 - l)) & 1) != 0) value ^= v[k - l];
            v[k] = value;
        }
        return v;
    }

    static int[][] ParseTable() =>
        SobolDirectionNumbers.Table.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split(' ').Select(int.Parse).ToArray())
            .ToArray();
}
