using System.Diagnostics;
using System.Globalization;
using Phosphene.Attribution;
using Phosphene.Attribution.Metrics;
using Phosphene.Data;
using Phosphene.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Phosphene.Benchmarks;

/// <summary>
/// <c>attribution-memory</c>: repeats attribute-then-score calls (the work of one <c>%attribute --metrics</c> call) on
/// the zoo CNN and prints the process's resident memory as the calls go; issue 4's target is less than 50 MB of growth
/// over 200 calls. Growth is measured from the end of a warm-up (libtorch and the allocator reach their working set
/// there), after a full garbage collection at every checkpoint.
/// </summary>
static class AttributionMemoryBenchmark
{
    public static void Run(CommandLine options)
    {
        int calls = options.GetInt("calls", 200), warmup = options.GetInt("warmup", 10), images = options.GetInt("images", 8);
        var methodNames = options.Get("methods", "saliency,integrated-gradients,occlusion").Split(',', StringSplitOptions.RemoveEmptyEntries);
        var metricNames = options.Get("metrics", "deletion,insertion,mu-fidelity").Split(',', StringSplitOptions.RemoveEmptyEntries);
        foreach (var m in metricNames) AttributionMetrics.Find(m);                // fail early on a misspelt name
        var methods = methodNames.Select(name => AttributionMethods.Create(name)).ToArray();

        using var train = Datasets.FashionMnist(DatasetSplit.Train);
        using var test = Datasets.FashionMnist(DatasetSplit.Test);
        using var cnn = ModelZoo.Trained("cnn", train, test);
        using var x = test.Images.narrow(0, 0, images).clone();
        using var y = test.Labels.narrow(0, 0, images).clone();
        Console.WriteLine($"{calls} calls of [{string.Join(", ", methodNames)}] × [{string.Join(", ", metricNames)}] on {images} images " +
                          $"after {warmup} warm-up calls; {get_num_threads()} threads");

        var clock = Stopwatch.StartNew();
        double baseline = 0;
        var rows = new List<(int Call, double Megabytes, double Seconds)>();
        for (int call = 1; call <= warmup + calls; call++)
        {
            OneCall(cnn.Model, methods, metricNames, x, y);
            if (call == warmup || (call > warmup && (call - warmup) % 50 == 0) || call == warmup + calls)
            {
                double mb = ResidentMegabytes();
                if (call == warmup) baseline = mb;
                rows.Add((call - warmup, mb, clock.Elapsed.TotalSeconds));
                Console.Error.WriteLine($"  call {call - warmup}: {mb:F1} MB");
            }
        }

        double growth = rows[^1].Megabytes - baseline;
        var lines = new List<string>
        {
            $"{calls} calls of [{string.Join(", ", methodNames)}] scored by [{string.Join(", ", metricNames)}] on {images} test images with " +
            $"the zoo CNN, after {warmup} warm-up calls; {get_num_threads()} threads; resident memory after a full garbage collection. No " +
            "peer: a memory bound, not a comparison.",
            "",
            "| calls after warm-up | resident MB | growth MB | elapsed s |",
            "| ---: | ---: | ---: | ---: |",
        };
        foreach (var (call, mb, seconds) in rows.DistinctBy(r => r.Call))
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"| {call} | {mb:F1} | {mb - baseline:+0.0;-0.0;0.0} | {seconds:F1} |"));
        lines.Add("");
        lines.Add(string.Create(CultureInfo.InvariantCulture,
            $"Growth over {calls} calls: {growth:F1} MB (target < 50 MB): {(growth < 50 ? "met" : "NOT met")}."));
        MarkdownReport.Write(options, "Attribution memory (repeated attribute + metric calls)", lines);
    }

    static void OneCall(nn.Module<Tensor, Tensor> model, AttributionMethod[] methods, string[] metrics, Tensor x, Tensor y)
    {
        var explained = new List<ExplainedMethod>();
        try
        {
            foreach (var method in methods)
                explained.Add(new ExplainedMethod(method.Name, method.Attribute(model, x, y), method.AsFunction()));
            var table = MetricTable.Evaluate(model, x, y, explained, metrics);
            GC.KeepAlive(table);
        }
        finally
        {
            foreach (var e in explained) e.Maps.Dispose();
        }
    }

    static double ResidentMegabytes()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        return process.WorkingSet64 / (1024.0 * 1024.0);
    }
}
