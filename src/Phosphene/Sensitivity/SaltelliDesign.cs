using TorchSharp;
using static TorchSharp.torch;

namespace Phosphene.Sensitivity;

/// <summary>
/// The "pick-freeze" design of variance-based sensitivity analysis (A. Saltelli, 2002, "Making best use of model
/// evaluations to compute sensitivity indices"; A. Saltelli et al., 2010, "Variance based sensitivity analysis of model
/// output. Design and estimator for the total sensitivity index"): two independent N×d sample matrices A and B, and
/// for each input i the matrix A_B^(i), equal to A except for column i, taken from B.
/// </summary>
/// <remarks>
/// A and B are the first and last d coordinates of N points of a 2d-dimensional low-discrepancy sequence (the unscrambled
/// Sobol sequence by default, as in Fel et al. 2021). The model is evaluated on the stacked rows
/// <c>[A; B; A_B^(1); …; A_B^(d)]</c>, (d + 2)·N in all; <see cref="Rows"/> yields any slice of them so that the
/// evaluation can be batched without ever materialising the whole stack, and <see cref="Split"/> cuts the outputs
/// back into f(A), f(B) and f(A_B^(i)) for a <see cref="SobolEstimator"/>.
/// </remarks>
public sealed class SaltelliDesign
{
    readonly double[] _a, _b; // row-major N×d

    /// <summary>Builds the design for <paramref name="dimensions"/> inputs and <paramref name="designs"/> base samples N.</summary>
    /// <param name="dimensions">Number of inputs d (e.g. grid cells, concepts).</param>
    /// <param name="designs">Number of rows N of A and B; powers of two keep the Sobol points balanced.</param>
    /// <param name="sequence">A 2d-dimensional sequence; default <c>new SobolSequence(2·d)</c>.</param>
    /// <param name="skip">Index of the first sequence point used; default 0 (the origin, as Fel et al. do).</param>
    /// <exception cref="PhospheneException">Non-positive sizes, or a sequence whose dimension is not 2d.</exception>
    public SaltelliDesign(int dimensions, int designs, LowDiscrepancySequence? sequence = null, long skip = 0)
    {
        if (dimensions < 1) throw new PhospheneException($"a Saltelli design needs at least 1 input, got {dimensions}");
        if (designs < 2) throw new PhospheneException($"a Saltelli design needs at least 2 designs, got {designs}");
        sequence ??= new SobolSequence(2 * dimensions);
        if (sequence.Dimensions != 2 * dimensions)
            throw new PhospheneException(
                $"a Saltelli design for {dimensions} inputs needs a {2 * dimensions}-dimensional sequence, got {sequence.Dimensions}");
        Dimensions = dimensions;
        Designs = designs;
        _a = new double[designs * dimensions];
        _b = new double[designs * dimensions];
        using var points = sequence.Sample(designs, skip);
        var all = points.data<double>().ToArray();
        for (int n = 0; n < designs; n++)
        {
            Array.Copy(all, n * 2 * dimensions, _a, n * dimensions, dimensions);
            Array.Copy(all, n * 2 * dimensions + dimensions, _b, n * dimensions, dimensions);
        }
    }

    /// <summary>Number of inputs d.</summary>
    public int Dimensions { get; }

    /// <summary>Number of base samples N (rows of A and of B).</summary>
    public int Designs { get; }

    /// <summary>Total number of model evaluations, (d + 2)·N.</summary>
    public long RowCount => (long)(Dimensions + 2) * Designs;

    /// <summary>The matrix A, float64 N×d.</summary>
    public Tensor A() => tensor(_a, [Designs, Dimensions], ScalarType.Float64);

    /// <summary>The matrix B, float64 N×d.</summary>
    public Tensor B() => tensor(_b, [Designs, Dimensions], ScalarType.Float64);

    /// <summary>A_B^(i): A with column <paramref name="input"/> (0-based) replaced by B's, float64 N×d.</summary>
    /// <exception cref="PhospheneException"><paramref name="input"/> is outside 0 … d − 1.</exception>
    public Tensor AB(int input)
    {
        if (input < 0 || input >= Dimensions)
            throw new PhospheneException($"input index must be in 0 … {Dimensions - 1}, got {input}");
        return Rows((long)(2 + input) * Designs, Designs);
    }

    /// <summary>
    /// Rows <paramref name="start"/> … <paramref name="start"/> + <paramref name="count"/> − 1 of the stacked design
    /// <c>[A; B; A_B^(1); …; A_B^(d)]</c>, float64 count×d, built on demand.
    /// </summary>
    /// <exception cref="PhospheneException">The range is outside 0 … <see cref="RowCount"/>.</exception>
    public Tensor Rows(long start, long count)
    {
        if (start < 0 || count < 0 || start + count > RowCount)
            throw new PhospheneException($"rows {start} … {start + count - 1} are outside the design's {RowCount} rows");
        int d = Dimensions;
        var values = new double[count * d];
        for (long r = 0; r < count; r++)
        {
            long row = start + r;
            int block = (int)(row / Designs), n = (int)(row % Designs);
            var source = block == 1 ? _b : _a;
            Array.Copy(source, n * d, values, r * d, d);
            if (block >= 2) values[r * d + block - 2] = _b[n * d + block - 2];
        }
        return tensor(values, [count, d], ScalarType.Float64);
    }

    /// <summary>The whole stacked design, float64 (d + 2)·N × d; use <see cref="Rows"/> to batch instead.</summary>
    public Tensor Stacked() => Rows(0, RowCount);

    /// <summary>
    /// Cuts model outputs on the stacked design back into f(A), f(B) and f(A_B^(i)).
    /// </summary>
    /// <param name="outputs">[…, (d + 2)·N]: any leading dimensions (e.g. one per image), the stacked rows last.</param>
    /// <returns>f(A) […, N], f(B) […, N] and f(A_B) […, d, N] (views of <paramref name="outputs"/>).</returns>
    /// <exception cref="PhospheneException">The last dimension is not (d + 2)·N.</exception>
    public (Tensor FA, Tensor FB, Tensor FAB) Split(Tensor outputs)
    {
        if (outputs.dim() < 1 || outputs.shape[^1] != RowCount)
            throw new PhospheneException(
                $"outputs of this design must end in a dimension of (d + 2)·N = {RowCount}, got [{string.Join(", ", outputs.shape)}]");
        long[] lead = outputs.shape[..^1];
        var fA = outputs.narrow(-1, 0, Designs);
        var fB = outputs.narrow(-1, Designs, Designs);
        var fAB = outputs.narrow(-1, 2L * Designs, (long)Dimensions * Designs).reshape([.. lead, Dimensions, Designs]);
        return (fA, fB, fAB);
    }
}
