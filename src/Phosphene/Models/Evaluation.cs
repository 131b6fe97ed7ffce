using Phosphene.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Phosphene.Models;

/// <summary>Accuracy and loss of a classifier on a labelled dataset, and the checks that data fits a model.</summary>
public static class Evaluation
{
    /// <summary>
    /// Evaluates <paramref name="model"/> on <paramref name="data"/> in batches, without gradients, in evaluation mode
    /// (batch-norm running statistics, no dropout); the model's previous mode is restored afterwards.
    /// </summary>
    /// <param name="model">A classifier mapping float32 N×C×H×W images to N×K logits.</param>
    /// <param name="data">Images N×C×H×W in [0, 1] with int64 labels in [0, K).</param>
    /// <param name="batchSize">Examples per forward pass; default 1000 (only memory depends on it).</param>
    /// <param name="cancellation">Checked before every batch.</param>
    /// <returns>Accuracy, mean cross-entropy, and the counts behind them.</returns>
    /// <exception cref="PhospheneException">Data that does not fit the model, or a batch size below 1.</exception>
    public static EvaluationResult Evaluate(nn.Module<Tensor, Tensor> model, ImageDataset data, int batchSize = 1000,
                                            CancellationToken cancellation = default)
    {
        if (batchSize < 1) throw new PhospheneException($"batch size {batchSize} is invalid: it must be at least 1");
        CheckData(model, data, "evaluation");
        bool wasTraining = model.training;
        model.eval();
        try
        {
            using var noGrad = no_grad();
            double lossSum = 0;
            long correct = 0;
            for (long start = 0; start < data.Count; start += batchSize)
            {
                cancellation.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                long size = Math.Min(batchSize, data.Count - start);
                var labels = data.Labels.narrow(0, start, size);
                var logits = model.call(data.Images.narrow(0, start, size));
                lossSum += nn.functional.cross_entropy(logits, labels, reduction: nn.Reduction.Sum).item<float>();
                correct += logits.argmax(1).eq(labels).sum().item<long>();
            }
            return new EvaluationResult((double)correct / data.Count, lossSum / data.Count, correct, data.Count);
        }
        finally
        {
            model.train(wasTraining);
        }
    }

    /// <summary>
    /// Throws a <see cref="PhospheneException"/> when <paramref name="data"/> is empty, has labels outside [0, K) or
    /// images of another shape than a zoo model expects. <paramref name="purpose"/> names the use in the message.
    /// </summary>
    internal static void CheckData(nn.Module<Tensor, Tensor> model, ImageDataset data, string purpose)
    {
        if (data.Count == 0) throw new PhospheneException($"{purpose} data '{data.Name}' is empty");
        using var scope = NewDisposeScope();
        long minLabel = data.Labels.min().item<long>(), maxLabel = data.Labels.max().item<long>();
        if (minLabel < 0) throw new PhospheneException($"{purpose} data '{data.Name}' has a negative label ({minLabel})");
        if (model is not ZooModel zoo) return;
        var h = zoo.Hyperparameters;
        var shape = data.Images.shape;
        if (shape[1] != h.InputChannels || shape[2] != h.ImageSize || shape[3] != h.ImageSize)
            throw new PhospheneException(
                $"{purpose} data '{data.Name}' has images {string.Join("×", shape.Skip(1))} but {zoo.Architecture} expects " +
                $"{h.InputChannels}×{h.ImageSize}×{h.ImageSize}; set {h.GetType().Name}.InputChannels / ImageSize to match the data");
        if (maxLabel >= h.NumClasses)
            throw new PhospheneException(
                $"{purpose} data '{data.Name}' has label {maxLabel} but {zoo.Architecture} has {h.NumClasses} classes " +
                $"(labels 0 to {h.NumClasses - 1}); set {h.GetType().Name}.NumClasses to at least {maxLabel + 1}");
    }
}
