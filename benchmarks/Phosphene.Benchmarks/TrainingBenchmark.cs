using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Phosphene.Data;
using Phosphene.Models;
using TorchSharp;

namespace Phosphene.Benchmarks;

/// <summary>
/// <c>training</c>: trains zoo models on Fashion-MNIST without the cache, in TorchSharp and then in the PyTorch peer
/// with the same architecture, schedule, seed and thread count, and prints both side by side with ratios.
/// </summary>
static class TrainingBenchmark
{
    sealed record Measurement(string Framework, int Threads, long Parameters, double Seconds, double ExamplesPerSecond,
                      double TestAccuracy, double TestLoss);

    public static void Run(CommandLine options)
    {
        var names = options.Get("models", string.Join(",", ModelZoo.Names)).Split(',', StringSplitOptions.RemoveEmptyEntries);
        foreach (var name in names) ModelZoo.Entry(name);   // fail early on a misspelt name
        int threads = options.GetInt("threads", Environment.ProcessorCount);
        bool peer = !options.Has("no-peer");

        torch.set_num_threads(threads);
        using var train = Datasets.FashionMnist(DatasetSplit.Train);
        using var test = Datasets.FashionMnist(DatasetSplit.Test);
        Console.WriteLine($"Fashion-MNIST: {train.Count} train / {test.Count} test; {threads} threads " +
                          $"({Environment.ProcessorCount} cores); TorchSharp {typeof(torch).Assembly.GetName().Version}");

        var rows = new List<(ZooEntry Entry, Measurement Sharp, Measurement? Python)>();
        foreach (var name in names)
        {
            var entry = ModelZoo.Entry(name);
            var o = entry.DefaultTraining;
            Console.WriteLine($"{name}: {o.Epochs} epochs, batch {o.BatchSize}, Adam lr {o.LearningRate.ToString(CultureInfo.InvariantCulture)} " +
                              $"{o.Schedule}, seed {o.Seed}");
            using var model = entry.Create(seed: o.Seed);
            var result = Trainer.Train(model, train, o, new ConsoleProgress($"{name} TorchSharp"));
            var evaluation = Evaluation.Evaluate(model, test);
            var sharp = new Measurement("TorchSharp", result.Threads, model.ParameterCount, result.Seconds,
                                result.ExamplesPerSecond, evaluation.Accuracy, evaluation.Loss);
            Console.WriteLine($"  TorchSharp: {sharp.Seconds:F1} s, test accuracy {sharp.TestAccuracy:P2}");
            Measurement? python = null;
            if (peer)
            {
                Console.Error.WriteLine($"  {name} PyTorch: training ...");
                python = RunPeer(entry, threads);
                Console.WriteLine($"  {python.Framework}: {python.Seconds:F1} s, test accuracy {python.TestAccuracy:P2}");
            }
            rows.Add((entry, sharp, python));
        }

        var lines = new List<string>
        {
            $"Fashion-MNIST ({train.Count} train / {test.Count} test), each model's default schedule, one training run per side (minutes " +
            $"each, so no repeats: the spread of the other tables is the guide to the noise); {PeerProcess.Conditions(threads)}; TorchSharp {typeof(torch).Assembly.GetName().Version}. Ratio PyTorch / " +
            "TorchSharp seconds (above 1: Phosphene is faster).",
            "",
            "| model | params | epochs | threads | TorchSharp s | PyTorch s | PyTorch s / TorchSharp s | TorchSharp ex/s | PyTorch ex/s | TorchSharp test acc | PyTorch test acc |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        };
        foreach (var (entry, s, p) in rows)
            lines.Add(string.Create(CultureInfo.InvariantCulture,
                $"| {entry.Name} | {s.Parameters:N0} | {entry.DefaultTraining.Epochs} | {s.Threads} | {s.Seconds:F1} | {Cell(p?.Seconds, "F1")} | " +
                $"{Cell(p is null ? null : p.Seconds / s.Seconds, "F2")} | {s.ExamplesPerSecond:F0} | {Cell(p?.ExamplesPerSecond, "F0")} | " +
                $"{s.TestAccuracy:P2} | {Cell(p?.TestAccuracy, "P2")} |"));
        if (rows.FirstOrDefault(r => r.Entry.Name == "cnn") is { Sharp: { } cnn })
        {
            lines.Add("");
            lines.Add(string.Create(CultureInfo.InvariantCulture,
                $"Target for the small CNN: at least 90 % test accuracy in at most 180 s: {cnn.TestAccuracy:P2} in {cnn.Seconds:F1} s, " +
                $"{(cnn.TestAccuracy >= 0.90 && cnn.Seconds <= 180 ? "met" : "NOT met")}."));
        }
        MarkdownReport.Write(options, "Model training (TorchSharp vs PyTorch)", lines);
    }

    static string Cell(double? value, string format) =>
        value is { } v ? v.ToString(format, CultureInfo.InvariantCulture) : "-";

    static Measurement RunPeer(ZooEntry entry, int threads)
    {
        var o = entry.DefaultTraining;
        var catalog = DataCatalog.Default;
        string File(string name) => catalog.Resolve("fashion-mnist", name);
        var r = PeerProcess.Run("train_pytorch.py",
        [
            "--model", entry.Name, "--epochs", $"{o.Epochs}", "--batch-size", $"{o.BatchSize}",
            "--lr", o.LearningRate.ToString("R", CultureInfo.InvariantCulture), "--schedule", o.Schedule.ToString().ToLowerInvariant(),
            "--weight-decay", o.WeightDecay.ToString("R", CultureInfo.InvariantCulture), "--seed", $"{o.Seed}",
            "--threads", $"{threads}", "--hyperparameters", PeerHyperparameters(entry.DefaultHyperparameters),
            "--train-images", File("train-images-idx3-ubyte.gz"), "--train-labels", File("train-labels-idx1-ubyte.gz"),
            "--test-images", File("t10k-images-idx3-ubyte.gz"), "--test-labels", File("t10k-labels-idx1-ubyte.gz"),
        ], threads, PeerAllocator.Equal, "python3-torch");
        return new Measurement(r.GetProperty("framework").GetString()!, r.GetProperty("threads").GetInt32(),
                       r.GetProperty("parameters").GetInt64(), r.GetProperty("seconds").GetDouble(),
                       r.GetProperty("examples_per_second").GetDouble(), r.GetProperty("test_accuracy").GetDouble(),
                       r.GetProperty("test_loss").GetDouble());
    }

    // The twin's keyword arguments: the C# hyper-parameters in snake_case.
    static string PeerHyperparameters(ModelHyperparameters h) => JsonSerializer.Serialize(h switch
    {
        SmallCnnHyperparameters c => new Dictionary<string, object>
        {
            ["input_channels"] = c.InputChannels, ["image_size"] = c.ImageSize, ["num_classes"] = c.NumClasses,
            ["conv1_channels"] = c.Conv1Channels, ["conv2_channels"] = c.Conv2Channels,
            ["hidden_units"] = c.HiddenUnits, ["dropout"] = c.Dropout,
        },
        SmallResNetHyperparameters r => new Dictionary<string, object>
        {
            ["input_channels"] = r.InputChannels, ["image_size"] = r.ImageSize, ["num_classes"] = r.NumClasses,
            ["width"] = r.Width, ["stages"] = r.Stages, ["blocks_per_stage"] = r.BlocksPerStage,
        },
        _ => throw new PhospheneException($"no PyTorch twin for {h.GetType().Name}"),
    });
}
