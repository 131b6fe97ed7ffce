using System.Globalization;
using Phosphene.Data;
using Phosphene.Models;

namespace Phosphene.Benchmarks;

/// <summary>
/// <c>zoo</c>: gets every zoo model trained on Fashion-MNIST through the checkpoint cache (training those absent) and
/// prints one row per model. The README's main job runs this.
/// </summary>
static class ZooTable
{
    public static void Run(CommandLine options)
    {
        using var train = Datasets.FashionMnist(DatasetSplit.Train);
        using var test = Datasets.FashionMnist(DatasetSplit.Test);
        var store = new CheckpointStore();
        Console.WriteLine($"Phosphene model zoo on Fashion-MNIST ({train.Count} train / {test.Count} test), cache {store.Directory}");
        Console.WriteLine();
        Console.WriteLine("| model | parameters | epochs | train seconds | test accuracy | test loss | cached |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | --- |");
        foreach (var entry in ModelZoo.Entries)
        {
            using var trained = ModelZoo.Trained(entry.Name, train, test, progress: new ConsoleProgress(entry.Name), store: store);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {entry.Name} | {trained.Model.ParameterCount:N0} | {trained.Options.Epochs} | {trained.TrainSeconds:F1} | " +
                $"{trained.TestAccuracy:P2} | {trained.TestLoss:F4} | {(trained.FromCache ? "yes" : "no")} |"));
        }
    }
}
