using TorchSharp;
using static TorchSharp.torch;

namespace Phosphene.Probing;

/// <summary>One train/test split: row indices into the data (disjoint, each sorted ascending).</summary>
/// <param name="Train">Rows to fit on.</param>
/// <param name="Test">Held-out rows to score on.</param>
public sealed record Fold(long[] Train, long[] Test);

/// <summary>
/// Seeded splitters (stratified k-fold, k-fold, shuffle-split, stratified shuffle-split) and cross-validated scoring of a probe, with the mean
/// and standard error of the mean over folds, and a permutation-test null for chance level.
/// </summary>
public static class CrossValidation
{
    /// <summary>
    /// k folds that each keep the class proportions of <paramref name="labels"/> (int64 N): the rows of every class are
    /// shuffled (seeded) and dealt round-robin to the folds, as scikit-learn's <c>StratifiedKFold(shuffle=True)</c>.
    /// </summary>
    /// <exception cref="PhospheneException">Fewer than 2 folds, or more folds than examples.</exception>
    public static IReadOnlyList<Fold> StratifiedKFold(Tensor labels, int folds = 5, long seed = 0)
    {
        if (labels.dim() != 1 || labels.dtype != ScalarType.Int64)
            throw new PhospheneException($"stratified folds need int64 labels N, got {labels.dtype} [{string.Join(", ", labels.shape)}]");
        long n = labels.shape[0];
        CheckFolds(folds, n);
        var values = labels.data<long>().ToArray();
        var random = new Random(unchecked((int)seed));
        var assignment = new int[n];
        int next = 0;
        foreach (var group in Enumerable.Range(0, (int)n).GroupBy(i => values[i]).OrderBy(g => g.Key))
        {
            var rows = group.ToArray();
            random.Shuffle(rows);
            foreach (var row in rows) assignment[row] = next++ % folds;
        }
        return FromAssignment(assignment, folds);
    }

    /// <summary>k folds of shuffled (seeded) rows, sizes differing by at most one.</summary>
    /// <exception cref="PhospheneException">Fewer than 2 folds, or more folds than examples.</exception>
    public static IReadOnlyList<Fold> KFold(long count, int folds = 5, long seed = 0)
    {
        CheckFolds(folds, count);
        var order = Enumerable.Range(0, (int)count).ToArray();
        new Random(unchecked((int)seed)).Shuffle(order);
        var assignment = new int[count];
        for (int i = 0; i < order.Length; i++) assignment[order[i]] = (int)((long)i * folds / count);
        return FromAssignment(assignment, folds);
    }

    /// <summary>
    /// <paramref name="splits"/> independent random splits holding out <paramref name="testFraction"/> of the rows
    /// each (scikit-learn's <c>ShuffleSplit</c>), seeded.
    /// </summary>
    public static IReadOnlyList<Fold> ShuffleSplit(long count, int splits = 5, double testFraction = 0.2, long seed = 0)
    {
        if (splits < 1) throw new PhospheneException($"shuffle-split needs at least 1 split, got {splits}");
        if (!(testFraction > 0 && testFraction < 1))
            throw new PhospheneException($"test fraction {testFraction} is invalid: it must lie strictly between 0 and 1");
        long test = (long)Math.Ceiling(testFraction * count);
        if (test < 1 || test >= count)
            throw new PhospheneException($"cannot hold out {testFraction:P0} of {count} examples and keep both parts non-empty");
        var random = new Random(unchecked((int)seed));
        var result = new List<Fold>();
        for (int s = 0; s < splits; s++)
        {
            var order = Enumerable.Range(0, (int)count).Select(i => (long)i).ToArray();
            random.Shuffle(order);
            result.Add(new Fold(order[(int)test..].Order().ToArray(), order[..(int)test].Order().ToArray()));
        }
        return result;
    }

    /// <summary>
    /// <paramref name="splits"/> independent random splits that each hold out <paramref name="testFraction"/> of every
    /// class of <paramref name="labels"/> (int64 N), seeded: per class, round(fraction × class size) rows are held out,
    /// at least one when the class has two or more rows, never all of them (a stratified <c>ShuffleSplit</c>).
    /// </summary>
    /// <exception cref="PhospheneException">Not int64 labels, no split, or a fraction outside (0, 1).</exception>
    public static IReadOnlyList<Fold> StratifiedShuffleSplit(Tensor labels, int splits = 5, double testFraction = 0.2, long seed = 0)
    {
        if (labels.dim() != 1 || labels.dtype != ScalarType.Int64)
            throw new PhospheneException($"stratified splits need int64 labels N, got {labels.dtype} [{string.Join(", ", labels.shape)}]");
        if (splits < 1) throw new PhospheneException($"shuffle-split needs at least 1 split, got {splits}");
        if (!(testFraction > 0 && testFraction < 1))
            throw new PhospheneException($"test fraction {testFraction} is invalid: it must lie strictly between 0 and 1");
        var values = labels.data<long>().ToArray();
        var classes = Enumerable.Range(0, values.Length).GroupBy(i => values[i]).OrderBy(g => g.Key)
            .Select(g => g.Select(i => (long)i).ToArray()).ToArray();
        var random = new Random(unchecked((int)seed));
        var result = new List<Fold>();
        for (int s = 0; s < splits; s++)
        {
            var train = new List<long>();
            var test = new List<long>();
            foreach (var rows in classes)
            {
                var shuffled = rows.ToArray();
                random.Shuffle(shuffled);
                int held = rows.Length < 2 ? 0 : Math.Clamp((int)Math.Round(testFraction * rows.Length), 1, rows.Length - 1);
                test.AddRange(shuffled[..held]);
                train.AddRange(shuffled[held..]);
            }
            if (test.Count == 0)
                throw new PhospheneException($"cannot hold out {testFraction:P0} of {values.Length} examples: every class has a single example");
            result.Add(new Fold(train.Order().ToArray(), test.Order().ToArray()));
        }
        return result;
    }

    /// <summary>
    /// Fits a fresh copy of <paramref name="probe"/> on each fold's training rows and scores it on the held-out rows
    /// with <paramref name="metric"/> (default: accuracy for classifiers, R² for regressors).
    /// </summary>
    /// <param name="probe">The template; it is not fitted itself (clones are, see <see cref="Probe.CloneUnfitted"/>).</param>
    /// <param name="features">N×D features.</param>
    /// <param name="targets">int64 labels N, or float targets N / N×T.</param>
    /// <param name="folds">The splits, e.g. from <see cref="StratifiedKFold"/>.</param>
    /// <param name="metric">The score; default by the probe's task.</param>
    /// <param name="keepProbes">Keep the fitted fold probes in the result (the caller disposes them); default true.</param>
    /// <param name="cancellation">Checked before every fold.</param>
    public static CrossValidatedScore Score(Probe probe, Tensor features, Tensor targets, IReadOnlyList<Fold> folds,
                                            ProbeMetric? metric = null, bool keepProbes = true,
                                            CancellationToken cancellation = default)
    {
        if (features.dim() < 1 || targets.dim() < 1 || features.shape[0] != targets.shape[0])
            throw new PhospheneException(
                $"features have {(features.dim() < 1 ? 0 : features.shape[0])} rows but targets have " +
                $"{(targets.dim() < 1 ? 0 : targets.shape[0])}; pass one target row per example");
        var m = metric ?? (probe.Task == ProbeTask.Classification ? ProbeMetric.Accuracy : ProbeMetric.R2);
        bool labelMetric = m is ProbeMetric.Accuracy or ProbeMetric.BalancedAccuracy;
        if (labelMetric != (probe.Task == ProbeTask.Classification))
            throw new PhospheneException($"metric {m} does not fit the {probe.Task.ToString().ToLowerInvariant()} probe '{probe.Name}'");
        var scores = new double[folds.Count];
        double[]? perTarget = null;
        var probes = new List<Probe>();
        for (int f = 0; f < folds.Count; f++)
        {
            cancellation.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            var train = tensor(folds[f].Train);
            var test = tensor(folds[f].Test);
            var fitted = probe.CloneUnfitted().Fit(features.index_select(0, train), targets.index_select(0, train));
            var heldOut = targets.index_select(0, test);
            var predicted = fitted.Predict(features.index_select(0, test));
            if (labelMetric) scores[f] = ProbeMetrics.Compute(m, heldOut, predicted);
            else
            {
                var values = m == ProbeMetric.R2 ? ProbeMetrics.R2(heldOut, predicted) : ProbeMetrics.Pearson(heldOut, predicted);
                scores[f] = values.Average();
                perTarget ??= new double[values.Length];
                for (int t = 0; t < values.Length; t++) perTarget[t] += values[t] / folds.Count;
            }
            if (keepProbes) probes.Add(fitted); else fitted.Dispose();
        }
        return new CrossValidatedScore(m, scores, probes, perTarget ?? []);
    }

    /// <summary>
    /// The permutation-test null (Ojala and Garriga 2010, "Permutation tests for studying classifier performance"):
    /// the cross-validated score of the probe after shuffling the targets, once per permutation, seeded. Its mean is
    /// the chance level; see <see cref="CrossValidatedScore.PValue"/> for the p-value of an observed score.
    /// </summary>
    /// <returns>One mean cross-validated score per permutation.</returns>
    public static double[] PermutationNull(Probe probe, Tensor features, Tensor targets, IReadOnlyList<Fold> folds,
                                           int permutations, ProbeMetric? metric = null, long seed = 0,
                                           CancellationToken cancellation = default)
    {
        if (permutations < 1) throw new PhospheneException($"permutations must be at least 1, got {permutations}");
        using var generator = new Generator(unchecked((ulong)seed));
        var result = new double[permutations];
        for (int p = 0; p < permutations; p++)
        {
            using var scope = NewDisposeScope();
            var shuffled = targets.index_select(0, randperm(targets.shape[0], generator: generator));
            result[p] = Score(probe, features, shuffled, folds, metric, keepProbes: false, cancellation).Mean;
        }
        return result;
    }

    static void CheckFolds(int folds, long n)
    {
        if (folds < 2) throw new PhospheneException($"cross-validation needs at least 2 folds, got {folds}");
        if (folds > n) throw new PhospheneException($"cannot split {n} examples into {folds} folds; use at most {n} folds");
    }

    static IReadOnlyList<Fold> FromAssignment(int[] assignment, int folds) =>
        Enumerable.Range(0, folds).Select(f => new Fold(
            Enumerable.Range(0, assignment.Length).Where(i => assignment[i] != f).Select(i => (long)i).ToArray(),
            Enumerable.Range(0, assignment.Length).Where(i => assignment[i] == f).Select(i => (long)i).ToArray())).ToArray();
}
