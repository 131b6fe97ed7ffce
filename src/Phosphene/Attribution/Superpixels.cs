using static TorchSharp.torch;

namespace Phosphene.Attribution;

/// <summary>
/// Segmentations of an image into regions, the features of <see cref="Lime"/> and <see cref="KernelShap"/>: a regular
/// grid, or SLIC superpixels (R. Achanta, A. Shaji, K. Smith, A. Lucchi, P. Fua and S. Süsstrunk, 2012, "SLIC
/// superpixels compared to state-of-the-art superpixel methods"). Both are deterministic.
/// </summary>
public static class Superpixels
{
    /// <summary>A <paramref name="cells"/>×<paramref name="cells"/> grid: int64 H×W labels, row-major cell index.</summary>
    /// <exception cref="PhospheneException"><paramref name="cells"/> is outside 1 … min(H, W).</exception>
    public static Tensor Grid(long height, long width, int cells)
    {
        if (cells < 1 || cells > Math.Min(height, width))
            throw new PhospheneException($"grid segmentation needs 1 … {Math.Min(height, width)} cells per side, got {cells}");
        using var scope = NewDisposeScope();
        var rows = arange(height, ScalarType.Int64).mul(cells).div(height, rounding_mode: RoundingMode.floor);
        var columns = arange(width, ScalarType.Int64).mul(cells).div(width, rounding_mode: RoundingMode.floor);
        return (rows.view(-1, 1) * cells + columns.view(1, -1)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// SLIC superpixels of one image: k-means in (intensity, position) space seeded on a regular grid of about
    /// <paramref name="segments"/> centres, each pixel searched within 2S×2S of a centre (S the grid step), followed by
    /// merging connected fragments smaller than S²/4 into a neighbour.
    /// </summary>
    /// <param name="image">float C×H×W (any C; values compared as they are, e.g. in [0, 1]).</param>
    /// <param name="segments">Approximate number of superpixels; default 49.</param>
    /// <param name="compactness">Weight m of spatial against intensity distance: D² = d_c² + (m·d_s/S)²; default 0.1 for [0, 1] images.</param>
    /// <param name="iterations">k-means iterations; default 10.</param>
    /// <returns>int64 H×W labels 0 … M − 1 (M near <paramref name="segments"/>), numbered in raster order of first appearance.</returns>
    public static Tensor Slic(Tensor image, int segments = 49, double compactness = 0.1, int iterations = 10)
    {
        if (image.dim() != 3) throw new PhospheneException($"SLIC expects one C×H×W image, got [{string.Join(", ", image.shape)}]");
        if (segments < 1) throw new PhospheneException($"SLIC needs at least 1 segment, got {segments}");
        if (!(compactness > 0)) throw new PhospheneException($"SLIC compactness must be positive, got {compactness}");
        int channels = (int)image.shape[0], height = (int)image.shape[1], width = (int)image.shape[2];
        float[] pixels;
        using (var contiguous = image.to_type(ScalarType.Float32).contiguous()) pixels = contiguous.data<float>().ToArray();

        double step = Math.Sqrt((double)height * width / segments);
        int rows = Math.Max(1, (int)Math.Round(height / step)), columns = Math.Max(1, (int)Math.Round(width / step));
        int k = rows * columns;
        var centres = new double[k, 2 + channels]; // y, x, colour…
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < columns; c++)
            {
                int index = r * columns + c;
                int y = (int)((r + 0.5) * height / rows), x = (int)((c + 0.5) * width / columns);
                (y, x) = LowestGradient(pixels, channels, height, width, y, x);
                centres[index, 0] = y;
                centres[index, 1] = x;
                for (int ch = 0; ch < channels; ch++) centres[index, 2 + ch] = pixels[(ch * height + y) * width + x];
            }

        var labels = new int[height * width];
        var distances = new double[height * width];
        double spatialWeight = compactness * compactness / (step * step);
        int window = (int)Math.Ceiling(step);
        for (int iteration = 0; iteration < Math.Max(1, iterations); iteration++)
        {
            Array.Fill(distances, double.PositiveInfinity);
            Array.Fill(labels, -1);
            for (int index = 0; index < k; index++)
            {
                double cy = centres[index, 0], cx = centres[index, 1];
                int y0 = Math.Max(0, (int)(cy - window)), y1 = Math.Min(height - 1, (int)(cy + window));
                int x0 = Math.Max(0, (int)(cx - window)), x1 = Math.Min(width - 1, (int)(cx + window));
                for (int y = y0; y <= y1; y++)
                    for (int x = x0; x <= x1; x++)
                    {
                        double d = spatialWeight * ((y - cy) * (y - cy) + (x - cx) * (x - cx));
                        for (int ch = 0; ch < channels; ch++)
                        {
                            double diff = pixels[(ch * height + y) * width + x] - centres[index, 2 + ch];
                            d += diff * diff;
                        }
                        int p = y * width + x;
                        if (d < distances[p]) { distances[p] = d; labels[p] = index; }
                    }
            }
            // Pixels out of every window (centres drifted away) go to the spatially nearest centre.
            for (int p = 0; p < labels.Length; p++)
                if (labels[p] < 0) labels[p] = NearestCentre(centres, k, p / width, p % width);
            var sums = new double[k, 2 + channels];
            var counts = new int[k];
            for (int p = 0; p < labels.Length; p++)
            {
                int index = labels[p], y = p / width, x = p % width;
                counts[index]++;
                sums[index, 0] += y;
                sums[index, 1] += x;
                for (int ch = 0; ch < channels; ch++) sums[index, 2 + ch] += pixels[(ch * height + y) * width + x];
            }
            for (int index = 0; index < k; index++)
                if (counts[index] > 0)
                    for (int f = 0; f < 2 + channels; f++) centres[index, f] = sums[index, f] / counts[index];
        }
        var connected = EnforceConnectivity(labels, height, width, Math.Max(1, (int)(step * step / 4)));
        return tensor(connected.Select(l => (long)l).ToArray(), [height, width], ScalarType.Int64);
    }

    static (int Y, int X) LowestGradient(float[] pixels, int channels, int height, int width, int y, int x)
    {
        (int, int) best = (y, x);
        double bestGradient = double.PositiveInfinity;
        for (int dy = -1; dy <= 1; dy++)
            for (int dx = -1; dx <= 1; dx++)
            {
                int yy = y + dy, xx = x + dx;
                if (yy < 1 || yy >= height - 1 || xx < 1 || xx >= width - 1) continue;
                double g = 0;
                for (int ch = 0; ch < channels; ch++)
                {
                    int o = ch * height * width;
                    double gx = pixels[o + yy * width + xx + 1] - pixels[o + yy * width + xx - 1];
                    double gy = pixels[o + (yy + 1) * width + xx] - pixels[o + (yy - 1) * width + xx];
                    g += gx * gx + gy * gy;
                }
                if (g < bestGradient) { bestGradient = g; best = (yy, xx); }
            }
        return best;
    }

    static int NearestCentre(double[,] centres, int k, int y, int x)
    {
        int best = 0;
        double bestDistance = double.PositiveInfinity;
        for (int index = 0; index < k; index++)
        {
            double d = (centres[index, 0] - y) * (centres[index, 0] - y) + (centres[index, 1] - x) * (centres[index, 1] - x);
            if (d < bestDistance) { bestDistance = d; best = index; }
        }
        return best;
    }

    /// <summary>Relabels 4-connected components in raster order; components below <paramref name="minimumSize"/> join the previous adjacent one.</summary>
    static int[] EnforceConnectivity(int[] labels, int height, int width, int minimumSize)
    {
        var result = new int[labels.Length];
        Array.Fill(result, -1);
        int next = 0;
        var component = new List<int>();
        var queue = new Queue<int>();
        for (int start = 0; start < labels.Length; start++)
        {
            if (result[start] >= 0) continue;
            // A neighbour already labelled, to absorb this component if it is too small.
            int adjacent = -1;
            int sy = start / width, sx = start % width;
            if (sx > 0 && result[start - 1] >= 0) adjacent = result[start - 1];
            else if (sy > 0 && result[start - width] >= 0) adjacent = result[start - width];

            component.Clear();
            queue.Enqueue(start);
            result[start] = next;
            while (queue.Count > 0)
            {
                int p = queue.Dequeue();
                component.Add(p);
                int y = p / width, x = p % width;
                foreach (int q in (ReadOnlySpan<int>)[x > 0 ? p - 1 : -1, x < width - 1 ? p + 1 : -1, y > 0 ? p - width : -1, y < height - 1 ? p + width : -1])
                    if (q >= 0 && result[q] < 0 && labels[q] == labels[start])
                    {
                        result[q] = next;
                        queue.Enqueue(q);
                    }
            }
            if (component.Count < minimumSize && adjacent >= 0)
                foreach (int p in component) result[p] = adjacent;
            else
                next++;
        }
        return result;
    }
}
