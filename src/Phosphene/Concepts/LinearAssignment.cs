namespace Phosphene.Concepts;

/// <summary>
/// The linear assignment problem by the Hungarian method (Kuhn 1955, "The Hungarian method for the assignment
/// problem", Naval Research Logistics Quarterly; Munkres 1957), in the O(n²m) shortest-augmenting-path form with
/// row and column potentials. Used to match concepts across runs before comparing them.
/// </summary>
public static class LinearAssignment
{
    /// <summary>
    /// The assignment of rows to distinct columns with the smallest total cost, for an n×m cost matrix with n ≤ m.
    /// </summary>
    /// <param name="cost">Row-major n×m costs (finite).</param>
    /// <returns>For each row, its column.</returns>
    /// <exception cref="PhospheneException">More rows than columns, or a non-finite cost.</exception>
    public static int[] Minimize(double[,] cost)
    {
        ArgumentNullException.ThrowIfNull(cost);
        int n = cost.GetLength(0), m = cost.GetLength(1);
        if (n > m) throw new PhospheneException($"assignment needs at most as many rows as columns, got {n}×{m}; transpose the cost matrix");
        foreach (double c in cost)
            if (!double.IsFinite(c)) throw new PhospheneException("assignment costs must be finite");
        // 1-based potentials u (rows), v (columns); p[j] is the row matched to column j, way[j] the previous column.
        var u = new double[n + 1];
        var v = new double[m + 1];
        var p = new int[m + 1];
        var way = new int[m + 1];
        var minv = new double[m + 1];
        var used = new bool[m + 1];
        for (int i = 1; i <= n; i++)
        {
            p[0] = i;
            int j0 = 0;
            Array.Fill(minv, double.PositiveInfinity);
            Array.Clear(used);
            do
            {
                used[j0] = true;
                int i0 = p[j0], j1 = 0;
                double delta = double.PositiveInfinity;
                for (int j = 1; j <= m; j++)
                {
                    if (used[j]) continue;
                    double reduced = cost[i0 - 1, j - 1] - u[i0] - v[j];
                    if (reduced < minv[j]) { minv[j] = reduced; way[j] = j0; }
                    if (minv[j] < delta) { delta = minv[j]; j1 = j; }
                }
                for (int j = 0; j <= m; j++)
                {
                    if (used[j]) { u[p[j]] += delta; v[j] -= delta; }
                    else minv[j] -= delta;
                }
                j0 = j1;
            } while (p[j0] != 0);
            do
            {
                int j1 = way[j0];
                p[j0] = p[j1];
                j0 = j1;
            } while (j0 != 0);
        }
        var assignment = new int[n];
        for (int j = 1; j <= m; j++)
            if (p[j] != 0) assignment[p[j] - 1] = j - 1;
        return assignment;
    }

    /// <summary>The assignment with the largest total score (e.g. similarity), n ≤ m.</summary>
    public static int[] Maximize(double[,] score)
    {
        ArgumentNullException.ThrowIfNull(score);
        var negated = new double[score.GetLength(0), score.GetLength(1)];
        for (int i = 0; i < score.GetLength(0); i++)
            for (int j = 0; j < score.GetLength(1); j++) negated[i, j] = -score[i, j];
        return Minimize(negated);
    }
}
