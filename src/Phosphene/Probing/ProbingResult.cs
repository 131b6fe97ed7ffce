using System.Text.Json.Nodes;
using Phosphene.Results;
using TorchSharp;
using static TorchSharp.torch;

namespace Phosphene.Probing;

/// <summary>
/// Probes read out of layers: the mean held-out score and its SEM per layer, chance levels, the cross-validated fold
/// probes and one probe per layer refitted on all examples, for reuse on new data. Disposing it disposes the probes.
/// </summary>
public sealed class ProbingResult : IDisposable
{
    internal ProbingResult(string probeName, ProbeMetric metric, SpatialPooling pooling, IReadOnlyList<string> layers,
                           IReadOnlyDictionary<string, CrossValidatedScore> details, IReadOnlyDictionary<string, Probe> probes)
    {
        ProbeName = probeName;
        Metric = metric;
        Pooling = pooling;
        Layers = layers;
        Details = details;
        Probes = probes;
        Scores = layers.ToDictionary(l => l, l => details[l].Mean);
        Sem = layers.ToDictionary(l => l, l => details[l].Sem);
        Chance = layers.ToDictionary(l => l, l => details[l].Chance);
    }

    /// <summary>The registry name of the probe.</summary>
    public string ProbeName { get; }

    /// <summary>The held-out score.</summary>
    public ProbeMetric Metric { get; }

    /// <summary>The spatial pooling the features were taken with.</summary>
    public SpatialPooling Pooling { get; }

    /// <summary>The layers, in the order given (<c>features</c> when features were given directly).</summary>
    public IReadOnlyList<string> Layers { get; }

    /// <summary>Layer → mean held-out score over folds.</summary>
    public IReadOnlyDictionary<string, double> Scores { get; }

    /// <summary>Layer → standard error of the mean over folds.</summary>
    public IReadOnlyDictionary<string, double> Sem { get; }

    /// <summary>Layer → chance level from label permutations (NaN when none were run).</summary>
    public IReadOnlyDictionary<string, double> Chance { get; }

    /// <summary>Layer → fold scores, fold probes and permutation null.</summary>
    public IReadOnlyDictionary<string, CrossValidatedScore> Details { get; }

    /// <summary>Layer → the probe refitted on all examples (empty when refitting was off).</summary>
    public IReadOnlyDictionary<string, Probe> Probes { get; }

    /// <summary>The layer with the highest mean score.</summary>
    public string BestLayer => Layers.OrderByDescending(l => Scores[l]).First();

    /// <summary>Predictions of <paramref name="layer"/>'s refitted probe for new features of that layer (same pooling).</summary>
    public Tensor Predict(string layer, Tensor features) =>
        Probes.TryGetValue(layer, out var p) ? p.Predict(features)
        : throw new PhospheneException(
            $"no refitted probe for layer '{layer}'{Suggestions.DidYouMean(layer, Probes.Keys)}" +
            (Probes.Count == 0 ? "; probe with Refit = true to keep one" : $" (layers: {string.Join(", ", Probes.Keys)})"));

    /// <summary>
    /// Predictions of <paramref name="layer"/>'s refitted probe for new inputs: captures that layer of
    /// <paramref name="model"/> (the model the probes were fitted on) with this result's <see cref="Pooling"/>, then predicts.
    /// </summary>
    /// <param name="model">The probed model.</param>
    /// <param name="layer">A probed layer.</param>
    /// <param name="inputs">New inputs N×… (images N×C×H×W).</param>
    /// <param name="batchSize">Inputs per forward pass; default 256.</param>
    /// <returns>int64 labels N for a classifier probe; float64 N×T for a regressor.</returns>
    public Tensor Predict(nn.Module<Tensor, Tensor> model, string layer, Tensor inputs, int batchSize = 256)
    {
        if (!Probes.ContainsKey(layer)) return Predict(layer, inputs);   // throws, naming the probed layers
        using var activations = ActivationCapture.Capture(model, [layer], inputs, Pooling, batchSize);
        return Predict(layer, activations[layer]);
    }

    /// <summary>
    /// Saves the result to <paramref name="path"/> (see <see cref="ResultFile"/>): every layer's fold scores, permutation
    /// null and fitted probes (fold probes under <c>&lt;layer&gt;/fold&lt;i&gt;/</c>, the refitted probe under
    /// <c>&lt;layer&gt;/refit/</c>), so <see cref="Predict(string, Tensor)"/> works on the loaded result.
    /// </summary>
    /// <exception cref="PhospheneException">The path cannot be written.</exception>
    public void Save(string path)
    {
        var tensors = new List<(string, Tensor)>();
        var details = new JsonObject();
        foreach (var layer in Layers)
            details[layer] = Details[layer].Save($"{layer}/", tensors);
        var probes = new JsonObject();
        foreach (var (layer, probe) in Probes)
            probes[layer] = probe.Save($"{layer}/refit/", tensors);
        var values = new JsonObject
        {
            ["probe"] = ProbeName,
            ["metric"] = Metric.ToString(),
            ["pooling"] = new JsonObject { ["kind"] = Pooling.Kind.ToString(), ["gridSize"] = Pooling.GridSize },
            ["layers"] = ResultFile.Strings(Layers),
            ["details"] = details,
            ["probes"] = probes,
        };
        ResultFile.Write(path, nameof(ProbingResult), values, tensors);
    }

    /// <summary>Reads a result written by <see cref="Save"/>; the new result owns its probes.</summary>
    /// <exception cref="PhospheneException">A missing or damaged file, or one that holds another type of result.</exception>
    public static ProbingResult Load(string path)
    {
        using var file = ResultFile.Open(path, nameof(ProbingResult));
        var pooling = file.Value("pooling");
        var details = new Dictionary<string, CrossValidatedScore>();
        var probes = new Dictionary<string, Probe>();
        try
        {
            foreach (var (layer, json) in file.Value("details").AsObject())
                details[layer] = CrossValidatedScore.Restore(json!, $"{layer}/", file.Tensor);
            foreach (var (layer, json) in file.Value("probes").AsObject())
                probes[layer] = Probe.Restore(json!, $"{layer}/refit/", file.Tensor);
            return new ProbingResult((string)file.Value("probe")!, Enum.Parse<ProbeMetric>((string)file.Value("metric")!),
                new SpatialPooling(Enum.Parse<PoolingKind>((string)pooling["kind"]!), (int)pooling["gridSize"]!),
                ResultFile.Strings(file.Value("layers")), details, probes);
        }
        catch
        {
            foreach (var d in details.Values) d.Dispose();
            foreach (var p in probes.Values) p.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public override string ToString() => string.Join(Environment.NewLine,
        Layers.Select(l => $"{l}: {Details[l]}").Prepend($"{ProbeName} probe, {Metric}, pooling {Pooling}"));

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var d in Details.Values) d.Dispose();
        foreach (var p in Probes.Values) p.Dispose();
    }
}
