using Phosphene.Data;

namespace Phosphene.Models;

/// <summary>
/// The zoo of small image classifiers for 1×28×28 inputs (Fashion-MNIST, MNIST): a registry by name, construction with
/// seeded weights, and trained models served from a checkpoint cache, so asking twice trains once.
/// </summary>
public static class ModelZoo
{
    static readonly ZooEntry[] All =
    [
        new("cnn", "two conv-BN-ReLU-pool stages and a two-layer classifier (LeCun et al. 1998 style)",
            new SmallCnnHyperparameters(),
            new TrainingOptions { Epochs = 3, BatchSize = 128, LearningRate = 2e-3, Schedule = LearningRateSchedule.LinearDecay },
            h => new SmallCnn((SmallCnnHyperparameters)h)),
        new("resnet", "three-stage residual network of basic blocks (He et al. 2016, CIFAR form)",
            new SmallResNetHyperparameters(),
            new TrainingOptions { Epochs = 2, BatchSize = 128, LearningRate = 2e-3, Schedule = LearningRateSchedule.LinearDecay },
            h => new SmallResNet((SmallResNetHyperparameters)h)),
    ];

    /// <summary>Every architecture of the zoo, in a fixed order.</summary>
    public static IReadOnlyList<ZooEntry> Entries => All;

    /// <summary>The zoo names: <c>cnn</c>, <c>resnet</c>.</summary>
    public static IReadOnlyList<string> Names => All.Select(e => e.Name).ToArray();

    /// <summary>The entry called <paramref name="name"/>.</summary>
    /// <exception cref="PhospheneException">No such model; the message suggests the closest name.</exception>
    public static ZooEntry Entry(string name) =>
        All.FirstOrDefault(e => e.Name == name)
        ?? throw new PhospheneException(
            $"unknown model '{name}'{Suggestions.DidYouMean(name, Names)} (models: {string.Join(", ", Names)})");

    /// <summary>Builds an untrained model, initial weights seeded by <paramref name="seed"/> (see <see cref="ZooEntry.Create"/>).</summary>
    /// <param name="name">A zoo name: <c>cnn</c> or <c>resnet</c>.</param>
    /// <param name="hyperparameters">The architecture's hyper-parameters record; default its defaults.</param>
    /// <param name="seed">Seed of the initial weights; default 0.</param>
    public static ZooModel Create(string name, ModelHyperparameters? hyperparameters = null, long seed = 0) =>
        Entry(name).Create(hyperparameters, seed);

    /// <summary>
    /// A model trained on <paramref name="train"/> and evaluated on <paramref name="test"/>. The first call trains
    /// (initial weights seeded by <see cref="TrainingOptions.Seed"/>, see <see cref="Trainer.Train"/>) and writes a
    /// checkpoint; a later call with the same architecture, hyper-parameters, options and data loads it at once.
    /// </summary>
    /// <param name="name">A zoo name: <c>cnn</c> or <c>resnet</c>.</param>
    /// <param name="train">Training data: float32 N×C×H×W images in [0, 1], int64 labels.</param>
    /// <param name="test">Test data, used for <see cref="TrainedModel.TestAccuracy"/> and <see cref="TrainedModel.TestLoss"/>.</param>
    /// <param name="options">Training schedule; default the entry's tuned <see cref="ZooEntry.DefaultTraining"/>.</param>
    /// <param name="progress">Receives training progress (nothing when loaded from the cache).</param>
    /// <param name="cancellation">Stops training; nothing is cached then.</param>
    /// <param name="hyperparameters">The architecture's hyper-parameters; default the entry's.</param>
    /// <param name="store">Checkpoint cache; default <c>models</c> under <see cref="PhospheneCache.Root"/>.</param>
    /// <exception cref="PhospheneException">Unknown name, invalid options or data that does not fit the model.</exception>
    /// <exception cref="OperationCanceledException">Training was cancelled.</exception>
    public static TrainedModel Trained(string name, ImageDataset train, ImageDataset test, TrainingOptions? options = null,
                                      IProgress<TrainingProgress>? progress = null, CancellationToken cancellation = default,
                                      ModelHyperparameters? hyperparameters = null, CheckpointStore? store = null)
    {
        var entry = Entry(name);
        options ??= entry.DefaultTraining;
        options.Validate();
        hyperparameters ??= entry.DefaultHyperparameters;
        store ??= new CheckpointStore();

        var model = entry.Create(hyperparameters, options.Seed);
        try
        {
            Evaluation.CheckData(model, train, "training");
            Evaluation.CheckData(model, test, "test");
            string key = CheckpointStore.Key(name, hyperparameters, options, train, test);
            if (store.TryLoad(model, key) is { } cached)
                return new TrainedModel(model, options, cached, store.WeightsPath(name, key), fromCache: true);

            // A failed load may have overwritten some weights: start again from the seeded initialisation.
            model.Dispose();
            model = entry.Create(hyperparameters, options.Seed);
            var run = Trainer.Train(model, train, options, progress, cancellation);
            var evaluation = Evaluation.Evaluate(model, test, cancellation: cancellation);
            var metadata = new CheckpointMetadata
            {
                Key = key,
                Architecture = name,
                Hyperparameters = hyperparameters.CacheKey,
                Training = options.CacheKey,
                TrainData = train.Name,
                TrainDataHash = train.ContentHash,
                TestData = test.Name,
                TestDataHash = test.ContentHash,
                ParameterCount = model.ParameterCount,
                TrainSeconds = run.Seconds,
                ExamplesPerSecond = run.ExamplesPerSecond,
                Threads = run.Threads,
                TestAccuracy = evaluation.Accuracy,
                TestLoss = evaluation.Loss,
                History = run.History,
                CreatedUtc = DateTime.UtcNow,
            };
            string path = store.Save(model, metadata);
            return new TrainedModel(model, options, metadata, path, fromCache: false);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Builds a zoo model and loads weights exported from PyTorch by <c>Models/PyTorch/export_state_dict.py</c>
    /// (see <see cref="PyTorchWeights.Load"/>). The model is in evaluation mode.
    /// </summary>
    /// <param name="name">A zoo name: <c>cnn</c> or <c>resnet</c>.</param>
    /// <param name="stateDictPath">The exported state dict.</param>
    /// <param name="hyperparameters">Must match the exported model's; default the entry's.</param>
    /// <param name="rename">Maps a PyTorch key to a zoo key (e.g. strips a <c>module.</c> prefix); default identity.</param>
    /// <exception cref="PhospheneException">Unreadable file, or keys or shapes that do not match (all named).</exception>
    public static ZooModel FromPyTorch(string name, string stateDictPath, ModelHyperparameters? hyperparameters = null,
                                       Func<string, string>? rename = null)
    {
        var model = Create(name, hyperparameters);
        try
        {
            PyTorchWeights.Load(model, stateDictPath, rename);
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }
}
