namespace Phosphene.Models;

/// <summary>
/// A progress report of a training run: where it is (epoch, batch) and how it goes (running mean loss and accuracy
/// over the epoch so far, throughput).
/// </summary>
/// <param name="Epoch">Current epoch, 1-based.</param>
/// <param name="Epochs">Total epochs.</param>
/// <param name="Batch">Batches done in this epoch, 1-based.</param>
/// <param name="Batches">Batches per epoch.</param>
/// <param name="Loss">Mean cross-entropy over the examples of this epoch so far (in training mode).</param>
/// <param name="Accuracy">Fraction of this epoch's examples so far classified correctly (in training mode).</param>
/// <param name="ExamplesPerSecond">Training examples processed per second since the run began.</param>
/// <param name="Elapsed">Time since the run began.</param>
public sealed record TrainingProgress(int Epoch, int Epochs, int Batch, int Batches, double Loss, double Accuracy,
                                     double ExamplesPerSecond, TimeSpan Elapsed)
{
    /// <summary>Fraction of the whole run done, in [0, 1].</summary>
    public double Fraction => ((Epoch - 1) * (double)Batches + Batch) / ((double)Epochs * Batches);

    /// <inheritdoc />
    public override string ToString() => System.FormattableString.Invariant(
        $"epoch {Epoch}/{Epochs} batch {Batch}/{Batches}: loss {Loss:F4}, accuracy {Accuracy:P2}, {ExamplesPerSecond:F0} examples/s");
}
