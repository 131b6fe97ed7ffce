namespace Phosphene.Models;

/// <summary>What a training run did: its epochs, steps and speed.</summary>
/// <param name="History">One summary per epoch, in order.</param>
/// <param name="Steps">Optimisation steps taken.</param>
/// <param name="Seconds">Wall-clock seconds of the whole run.</param>
/// <param name="ExamplesPerSecond">Training examples processed per second.</param>
/// <param name="Threads">Intra-op threads TorchSharp used (<c>torch.get_num_threads()</c>).</param>
public sealed record TrainingResult(IReadOnlyList<EpochSummary> History, long Steps, double Seconds,
                                   double ExamplesPerSecond, int Threads);
