using System.Globalization;
using Microsoft.Data.Analysis;
using Phosphene.Probing;
using static TorchSharp.torch;

namespace Phosphene.Notebook.Magics;

/// <summary>Tables (DataFrames) to tensors: wide (one numeric column per target) and long (stimulus, target, trial, response).</summary>
internal static class TabularValues
{
    /// <summary>The numeric columns of <paramref name="frame"/> as a float32 N×D tensor.</summary>
    public static Tensor FromWideFrame(DataFrame frame, string what)
    {
        var numeric = frame.Columns.Where(c => c.IsNumericColumn()).ToArray();
        if (numeric.Length == 0)
            throw new MagicException($"{what}: the DataFrame has no numeric columns; give one numeric column per feature or target");
        long n = frame.Rows.Count;
        var data = new float[n * numeric.Length];
        for (int j = 0; j < numeric.Length; j++)
            for (long i = 0; i < n; i++)
                data[i * numeric.Length + j] = numeric[j][i] is { } v
                    ? Convert.ToSingle(v, CultureInfo.InvariantCulture)
                    : throw new MagicException($"{what}: the DataFrame has a missing value in column '{numeric[j].Name}', row {i}; fill or drop it");
        return tensor(data, [n, numeric.Length]);
    }

    /// <summary>The stimulus, target, trial and response columns of a long DataFrame (any case), or null when it is wide.</summary>
    public static DataFrameColumn[]? LongColumns(DataFrame frame, string what)
    {
        var byName = frame.Columns.GroupBy(c => c.Name.Trim().ToLowerInvariant()).ToDictionary(g => g.Key, g => g.First());
        var found = NeuralPredictivity.LongColumns.Select(n => byName.GetValueOrDefault(n)).ToArray();
        if (found.Any(c => c is null))
            return null;
        foreach (var c in found)
            if (!c!.IsNumericColumn())
                throw new MagicException($"{what}: the DataFrame has a non-numeric '{c.Name}' column; long responses need numbers in stimulus, target, trial and response");
        return found!;
    }

    /// <summary>A long DataFrame as N×T×R responses (trials last).</summary>
    public static Tensor FromLongFrame(DataFrame frame, DataFrameColumn[] columns, string what)
        => NeuralPredictivity.FromLongTable(Indices(frame, columns[0], what), Indices(frame, columns[1], what),
                                            Indices(frame, columns[2], what), Values(frame, columns[3], what), "the DataFrame");

    private static long[] Indices(DataFrame frame, DataFrameColumn column, string what)
    {
        var values = Values(frame, column, what);
        var result = new long[values.Length];
        for (int i = 0; i < values.Length; i++)
            result[i] = values[i] == Math.Floor(values[i]) && Math.Abs(values[i]) < 1e15
                ? (long)values[i]
                : throw new MagicException($"{what}: the DataFrame has {values[i].ToString(CultureInfo.InvariantCulture)} in column '{column.Name}', row {i}; it must be a 0-based integer index");
        return result;
    }

    private static double[] Values(DataFrame frame, DataFrameColumn column, string what)
    {
        var result = new double[frame.Rows.Count];
        for (long i = 0; i < result.Length; i++)
            result[i] = column[i] is { } v
                ? Convert.ToDouble(v, CultureInfo.InvariantCulture)
                : throw new MagicException($"{what}: the DataFrame has a missing value in column '{column.Name}', row {i}; fill or drop it");
        return result;
    }
}
