using Phosphene.Models;

namespace Phosphene.Benchmarks;

/// <summary>Writes training progress to standard error on one updating line (synchronously, in order).</summary>
sealed class ConsoleProgress(string label) : IProgress<TrainingProgress>
{
    public void Report(TrainingProgress value)
    {
        Console.Error.Write($"\r  {label}: {value}   ");
        if (value.Epoch == value.Epochs && value.Batch == value.Batches) Console.Error.WriteLine();
    }
}
