using System.Text.Json.Nodes;
using Phosphene.Results;
using static TorchSharp.torch;

namespace Phosphene.Probing;

/// <summary>
/// Held-out scores of a probe over cross-validation folds, their mean and standard error, the fitted fold probes and,
/// when computed, the permutation null (chance level).
/// </summary>
public sealed class CrossValidatedScore : IDisposable
{
    internal CrossValidatedScore(ProbeMetric metric, double[] foldScores, IReadOnlyList<Probe> probes, double[] perTarget)
    {
        PerTarget = perTarget;
        Metric = metric;
        FoldScores = foldScores;
        Probes = probes;
        Mean = foldScores.Average();
        Sem = foldScores.Length < 2 ? 0 : StandardDeviation(foldScores) / Math.Sqrt(foldScores.Length);
    }

    /// <summary>The score computed on each fold.</summary>
    public ProbeMetric Metric { get; }

    /// <summary>The held-out score of each fold, in fold order.</summary>
    public IReadOnlyList<double> FoldScores { get; }

    /// <summary>
    /// For R² and Pearson r: the held-out score of each target column, averaged over folds (their mean is <see cref="Mean"/>);
    /// empty for accuracies.
    /// </summary>
    public IReadOnlyList<double> PerTarget { get; }

    /// <summary>Mean held-out score over folds.</summary>
    public double Mean { get; }

    /// <summary>Standard error of the mean over folds: sample standard deviation (n − 1) / √folds.</summary>
    public double Sem { get; }

    /// <summary>The probe fitted on each fold (empty when not kept). Disposed with this result.</summary>
    public IReadOnlyList<Probe> Probes { get; }

    /// <summary>Mean cross-validated scores under shuffled targets, one per permutation (empty when not computed).</summary>
    public IReadOnlyList<double> Null { get; internal set; } = [];

    /// <summary>Chance level: the mean of <see cref="Null"/>, or NaN when no permutations were run.</summary>
    public double Chance => Null.Count == 0 ? double.NaN : Null.Average();

    /// <summary>
    /// Permutation p-value (1 + #null ≥ mean) / (1 + #permutations) (Phipson and Smyth 2010); NaN without permutations.
    /// </summary>
    public double PValue => Null.Count == 0 ? double.NaN : (1.0 + Null.Count(v => v >= Mean)) / (1.0 + Null.Count);

    internal static double StandardDeviation(IReadOnlyList<double> values)
    {
        double mean = values.Average();
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1));
    }

    /// <inheritdoc />
    public override string ToString() => System.FormattableString.Invariant(
        $"{Metric}: {Mean:F4} ± {Sem:F4} over {FoldScores.Count} folds{(Null.Count > 0 ? $", chance {Chance:F4} (p = {PValue:F3})" : "")}");

    /// <summary>The scores as saved in a <see cref="ResultFile"/>, the fold probes' tensors under <paramref name="prefix"/><c>fold{i}/</c>.</summary>
    internal JsonObject Save(string prefix, List<(string, Tensor)> tensors) => new()
    {
        ["metric"] = Metric.ToString(),
        ["foldScores"] = ResultFile.Numbers(FoldScores),
        ["perTarget"] = ResultFile.Numbers(PerTarget),
        ["null"] = ResultFile.Numbers(Null),
        ["probes"] = new JsonArray(Probes.Select((p, i) => (JsonNode)p.Save($"{prefix}fold{i}/", tensors)).ToArray()),
    };

    /// <summary>Scores written by <see cref="Save"/>.</summary>
    internal static CrossValidatedScore Restore(JsonNode json, string prefix, Func<string, Tensor> tensor)
    {
        var probes = new List<Probe>();
        try
        {
            foreach (var (probe, i) in json["probes"]!.AsArray().Select((p, i) => (p!, i)))
                probes.Add(Probe.Restore(probe, $"{prefix}fold{i}/", tensor));
            return new CrossValidatedScore(Enum.Parse<ProbeMetric>((string)json["metric"]!), ResultFile.Numbers(json["foldScores"]!), probes,
                                           ResultFile.Numbers(json["perTarget"]!)) { Null = ResultFile.Numbers(json["null"]!) };
        }
        catch
        {
            foreach (var probe in probes) probe.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var probe in Probes) probe.Dispose();
    }
}
