using Phosphene.Data;
using Phosphene.Models;

namespace Phosphene.Synchrony;

/// <summary>
/// The KomplexNet experiment of notebook 08 (Löwe et al. 2022, "Complex-valued autoencoders for object discovery",
/// and Ricci et al.'s Kuramoto-driven variant): overlapping two-object Fashion-MNIST composites, a complex network (or a
/// baseline) trained on them, or loaded from the checkpoint cache when the same settings and data were trained before.
/// </summary>
/// <remarks>
/// The defaults are notebook 08's: 10 000 training and 500 test composites of 40×40 at overlap 0.5, 8 oscillator
/// channels, 8 Kuramoto steps of 0.5, 5 epochs of 64 at Adam's 5e-3 (decayed linearly). The test composites use
/// <c>Seed + 1</c>; the network's phases and the training order use <see cref="Seed"/>.
/// </remarks>
public sealed record KomplexNetExperiment
{
    /// <summary>The network: the complex variants or a baseline; default feedforward.</summary>
    public KomplexVariant Variant { get; init; } = KomplexVariant.Feedforward;

    /// <summary>Training composites (from the Fashion-MNIST training split); default 10 000.</summary>
    public int TrainCount { get; init; } = 10000;

    /// <summary>Test composites (from the test split); default 500.</summary>
    public int TestCount { get; init; } = 500;

    /// <summary>Shared fraction of the two objects' boxes; default 0.5.</summary>
    public double Overlap { get; init; } = 0.5;

    /// <summary>Canvas side in pixels; default 40.</summary>
    public int Canvas { get; init; } = 40;

    /// <summary>Channels C of the oscillator layer; default 8.</summary>
    public int Channels { get; init; } = 8;

    /// <summary>Kuramoto steps; default 8.</summary>
    public int KuramotoSteps { get; init; } = 8;

    /// <summary>Kuramoto step size ε; default 0.5.</summary>
    public double StepSize { get; init; } = 0.5;

    /// <summary>Initial global inhibition κ (learned); default 1.</summary>
    public double GlobalInhibition { get; init; } = 1.0;

    /// <summary>Weight of the object-synchrony term of the loss (0: labels only); default 1.</summary>
    public double SynchronyWeight { get; init; } = 1.0;

    /// <summary>Training epochs; default 5.</summary>
    public int Epochs { get; init; } = 5;

    /// <summary>Images per step; default 64.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>Adam learning rate, decayed linearly to 0; default 5e-3.</summary>
    public double LearningRate { get; init; } = 5e-3;

    /// <summary>Seed of the data, weights, order and phases; default 0.</summary>
    public long Seed { get; init; }

    /// <summary>The training schedule.</summary>
    public TrainingOptions Training => new() { Epochs = Epochs, BatchSize = BatchSize, LearningRate = LearningRate, Seed = Seed };

    /// <summary>The network's settings for data with <paramref name="classes"/> classes.</summary>
    public KomplexNetOptions Network(int classes) => new()
    {
        Variant = Variant,
        Channels = Channels,
        KuramotoSteps = KuramotoSteps,
        StepSize = StepSize,
        GlobalInhibition = GlobalInhibition,
        SynchronyWeight = SynchronyWeight,
        Classes = classes,
        PhaseSeed = Seed,
    };

    /// <summary>Checks every setting before any work.</summary>
    /// <exception cref="PhospheneException">A setting is out of range (named as the property).</exception>
    public void Validate()
    {
        if (TrainCount < 1) throw Invalid.Setting(nameof(KomplexNetExperiment), nameof(TrainCount), TrainCount, "at least 1");
        if (TestCount < 1) throw Invalid.Setting(nameof(KomplexNetExperiment), nameof(TestCount), TestCount, "at least 1");
        Network(10).Validate();
        Training.Validate();
    }

    /// <summary>Generates the composites and trains the network (or loads it from the checkpoint cache).</summary>
    /// <param name="progress">Receives training progress (nothing when loaded from the cache).</param>
    /// <param name="cancellation">Stops training; nothing is cached then.</param>
    /// <param name="store">Checkpoint cache; default <c>models</c> under <see cref="PhospheneCache.Root"/>.</param>
    /// <exception cref="PhospheneException">Invalid settings, or Fashion-MNIST not in the data cache.</exception>
    public KomplexNetRun Run(IProgress<TrainingProgress>? progress = null, CancellationToken cancellation = default, CheckpointStore? store = null)
    {
        Validate();
        using var trainSource = Datasets.FashionMnist(DatasetSplit.Train);
        using var testSource = Datasets.FashionMnist(DatasetSplit.Test);
        using var train = OverlappingObjects.Generate(trainSource, TrainCount, Overlap, Canvas, seed: Seed);
        var test = OverlappingObjects.Generate(testSource, TestCount, Overlap, Canvas, seed: Seed + 1);
        try
        {
            var trained = KomplexNetTrainer.Trained(Network(train.ClassNames.Count), train, test, Training, progress, cancellation, store);
            return new KomplexNetRun(trained, test);
        }
        catch
        {
            test.Dispose();
            throw;
        }
    }
}
