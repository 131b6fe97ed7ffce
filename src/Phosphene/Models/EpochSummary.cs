namespace Phosphene.Models;

/// <summary>One finished epoch of a training run.</summary>
/// <param name="Epoch">The epoch, 1-based.</param>
/// <param name="Loss">Mean training cross-entropy over the epoch (in training mode, as the weights moved).</param>
/// <param name="Accuracy">Fraction of the epoch's training examples classified correctly (in training mode).</param>
/// <param name="Seconds">Wall-clock seconds of the epoch.</param>
public sealed record EpochSummary(int Epoch, double Loss, double Accuracy, double Seconds);
