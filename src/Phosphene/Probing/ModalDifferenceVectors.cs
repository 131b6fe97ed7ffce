using TorchSharp;
using static TorchSharp.torch;

namespace Phosphene.Probing;

/// <summary>
/// Modal difference vectors (Lepori, Tenney, Pavlick and Serre, 2025, "Is this just fantasy? Language model
/// representations reflect human judgments of event plausibility"): at each layer, the difference between the mean
/// representation of items of class A and that of class B; items are projected onto it, and a pair (one A item, one B
/// item) is classified correctly when the A item projects higher. The layer that separates the classes best is chosen
/// by cross-validation: the vector comes from the training folds, the pairwise accuracy from the held-out items.
/// </summary>
/// <remarks>
/// Without explicit pairs, every (A, B) pair of held-out items is scored, which equals the area under the ROC curve of
/// the projection (ties count one half). With <c>pairs</c> (minimal pairs, as in the paper's stimuli), only those are.
/// </remarks>
public static class ModalDifferenceVectors
{
    /// <summary>The difference vector mean(A) − mean(B) of features N×D (float64, D).</summary>
    /// <exception cref="PhospheneException">Mismatched N, or a class without items.</exception>
    public static Tensor Vector(Tensor features, Tensor labels, long classA, long classB)
    {
        Check(features, labels);
        using var scope = NewDisposeScope();
        var x = features.to(ScalarType.Float64);
        var a = labels.eq(classA).nonzero().squeeze(1);
        var b = labels.eq(classB).nonzero().squeeze(1);
        if (a.shape[0] == 0 || b.shape[0] == 0)
            throw new PhospheneException($"modal difference needs items of both classes {classA} and {classB}; found {a.shape[0]} and {b.shape[0]}");
        return x.index_select(0, a).mean([0]).sub(x.index_select(0, b).mean([0])).MoveToOuterDisposeScope();
    }

    /// <summary>Projections N of features N×D onto the unit vector along <paramref name="vector"/>.</summary>
    public static Tensor Project(Tensor features, Tensor vector)
    {
        using var scope = NewDisposeScope();
        var v = vector.to(ScalarType.Float64);
        return features.to(ScalarType.Float64).mv(v.div(v.norm().clamp_min(1e-300))).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Fraction of (A, B) pairs whose A item projects higher (ties count one half). <paramref name="pairs"/> lists the
    /// (A row, B row) pairs to score; null scores every A item against every B item.
    /// </summary>
    public static double PairwiseAccuracy(Tensor projections, Tensor labels, long classA, long classB,
                                          IReadOnlyList<(long A, long B)>? pairs = null)
    {
        var p = projections.to(ScalarType.Float64).data<double>().ToArray();
        var l = labels.data<long>().ToArray();
        if (pairs is null)
        {
            var a = Enumerable.Range(0, l.Length).Where(i => l[i] == classA).Select(i => p[i]).ToArray();
            var b = Enumerable.Range(0, l.Length).Where(i => l[i] == classB).Select(i => p[i]).ToArray();
            if (a.Length == 0 || b.Length == 0) return double.NaN;
            double wins = 0;
            foreach (var x in a) foreach (var y in b) wins += x > y ? 1 : x == y ? 0.5 : 0;
            return wins / (a.Length * (double)b.Length);
        }
        if (pairs.Count == 0) return double.NaN;
        return pairs.Average(q => p[q.A] > p[q.B] ? 1.0 : p[q.A] == p[q.B] ? 0.5 : 0.0);
    }

    /// <summary>
    /// Cross-validated pairwise accuracy of the modal difference vector at every layer, and the best layer.
    /// </summary>
    /// <param name="activations">Layer → N×D features of the same items.</param>
    /// <param name="labels">int64 N class labels.</param>
    /// <param name="classA">The class expected to project higher (e.g. "possible").</param>
    /// <param name="classB">The other class (e.g. "impossible").</param>
    /// <param name="folds">Number of stratified folds; default 5.</param>
    /// <param name="pairs">Optional minimal pairs (A row, B row); a pair is scored in the fold holding its A item, and
    /// both items of a pair are kept in the same fold.</param>
    /// <param name="seed">Seed of the folds; default 0.</param>
    public static ModalDifferenceResult Analyse(LayerActivations activations, Tensor labels, long classA, long classB,
                                                int folds = 5, IReadOnlyList<(long A, long B)>? pairs = null, long seed = 0)
    {
        var splits = pairs is null ? CrossValidation.StratifiedKFold(labels, folds, seed) : PairFolds(labels.shape[0], pairs, folds, seed);
        var means = new Dictionary<string, double>();
        var sems = new Dictionary<string, double>();
        foreach (var layer in activations.Layers)
        {
            var x = activations[layer];
            Check(x, labels);
            var scores = new List<double>();
            foreach (var fold in splits)
            {
                using var scope = NewDisposeScope();
                var train = tensor(fold.Train);
                var vector = Vector(x.index_select(0, train), labels.index_select(0, train), classA, classB);
                var projections = Project(x, vector);
                double accuracy;
                if (pairs is null)
                {
                    var test = tensor(fold.Test);
                    accuracy = PairwiseAccuracy(projections.index_select(0, test), labels.index_select(0, test), classA, classB);
                }
                else
                {
                    var held = fold.Test.ToHashSet();
                    accuracy = PairwiseAccuracy(projections, labels, classA, classB, pairs.Where(q => held.Contains(q.A)).ToArray());
                }
                if (double.IsFinite(accuracy)) scores.Add(accuracy);
            }
            means[layer] = scores.Count == 0 ? double.NaN : scores.Average();
            sems[layer] = scores.Count < 2 ? 0 : CrossValidatedScore.StandardDeviation(scores) / Math.Sqrt(scores.Count);
        }
        var best = activations.Layers.Where(l => double.IsFinite(means[l])).OrderByDescending(l => means[l]).FirstOrDefault()
            ?? throw new PhospheneException("no layer could be scored: every held-out fold lacked one of the two classes");
        return new ModalDifferenceResult(activations.Layers, means, sems, best);
    }

    static IReadOnlyList<Fold> PairFolds(long n, IReadOnlyList<(long A, long B)> pairs, int folds, long seed)
    {
        var byPair = CrossValidation.KFold(pairs.Count, folds, seed);
        return byPair.Select(f =>
        {
            var test = f.Test.SelectMany(i => new[] { pairs[(int)i].A, pairs[(int)i].B }).ToHashSet();
            return new Fold(Enumerable.Range(0, (int)n).Select(i => (long)i).Where(i => !test.Contains(i)).ToArray(), test.Order().ToArray());
        }).ToArray();
    }

    static void Check(Tensor features, Tensor labels)
    {
        if (features.dim() != 2 || labels.dim() != 1 || labels.dtype != ScalarType.Int64 || features.shape[0] != labels.shape[0])
            throw new PhospheneException(
                $"modal difference needs features N×D and int64 labels N of one N; got [{string.Join(", ", features.shape)}] and {labels.dtype} [{string.Join(", ", labels.shape)}]");
    }
}

/// <summary>Cross-validated pairwise accuracy of modal difference vectors per layer, and the best layer.</summary>
/// <param name="Layers">Layers in the order analysed.</param>
/// <param name="Scores">Layer → mean held-out pairwise accuracy (chance 0.5).</param>
/// <param name="Sem">Layer → standard error over folds.</param>
/// <param name="BestLayer">The layer with the highest cross-validated accuracy.</param>
public sealed record ModalDifferenceResult(IReadOnlyList<string> Layers, IReadOnlyDictionary<string, double> Scores,
                                           IReadOnlyDictionary<string, double> Sem, string BestLayer);
