using System.Diagnostics;
using Phosphene.Data;
using Phosphene.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Phosphene.Synchrony;

/// <summary>
/// Trains KomplexNet and its baselines on overlapping two-object images (<see cref="OverlappingObjects"/>) and scores
/// them: an image counts as correct when its two highest logits are its two classes (Muzellec, Alamia, Serre and
/// VanRullen 2025, "Enhancing deep neural networks through complex-valued representations and Kuramoto
/// synchronization dynamics").
/// </summary>
/// <remarks>
/// The loss is the cross-entropy between the softmax of the logits and the target that puts ½ on each of the two
/// classes: it ranks the two present classes above the others, which is what the top-2 score asks, and unlike ten
/// independent sigmoids it is not dominated at the start by the eight absent classes. For the two Kuramoto variants
/// the loss adds <see cref="KomplexNetOptions.SynchronyWeight"/> times the object-synchrony term
/// (<see cref="ObjectSynchronyLoss"/>), computed from the composites' object masks, as in the paper's end-to-end
/// training.
/// </remarks>
public static class KomplexNetTrainer
{
    /// <summary>
    /// Trains <paramref name="net"/> in place with Adam (shuffled by a generator seeded with
    /// <see cref="TrainingOptions.Seed"/>; epochs, batch size, learning rate, schedule and weight decay from
    /// <paramref name="options"/>, default 3 epochs of 64). Returns one summary per epoch (mean loss, top-2 training
    /// accuracy, seconds). A last batch of a single image is merged into the batch before it.
    /// </summary>
    /// <exception cref="PhospheneException">Invalid options, a class count that does not match, or divergence.</exception>
    /// <exception cref="OperationCanceledException">The run was cancelled.</exception>
    public static IReadOnlyList<EpochSummary> Train(KomplexNet net, OverlappingObjectsDataset data, TrainingOptions? options = null,
                                                    IProgress<TrainingProgress>? progress = null, CancellationToken cancellation = default)
    {
        options ??= new TrainingOptions { Epochs = 3, BatchSize = 64 };
        options.Validate();
        CheckData(net, data, "training");
        var clock = Stopwatch.StartNew();
        using var targets = data.MultiHot().div_(2);
        using var shuffle = new Generator(unchecked((ulong)options.Seed));
        using var optimizer = optim.Adam(net.parameters(), options.LearningRate, weight_decay: options.WeightDecay);
        long count = data.Count;
        if (count < 2) throw new PhospheneException($"KomplexNet training needs at least 2 composites (its read-out is batch-normalised), got {count}");
        // A last batch of one image cannot be batch-normalised: it joins the previous batch.
        int batches = (int)(count / options.BatchSize + (count % options.BatchSize > 1 || count < options.BatchSize ? 1 : 0));
        long totalSteps = (long)batches * options.Epochs, step = 0, done = 0;
        var history = new List<EpochSummary>();
        bool synchrony = net.Options.SynchronyWeight > 0 && net.Options.KuramotoSteps > 0 &&
                         net.Options.Variant is KomplexVariant.Feedforward or KomplexVariant.Feedback;
        net.train();
        try
        {
            for (int epoch = 1; epoch <= options.Epochs; epoch++)
            {
                var epochClock = Stopwatch.StartNew();
                double sum = 0;
                long correct = 0;
                using var order = randperm(count, generator: shuffle);
                for (int batch = 1; batch <= batches; batch++, step++)
                {
                    cancellation.ThrowIfCancellationRequested();
                    using var scope = NewDisposeScope();
                    long start = (long)(batch - 1) * options.BatchSize, size = batch == batches ? count - start : options.BatchSize;
                    var index = order.narrow(0, start, size);
                    foreach (var group in optimizer.ParamGroups) group.LearningRate = options.LearningRateAt(step, totalSteps);
                    optimizer.zero_grad();
                    var output = net.Run(data.Images.index_select(0, index));
                    var logits = output.Logits;
                    var loss = Loss(logits, targets.index_select(0, index));
                    if (synchrony)
                        loss = loss + net.Options.SynchronyWeight * ObjectSynchronyLoss(output, data.Masks.index_select(0, index));
                    loss.backward();
                    optimizer.step();
                    double value = loss.item<float>();
                    if (!double.IsFinite(value))
                        throw new PhospheneException($"KomplexNet training diverged at epoch {epoch}, batch {batch}; lower the learning rate or the Kuramoto step size");
                    sum += value * size;
                    done += size;
                    correct += CountCorrect(logits, data.Labels.index_select(0, index));
                    if (progress is not null && (batch % options.ReportEvery == 0 || batch == batches))
                        progress.Report(new TrainingProgress(epoch, options.Epochs, batch, batches, sum / (start + size),
                                                             (double)correct / (start + size), done / clock.Elapsed.TotalSeconds, clock.Elapsed));
                }
                history.Add(new EpochSummary(epoch, sum / count, (double)correct / count, epochClock.Elapsed.TotalSeconds));
            }
        }
        finally
        {
            net.eval();
        }
        return history;
    }

    /// <summary>
    /// The training loss: cross-entropy between softmax(<paramref name="logits"/>) (B×K) and <paramref name="targets"/>
    /// (B×K, each row a distribution, here ½ on each present class), averaged over the batch.
    /// </summary>
    public static Tensor Loss(Tensor logits, Tensor targets)
    {
        using var scope = NewDisposeScope();
        return (-(nn.functional.log_softmax(logits, 1) * targets).sum(1).mean()).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The object-synchrony loss: KuraNet's circular-moment group loss (<see cref="SynchronyLoss.CircularMoments(Tensor, Tensor)"/>)
    /// on the first-layer phases, with the two objects as groups and each unit weighted by its amplitude inside its
    /// object's own pixels (<see cref="KomplexNet.ObjectWeights"/>, held constant: the loss moves phases, not what is
    /// seen). 0 when each object is locked to one phase and the two are in antiphase; at most 1. This is the synchrony
    /// term the KomplexNet paper adds to the classification loss when it learns the coupling end to end.
    /// </summary>
    public static Tensor ObjectSynchronyLoss(KomplexOutput output, Tensor masks)
    {
        using var scope = NewDisposeScope();
        var membership = KomplexNet.ObjectWeights(output, masks).detach().flatten(2).transpose(1, 2);   // B×N×2
        return SynchronyLoss.CircularMoments(output.Phases.flatten(1).unsqueeze(0), membership).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Fraction of images whose two highest logits are exactly their two classes, on the images as given or with
    /// Gaussian noise of standard deviation <paramref name="noise"/> (seeded, clamped to [0, 1]), in batches of 256.
    /// </summary>
    /// <exception cref="PhospheneException">A class count that does not match, or a negative noise level.</exception>
    public static double Accuracy(KomplexNet net, OverlappingObjectsDataset data, double noise = 0, long seed = 0)
    {
        CheckData(net, data, "test");
        using var scope = NewDisposeScope();
        return Accuracy(net, noise != 0 ? data.WithNoise(noise, seed) : data.Images, data.Labels);
    }

    /// <summary>
    /// Fraction of <paramref name="images"/> (float32 B×C×S×S, e.g. composites shifted out of the training
    /// distribution: flipped, rotated) whose two highest logits are their two classes <paramref name="labels"/>
    /// (int64 B×2), in batches of 256.
    /// </summary>
    /// <exception cref="PhospheneException">Labels that are not int64 B×2 for the images, or images the network does not take.</exception>
    public static double Accuracy(KomplexNet net, Tensor images, Tensor labels)
    {
        if (labels.dim() != 2 || labels.shape[1] != 2 || labels.dtype != ScalarType.Int64 || images.dim() < 1 || labels.shape[0] != images.shape[0])
            throw new PhospheneException($"labels must be int64 B×2 (two classes per image) for the {(images.dim() > 0 ? images.shape[0] : 0)} images, got {labels.dtype} [{string.Join(", ", labels.shape)}]");
        using var noGrad = no_grad();
        long correct = 0, count = images.shape[0];
        for (long start = 0; start < count; start += 256)
        {
            using var batchScope = NewDisposeScope();
            long size = Math.Min(256, count - start);
            correct += CountCorrect(net.call(images.narrow(0, start, size)), labels.narrow(0, start, size));
        }
        return (double)correct / count;
    }

    /// <summary>
    /// A network of <paramref name="options"/> trained on <paramref name="train"/> and scored on <paramref name="test"/>.
    /// The first call trains (initial weights seeded by <see cref="TrainingOptions.Seed"/>) and writes a checkpoint;
    /// a later call with the same architecture options, training options and data (by content hash) loads it at once.
    /// </summary>
    /// <param name="options">Architecture; its <see cref="KomplexNetOptions.Classes"/> must match the data.</param>
    /// <param name="train">Training composites.</param>
    /// <param name="test">Test composites, used for <see cref="CheckpointMetadata.TestAccuracy"/>.</param>
    /// <param name="training">Schedule; default 3 epochs of 64 at Adam's 2e-3, linearly decayed.</param>
    /// <param name="progress">Receives training progress (nothing when loaded from the cache).</param>
    /// <param name="cancellation">Stops training; nothing is cached then.</param>
    /// <param name="store">Checkpoint cache; default <c>models</c> under <see cref="PhospheneCache.Root"/>.</param>
    /// <exception cref="PhospheneException">Invalid options or data that does not fit the network.</exception>
    /// <exception cref="OperationCanceledException">Training was cancelled.</exception>
    public static TrainedKomplexNet Trained(KomplexNetOptions options, OverlappingObjectsDataset train, OverlappingObjectsDataset test,
                                            TrainingOptions? training = null, IProgress<TrainingProgress>? progress = null,
                                            CancellationToken cancellation = default, CheckpointStore? store = null)
    {
        training ??= new TrainingOptions { Epochs = 3, BatchSize = 64 };
        training.Validate();
        store ??= new CheckpointStore();
        string architecture = Architecture(options.Variant);
        var net = new KomplexNet(options, training.Seed);
        try
        {
            CheckData(net, train, "training");
            CheckData(net, test, "test");
            string key = CheckpointStore.Key(architecture, options.CacheKey, training.CacheKey, train.ContentHash, test.ContentHash);
            if (store.TryLoad(net, architecture, key) is { } cached)
                return new TrainedKomplexNet(net, cached, store.WeightsPath(architecture, key), fromCache: true);

            // A failed load may have overwritten some weights: start again from the seeded initialisation.
            net.Dispose();
            net = new KomplexNet(options, training.Seed);
            var clock = Stopwatch.StartNew();
            var history = Train(net, train, training, progress, cancellation);
            double seconds = clock.Elapsed.TotalSeconds;
            var metadata = new CheckpointMetadata
            {
                Key = key,
                Architecture = architecture,
                Hyperparameters = options.CacheKey,
                Training = training.CacheKey,
                TrainData = train.ToString(),
                TrainDataHash = train.ContentHash,
                TestData = test.ToString(),
                TestDataHash = test.ContentHash,
                ParameterCount = net.parameters().Sum(p => p.numel()),
                TrainSeconds = seconds,
                ExamplesPerSecond = train.Count * training.Epochs / seconds,
                Threads = get_num_threads(),
                TestAccuracy = Accuracy(net, test),
                TestLoss = TestLoss(net, test),
                History = history,
                CreatedUtc = DateTime.UtcNow,
            };
            string path = store.Save(net, architecture, metadata);
            return new TrainedKomplexNet(net, metadata, path, fromCache: false);
        }
        catch
        {
            net.Dispose();
            throw;
        }
    }

    /// <summary>The checkpoint architecture name of a variant, e.g. <c>komplexnet-feedforward</c>.</summary>
    public static string Architecture(KomplexVariant variant) => variant switch
    {
        KomplexVariant.Feedforward => "komplexnet-feedforward",
        KomplexVariant.Feedback => "komplexnet-feedback",
        KomplexVariant.ComplexWithoutKuramoto => "komplexnet-no-kuramoto",
        KomplexVariant.Real => "komplexnet-real",
        _ => throw new PhospheneException($"unknown KomplexNet variant {variant}"),
    };

    static double TestLoss(KomplexNet net, OverlappingObjectsDataset data)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var targets = data.MultiHot().div_(2);
        double sum = 0;
        for (long start = 0; start < data.Count; start += 256)
        {
            long size = Math.Min(256, data.Count - start);
            sum += Loss(net.call(data.Images.narrow(0, start, size)), targets.narrow(0, start, size)).item<float>() * size;
        }
        return sum / data.Count;
    }

    static long CountCorrect(Tensor logits, Tensor labels)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        return logits.topk(2, 1).indexes.sort(1).Values.eq(labels.sort(1).Values).all(1).sum().item<long>();
    }

    static void CheckData(KomplexNet net, OverlappingObjectsDataset data, string role)
    {
        if (data.ClassNames.Count != net.Options.Classes)
            throw new PhospheneException($"the {role} data has {data.ClassNames.Count} classes but the network predicts {net.Options.Classes}; build KomplexNet with Classes = {data.ClassNames.Count}");
        if (data.Images.shape[1] != net.Options.InputChannels)
            throw new PhospheneException($"the {role} images have {data.Images.shape[1]} channels but the network takes {net.Options.InputChannels}");
    }
}
