using System.Diagnostics;
using Phosphene.Data;
using Phosphene.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Phosphene.Synchrony;

/// <summary>
/// Trains KomplexNet and its baselines on overlapping two-object images (<see cref="OverlappingObjects"/>) with Adam
/// on the multi-label binary cross-entropy, and scores them: an image counts as correct when its two highest logits
/// are its two classes (Muzellec et al. 2025, "Enhancing deep neural networks through complex-valued representations
/// and Kuramoto synchronization dynamics").
/// </summary>
public static class KomplexNetTrainer
{
    /// <summary>
    /// Trains <paramref name="net"/> in place (shuffled by a generator seeded with <see cref="TrainingOptions.Seed"/>;
    /// epochs, batch size and learning rate from <paramref name="options"/>). Returns the mean loss per epoch.
    /// </summary>
    /// <exception cref="PhospheneException">Invalid options or images that do not fit the network.</exception>
    /// <exception cref="OperationCanceledException">The run was cancelled.</exception>
    public static IReadOnlyList<double> Train(KomplexNet net, OverlappingObjectsDataset data, TrainingOptions? options = null,
                                              IProgress<TrainingProgress>? progress = null, CancellationToken cancellation = default)
    {
        options ??= new TrainingOptions { Epochs = 3, BatchSize = 64 };
        options.Validate();
        if (data.ClassNames.Count != net.Options.Classes)
            throw new PhospheneException($"the data has {data.ClassNames.Count} classes but the network predicts {net.Options.Classes}; build KomplexNet with Classes = {data.ClassNames.Count}");
        var clock = Stopwatch.StartNew();
        using var targets = data.MultiHot();
        using var shuffle = new Generator(unchecked((ulong)options.Seed));
        using var optimizer = optim.Adam(net.parameters(), options.LearningRate);
        long count = data.Count;
        int batches = (int)((count + options.BatchSize - 1) / options.BatchSize);
        var losses = new List<double>();
        long done = 0;
        net.train();
        try
        {
            for (int epoch = 1; epoch <= options.Epochs; epoch++)
            {
                double sum = 0;
                long correct = 0;
                using var order = randperm(count, generator: shuffle);
                for (int batch = 1; batch <= batches; batch++)
                {
                    cancellation.ThrowIfCancellationRequested();
                    using var scope = NewDisposeScope();
                    long start = (long)(batch - 1) * options.BatchSize, size = Math.Min(options.BatchSize, count - start);
                    var index = order.narrow(0, start, size);
                    optimizer.zero_grad();
                    var logits = net.call(data.Images.index_select(0, index));
                    var loss = nn.functional.binary_cross_entropy_with_logits(logits, targets.index_select(0, index));
                    loss.backward();
                    optimizer.step();
                    double value = loss.item<float>();
                    if (!double.IsFinite(value))
                        throw new PhospheneException($"KomplexNet training diverged at epoch {epoch}, batch {batch}; lower the learning rate or the Kuramoto step size");
                    sum += value * size;
                    done += size;
                    using (no_grad())
                        correct += logits.topk(2, 1).indexes.sort(1).Values.eq(data.Labels.index_select(0, index).sort(1).Values).all(1).sum().item<long>();
                    progress?.Report(new TrainingProgress(epoch, options.Epochs, batch, batches, sum / (start + size), (double)correct / (start + size),
                                                          done / clock.Elapsed.TotalSeconds, clock.Elapsed));
                }
                losses.Add(sum / count);
            }
        }
        finally
        {
            net.eval();
        }
        return losses;
    }

    /// <summary>
    /// Fraction of images whose two highest logits are exactly their two classes, on the images as given or with
    /// Gaussian noise of standard deviation <paramref name="noise"/> (seeded), evaluated in batches of 256.
    /// </summary>
    public static double Accuracy(KomplexNet net, OverlappingObjectsDataset data, double noise = 0, int seed = 0)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var images = noise > 0 ? data.WithNoise(noise, seed) : data.Images;
        long correct = 0;
        for (long start = 0; start < data.Count; start += 256)
        {
            using var batchScope = NewDisposeScope();
            long size = Math.Min(256, data.Count - start);
            var top = net.call(images.narrow(0, start, size)).topk(2, 1).indexes.sort(1).Values;
            var truth = data.Labels.narrow(0, start, size).sort(1).Values;
            correct += top.eq(truth).all(1).sum().item<long>();
        }
        return (double)correct / data.Count;
    }
}
