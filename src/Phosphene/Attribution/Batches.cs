namespace Phosphene.Attribution;

/// <summary>
/// How methods and metrics cut work into model batches: consecutive (start, length) ranges of at most the batch size,
/// in order, so a method's and a metric's passes over the same inputs see the same batches.
/// </summary>
public static class Batches
{
    /// <summary>Splits <paramref name="count"/> items into consecutive batches of at most <paramref name="batchSize"/>.</summary>
    /// <exception cref="PhospheneException"><paramref name="batchSize"/> is below 1.</exception>
    public static IEnumerable<(long Start, long Length)> Of(long count, int batchSize)
    {
        if (batchSize < 1) throw new PhospheneException($"batch size {batchSize} is invalid: it must be at least 1");
        return Split(count, batchSize);
    }

    static IEnumerable<(long Start, long Length)> Split(long count, int batchSize)
    {
        for (long start = 0; start < count; start += batchSize)
            yield return (start, Math.Min(batchSize, count - start));
    }
}
