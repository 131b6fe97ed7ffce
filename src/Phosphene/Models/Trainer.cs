using System.Diagnostics;
using Phosphene.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Phosphene.Models;

/// <summary>
/// Trains an image classifier with Adam (Kingma and Ba 2015, "Adam: A Method for Stochastic Optimization") on the
/// cross-entropy loss, deterministically: the same seed, data, options and thread count give bit-identical weights.
/// </summary>
public static class Trainer
{
    /// <summary>
    /// Trains <paramref name="model"/> in place on <paramref name="train"/>. Each epoch visits the examples in an order
    /// drawn by a <c>torch.Generator</c> seeded with <see cref="TrainingOptions.Seed"/>; dropout draws from TorchSharp's
    /// global generator, held seeded with the same seed for the whole run (<see cref="GlobalRandomScope"/>, so concurrent
    /// runs cannot interleave their draws; its earlier state is restored afterwards). The model ends in evaluation mode.
    /// </summary>
    /// <param name="model">A classifier mapping float32 N×C×H×W images to N×K logits.</param>
    /// <param name="train">Training images (N×C×H×W in [0, 1]) and int64 labels in [0, K).</param>
    /// <param name="options">Epochs, batch size, learning rate and schedule, seed; default <see cref="TrainingOptions"/>'s defaults.</param>
    /// <param name="progress">Receives a <see cref="TrainingProgress"/> every <see cref="TrainingOptions.ReportEvery"/> batches and at the end of each epoch.</param>
    /// <param name="cancellation">Checked before every batch; cancelling leaves the model partly trained.</param>
    /// <returns>The per-epoch history, step count, time and throughput.</returns>
    /// <exception cref="PhospheneException">Invalid options, or data that does not fit the model.</exception>
    /// <exception cref="OperationCanceledException">The run was cancelled.</exception>
    public static TrainingResult Train(nn.Module<Tensor, Tensor> model, ImageDataset train, TrainingOptions? options = null,
                                       IProgress<TrainingProgress>? progress = null, CancellationToken cancellation = default)
    {
        options ??= new TrainingOptions();
        options.Validate();
        Evaluation.CheckData(model, train, "training");
        long count = train.Count;
        int batchSize = options.BatchSize;
        int batches = (int)((count + batchSize - 1) / batchSize);
        long totalSteps = (long)batches * options.Epochs, step = 0;

        using var globalRandom = GlobalRandomScope.Seed(options.Seed, cancellation);
        using var shuffle = new Generator(unchecked((ulong)options.Seed));
        using var optimizer = torch.optim.Adam(model.parameters(), options.LearningRate, weight_decay: options.WeightDecay);
        var history = new List<EpochSummary>(options.Epochs);
        var clock = Stopwatch.StartNew();
        long examplesDone = 0;

        model.train();
        try
        {
            for (int epoch = 1; epoch <= options.Epochs; epoch++)
            {
                double epochStart = clock.Elapsed.TotalSeconds, lossSum = 0;
                long correct = 0, seen = 0;
                using var order = randperm(count, generator: shuffle);
                for (int batch = 1; batch <= batches; batch++)
                {
                    cancellation.ThrowIfCancellationRequested();
                    using var scope = NewDisposeScope();
                    long start = (long)(batch - 1) * batchSize, size = Math.Min(batchSize, count - start);
                    var indices = order.narrow(0, start, size);
                    var images = train.Images.index_select(0, indices);
                    var labels = train.Labels.index_select(0, indices);

                    foreach (var group in optimizer.ParamGroups) group.LearningRate = options.LearningRateAt(step, totalSteps);
                    optimizer.zero_grad();
                    var logits = model.call(images);
                    var loss = nn.functional.cross_entropy(logits, labels);
                    loss.backward();
                    optimizer.step();
                    step++;

                    float batchLoss = loss.item<float>();
                    if (!float.IsFinite(batchLoss))
                        throw new PhospheneException(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                            $"training diverged at epoch {epoch}, batch {batch} (loss {batchLoss}); lower the learning rate " +
                            $"(now {options.LearningRateAt(step, totalSteps):G3}) or change the seed"));
                    lossSum += batchLoss * size;
                    using (no_grad()) correct += logits.argmax(1).eq(labels).sum().item<long>();
                    seen += size;
                    examplesDone += size;
                    if (progress is not null && (batch % options.ReportEvery == 0 || batch == batches))
                        progress.Report(new TrainingProgress(epoch, options.Epochs, batch, batches, lossSum / seen,
                            (double)correct / seen, examplesDone / clock.Elapsed.TotalSeconds, clock.Elapsed));
                }
                history.Add(new EpochSummary(epoch, lossSum / seen, (double)correct / seen, clock.Elapsed.TotalSeconds - epochStart));
            }
        }
        finally
        {
            model.eval();
        }
        double seconds = clock.Elapsed.TotalSeconds;
        return new TrainingResult(history, step, seconds, examplesDone / seconds, get_num_threads());
    }
}
