using System.Security.Cryptography;
using System.Text;
using Phosphene.Data;
using Phosphene.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Phosphene.Attribution.Metrics;

/// <summary>
/// Trains one model of the <paramref name="split"/>-th leave-one-split-out family on <paramref name="train"/> (the
/// data without that split) and returns it in evaluation mode; <paramref name="heldOut"/> is the split left out.
/// </summary>
public delegate nn.Module<Tensor, Tensor> SplitTrainer(ImageDataset train, ImageDataset heldOut, int split);

/// <summary>
/// The k models of the algorithmic-stability measures MeGe and ReCo (Fel, Vigouroux, Cadène and Serre 2022, "How
/// Good is your Explanation? Algorithmic Stability Measures to Assess the Quality of Explanations for Deep Neural
/// Networks"): the data is cut into k contiguous splits and model i is trained on every split but split i. Holds the
/// data (not owned) and the models (owned: disposing this disposes them).
/// </summary>
public sealed class SplitModels : IDisposable
{
    readonly Dictionary<AttributionFunction, AlgorithmicStabilityResult> _results = [];

    /// <summary>Wraps already trained models: <paramref name="models"/>[i] must not have seen split i of <paramref name="data"/>.</summary>
    /// <param name="data">The data the splits are cut from (contiguous, sizes differing by at most one).</param>
    /// <param name="models">One model per split; this object takes ownership.</param>
    /// <exception cref="PhospheneException">Fewer than 2 models, or fewer examples than splits.</exception>
    public SplitModels(ImageDataset data, IReadOnlyList<nn.Module<Tensor, Tensor>> models)
    {
        if (models.Count < 2) throw new PhospheneException($"MeGe/ReCo need at least 2 splits, got {models.Count}");
        if (data.Count < models.Count)
            throw new PhospheneException($"cannot cut {data.Count} examples of '{data.Name}' into {models.Count} splits");
        Data = data;
        Models = models;
        var split = new int[data.Count];
        for (int k = 0; k < models.Count; k++)
        {
            var (start, count) = SplitRange(data.Count, models.Count, k);
            for (long i = start; i < start + count; i++) split[i] = k;
        }
        Split = split;
    }

    /// <summary>The data the models were trained on, split by split.</summary>
    public ImageDataset Data { get; }

    /// <summary>The k models; model i was trained without split i.</summary>
    public IReadOnlyList<nn.Module<Tensor, Tensor>> Models { get; }

    /// <summary>Number of splits k.</summary>
    public int K => Models.Count;

    /// <summary>For each example of <see cref="Data"/>, the split it belongs to.</summary>
    public IReadOnlyList<int> Split { get; }

    /// <summary>Example range [start, start + count) of split <paramref name="k"/> of <paramref name="total"/> examples cut into <paramref name="splits"/>.</summary>
    public static (long Start, long Count) SplitRange(long total, int splits, int k)
    {
        long start = total * k / splits, end = total * (k + 1) / splits;
        return (start, end - start);
    }

    /// <summary>
    /// Cuts <paramref name="data"/> into <paramref name="k"/> contiguous splits and trains model i with
    /// <paramref name="trainer"/> on all splits but i (default trainer: <see cref="ZooTrainer"/> with the small CNN).
    /// </summary>
    /// <param name="data">Labelled images; MeGe/ReCo explain these same examples.</param>
    /// <param name="k">Number of splits; default 4 (Fel et al. use 4 to 6).</param>
    /// <param name="trainer">Trains one model; default <c>ZooTrainer("cnn")</c>, cached by the model zoo.</param>
    /// <param name="progress">Receives the number of models trained so far.</param>
    /// <param name="cancellation">Checked before each model.</param>
    public static SplitModels Train(ImageDataset data, int k = 4, SplitTrainer? trainer = null, IProgress<int>? progress = null,
                                    CancellationToken cancellation = default)
    {
        if (k < 2) throw new PhospheneException($"MeGe/ReCo need at least 2 splits, got k = {k}");
        if (data.Count < k) throw new PhospheneException($"cannot cut {data.Count} examples of '{data.Name}' into {k} splits");
        trainer ??= ZooTrainer("cnn");
        var models = new List<nn.Module<Tensor, Tensor>>(k);
        try
        {
            for (int i = 0; i < k; i++)
            {
                cancellation.ThrowIfCancellationRequested();
                using var train = Without(data, k, i);
                using var heldOut = Subset(data, k, i);
                models.Add(trainer(train, heldOut, i));
                progress?.Report(i + 1);
            }
            return new SplitModels(data, models);
        }
        catch
        {
            foreach (var m in models) m.Dispose();
            throw;
        }
    }

    /// <summary>
    /// A <see cref="SplitTrainer"/> that trains the zoo architecture <paramref name="architecture"/> through
    /// <see cref="ModelZoo.Trained"/>, so each split's model is trained once and then served from the checkpoint cache.
    /// </summary>
    /// <param name="architecture">A zoo name, e.g. <c>cnn</c>.</param>
    /// <param name="options">Training options; default the entry's.</param>
    /// <param name="hyperparameters">Architecture hyper-parameters; default the entry's.</param>
    public static SplitTrainer ZooTrainer(string architecture, TrainingOptions? options = null, ModelHyperparameters? hyperparameters = null)
    {
        ModelZoo.Entry(architecture);
        return (train, heldOut, _) =>
        {
            var trained = ModelZoo.Trained(architecture, train, heldOut, options, hyperparameters: hyperparameters);
            return trained.Model;
        };
    }

    /// <summary>
    /// Explains every example of <see cref="Data"/> with every model (for its true label) and computes MeGe and ReCo
    /// (see <see cref="AlgorithmicStability.Compute"/>). The result is remembered per explainer: MeGe and ReCo of the
    /// same method share one run.
    /// </summary>
    /// <param name="explainer">The attribution method.</param>
    /// <param name="batchSize">Inputs per forward pass or explainer call; default 64.</param>
    /// <param name="progress">Receives models explained so far (of k).</param>
    /// <param name="cancellation">Checked between batches.</param>
    public AlgorithmicStabilityResult Evaluate(AttributionFunction explainer, int batchSize = 64, IProgress<int>? progress = null,
                                               CancellationToken cancellation = default)
    {
        if (batchSize < 1) throw new PhospheneException($"batch size {batchSize} is invalid: it must be at least 1");
        lock (_results)
            if (_results.TryGetValue(explainer, out var cached)) return cached;
        using var scope = NewDisposeScope();
        long n = Data.Count, h = Data.Images.shape[2], w = Data.Images.shape[3];
        var maps = zeros(K, n, h, w, ScalarType.Float32);
        var predictions = zeros(K, n, ScalarType.Int64);
        for (int m = 0; m < K; m++)
        {
            var model = Models[m];
            bool wasTraining = model.training;
            model.eval();
            try
            {
                foreach (var (start, size) in Batches.Of(n, batchSize))
                {
                    cancellation.ThrowIfCancellationRequested();
                    using var batchScope = NewDisposeScope();
                    var x = Data.Images.narrow(0, start, size);
                    var y = Data.Labels.narrow(0, start, size);
                    using (no_grad()) predictions[m].narrow(0, start, size).copy_(model.call(x).argmax(1));
                    var explanation = explainer(model, x, y);
                    if (explanation.dim() != 3 || explanation.shape[0] != size || explanation.shape[1] != h || explanation.shape[2] != w)
                        throw new PhospheneException(
                            $"mege: the explainer must return {size}×{h}×{w} maps for {size} inputs, but returned [{string.Join(", ", explanation.shape)}]");
                    maps[m].narrow(0, start, size).copy_(explanation.detach());
                }
            }
            finally
            {
                model.train(wasTraining);
            }
            progress?.Report(m + 1);
        }
        var result = AlgorithmicStability.Compute(maps, predictions, Data.Labels, Split);
        lock (_results) _results[explainer] = result;
        return result;
    }

    static ImageDataset Subset(ImageDataset data, int k, int split)
    {
        var (start, count) = SplitRange(data.Count, k, split);
        var subset = data.Slice(start, count);
        return subset;
    }

    static ImageDataset Without(ImageDataset data, int k, int split)
    {
        using var scope = NewDisposeScope();
        var (start, count) = SplitRange(data.Count, k, split);
        var keep = cat([arange(0, start, ScalarType.Int64), arange(start + count, data.Count, ScalarType.Int64)]);
        string hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{data.ContentHash}:without-split-{split}-of-{k}")));
        return new ImageDataset($"{data.Name}[without split {split} of {k}]", data.Images.index_select(0, keep),
                                data.Labels.index_select(0, keep), data.ClassNames, hash);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var model in Models) model.Dispose();
    }
}
