using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

namespace Phosphene.Probing;

/// <summary>
/// Neural predictivity in the manner of Brain-Score (Schrimpf et al. 2018, "Brain-Score: which artificial neural network
/// for object recognition is most brain-like?") as used by Linsley et al. (2023, "Performance-optimized deep neural
/// networks are evolving into worse models of inferotemporal visual cortex"): cross-validated median Pearson r between
/// a linear mapping of a layer's features and the recorded responses, divided by the responses' noise ceiling.
/// </summary>
/// <remarks>
/// A linear mapping (ridge with leave-one-out α by default, or PLS) from the features to the trial-averaged responses
/// of every target (neuron, voxel, site) is fitted on the training inputs of each fold; the score of a fold is the
/// median over targets of the Pearson r between predicted and recorded responses on its held-out inputs; folds are
/// averaged, and the mean is divided by the <see cref="NoiseCeiling"/> of the responses when they include repeated
/// trials.
/// </remarks>
public static class NeuralPredictivity
{
    /// <summary>Scores how well <paramref name="features"/> predict <paramref name="responses"/>.</summary>
    /// <param name="features">N×D features of the N stimuli (one layer, pooled).</param>
    /// <param name="responses">N×T trial-averaged responses, or N×T×R with R repeated trials (then the ceiling is computed).</param>
    /// <param name="mapping">The mapping; default <c>new RidgeProbe()</c> (α by leave-one-out). Must be a regressor.</param>
    /// <param name="folds">Splits of the stimuli; default 5-fold, seeded by <paramref name="seed"/>.</param>
    /// <param name="seed">Seed of the default folds and of the ceiling's split-halves; default 0.</param>
    /// <param name="cancellation">Checked before every fold.</param>
    /// <exception cref="PhospheneException">Mismatched N, a classifier mapping, or bad shapes.</exception>
    public static PredictivityScore Score(Tensor features, Tensor responses, Probe? mapping = null,
                                         IReadOnlyList<Fold>? folds = null, long seed = 0,
                                         CancellationToken cancellation = default)
    {
        if (features.dim() != 2) throw new PhospheneException($"predictivity needs features N×D, got [{string.Join(", ", features.shape)}]");
        if (responses.dim() is < 1 or > 3 || responses.shape[0] != features.shape[0])
            throw new PhospheneException(
                $"features describe {features.shape[0]} stimuli but responses have shape [{string.Join(", ", responses.shape)}]; " +
                "pass responses N×T (or N×T×R with trials) for the same stimuli in the same order");
        mapping ??= new RidgeProbe { Seed = seed };
        if (mapping.Task != ProbeTask.Regression)
            throw new PhospheneException($"the mapping must be a regressor (ridge or pls), got '{mapping.Name}'");
        folds ??= CrossValidation.KFold(features.shape[0], 5, seed);
        using var scope = NewDisposeScope();
        var mean = responses.dim() == 3 ? responses.to(ScalarType.Float64).mean([2]) : Probe.AsMatrix(responses).to(ScalarType.Float64);
        long targets = mean.shape[1];
        var perTarget = new double[targets];
        var foldScores = new double[folds.Count];
        for (int f = 0; f < folds.Count; f++)
        {
            cancellation.ThrowIfCancellationRequested();
            using var foldScope = NewDisposeScope();
            var train = tensor(folds[f].Train);
            var test = tensor(folds[f].Test);
            using var fitted = mapping.CloneUnfitted().Fit(features.index_select(0, train), mean.index_select(0, train));
            var r = ProbeMetrics.Pearson(mean.index_select(0, test), fitted.Predict(features.index_select(0, test)));
            for (int t = 0; t < targets; t++) perTarget[t] += r[t] / folds.Count;
            foldScores[f] = Median(r);
        }
        var ceiling = responses.dim() == 3 && responses.shape[2] >= 2 ? NoiseCeiling.Compute(responses, seed: seed) : null;
        return new PredictivityScore(perTarget, foldScores, ceiling);
    }

    /// <summary>Scores every captured layer against the same responses (one mapping per layer, same folds).</summary>
    /// <param name="activations">Layer → N×D features of the stimuli.</param>
    /// <param name="responses">N×T, or N×T×R with trials.</param>
    /// <param name="mapping">Default ridge with LOO α.</param>
    /// <param name="folds">Number of folds over stimuli; default 5.</param>
    /// <param name="seed">Seed of the folds and the ceiling; default 0.</param>
    /// <param name="progress">One report per layer.</param>
    /// <param name="cancellation">Checked before every fold.</param>
    public static PredictivityResult Layers(LayerActivations activations, Tensor responses, Probe? mapping = null, int folds = 5,
                                            long seed = 0, IProgress<ProbingProgress>? progress = null,
                                            CancellationToken cancellation = default)
    {
        if (responses.dim() < 1 || responses.shape[0] != activations.Count)
            throw new PhospheneException(
                $"activations describe {activations.Count} stimuli but responses have shape [{string.Join(", ", responses.shape)}]; " +
                "pass responses for the same stimuli in the same order");
        var splits = CrossValidation.KFold(activations.Count, folds, seed);
        var scores = new Dictionary<string, PredictivityScore>();
        for (int i = 0; i < activations.Layers.Count; i++)
        {
            var layer = activations.Layers[i];
            scores[layer] = Score(activations[layer], responses, mapping, splits, seed, cancellation);
            progress?.Report(new ProbingProgress($"predictivity {layer}", i + 1, activations.Layers.Count));
        }
        return new PredictivityResult(activations.Layers, scores);
    }

    /// <summary>
    /// Reads recorded responses from a CSV file: either wide (one row per stimulus, one numeric column per target; a
    /// header row is skipped when it is not numeric) giving N×T, or long with the header
    /// <c>stimulus,target,trial,response</c> (0-based integer indices) giving N×T×R.
    /// </summary>
    /// <exception cref="PhospheneException">Missing file, ragged rows or unparsable numbers (with the line number).</exception>
    public static Tensor LoadResponsesCsv(string path)
    {
        if (!File.Exists(path)) throw new PhospheneException($"response file '{path}' does not exist");
        var lines = File.ReadAllLines(path).Where(l => l.Trim().Length > 0).ToArray();
        if (lines.Length == 0) throw new PhospheneException($"response file '{path}' is empty");
        var header = lines[0].Split(',').Select(c => c.Trim().ToLowerInvariant()).ToArray();
        bool hasHeader = !double.TryParse(header[0], NumberStyles.Float, CultureInfo.InvariantCulture, out _);
        if (hasHeader && header.SequenceEqual(LongColumns))
        {
            var rows = lines.Skip(1).Select((l, i) => Numbers(l, path, i + 2)).ToArray();
            foreach (var (row, i) in rows.Select((r, i) => (r, i)))
                if (row.Length != 4 || row[..3].Any(v => v < 0 || v != Math.Floor(v)))
                    throw new PhospheneException($"{path}:{i + 2}: expected stimulus,target,trial (non-negative integers),response");
            return FromLongTable(rows.Select(r => (long)r[0]).ToArray(), rows.Select(r => (long)r[1]).ToArray(),
                                 rows.Select(r => (long)r[2]).ToArray(), rows.Select(r => r[3]).ToArray(), path);
        }
        var body = (hasHeader ? lines.Skip(1) : lines).Select((l, i) => Numbers(l, path, i + (hasHeader ? 2 : 1))).ToArray();
        int width = body[0].Length;
        for (int i = 0; i < body.Length; i++)
            if (body[i].Length != width)
                throw new PhospheneException($"{path}:{i + (hasHeader ? 2 : 1)}: {body[i].Length} values but the first row has {width}");
        return tensor(body.SelectMany(r => r).Select(v => (float)v).ToArray(), [body.Length, width]);
    }

    /// <summary>The column names of long-format responses, in order: <c>stimulus, target, trial, response</c>.</summary>
    public static IReadOnlyList<string> LongColumns { get; } = ["stimulus", "target", "trial", "response"];

    /// <summary>
    /// Responses N×T×R from a long table with one row per (stimulus, target, trial): 0-based integer indices and the
    /// response (as a CSV with the header <c>stimulus,target,trial,response</c>, or a DataFrame with those columns).
    /// N, T and R are the largest index + 1 of each column; every cell must be present exactly once.
    /// </summary>
    /// <param name="stimulus">Stimulus index of each row (the order of the model's inputs).</param>
    /// <param name="target">Target (neuron, site, voxel) index of each row.</param>
    /// <param name="trial">Repetition index of each row.</param>
    /// <param name="response">The recorded response of each row.</param>
    /// <param name="source">Names the table in error messages (a path, or "the DataFrame").</param>
    /// <exception cref="PhospheneException">Columns of different lengths, negative indices, or missing or repeated cells.</exception>
    public static Tensor FromLongTable(IReadOnlyList<long> stimulus, IReadOnlyList<long> target, IReadOnlyList<long> trial,
                                       IReadOnlyList<double> response, string source = "the table")
    {
        int rows = stimulus.Count;
        if (target.Count != rows || trial.Count != rows || response.Count != rows)
            throw new PhospheneException($"{source}: the stimulus, target, trial and response columns must have one length");
        if (rows == 0) throw new PhospheneException($"{source}: no responses (0 rows)");
        for (int i = 0; i < rows; i++)
            if (stimulus[i] < 0 || target[i] < 0 || trial[i] < 0)
                throw new PhospheneException($"{source}: row {i} has a negative index; stimulus, target and trial are 0-based indices");
        long n = stimulus.Max() + 1, t = target.Max() + 1, r = trial.Max() + 1;
        if (n * t * r != rows)
            throw new PhospheneException(
                $"{source}: {rows} rows do not fill {n} stimuli × {t} targets × {r} trials = {n * t * r} cells; " +
                "every stimulus needs every target on every trial, once");
        var data = new float[rows];
        var seen = new bool[rows];
        for (int i = 0; i < rows; i++)
        {
            long cell = (stimulus[i] * t + target[i]) * r + trial[i];
            if (seen[cell])
                throw new PhospheneException(
                    $"{source}: stimulus {stimulus[i]}, target {target[i]}, trial {trial[i]} appears twice (row {i}); each cell must appear once");
            seen[cell] = true;
            data[cell] = (float)response[i];
        }
        return tensor(data, [n, t, r]);
    }

    static double[] Numbers(string line, string path, int lineNumber) =>
        line.Split(',').Select(c => double.TryParse(c.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v
            : throw new PhospheneException($"{path}:{lineNumber}: '{c.Trim()}' is not a number")).ToArray();

    internal static double Median(IReadOnlyList<double> values)
    {
        var sorted = values.Where(double.IsFinite).Order().ToArray();
        if (sorted.Length == 0) return double.NaN;
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
