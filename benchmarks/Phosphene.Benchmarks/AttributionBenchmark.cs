using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Phosphene.Attribution;
using Phosphene.Data;
using Phosphene.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Phosphene.Benchmarks;

/// <summary>
/// <c>attribution</c>: per-image time of Saliency, Integrated Gradients (50 steps), SmoothGrad (50 samples),
/// Occlusion (patch 4, stride 2), RISE (4000 masks) and Sobol (grid 8, 32 designs) on the zoo CNN, in TorchSharp and
/// then in the PyTorch peer (benchmarks/peers/attribution_pytorch.py) with the same weights, inputs, batch size and
/// thread count; prints both with ratios, and how closely the two sides' maps agree.
/// </summary>
/// <remarks>
/// Protocol, the same on both sides: warm-up calls on the measured batch for 2 s, at least one (so shapes, allocator
/// caches, lazy initialisation and the JIT are paid before timing), then <c>--repeats</c> timed calls; the median wall
/// time and the median process CPU time of a call, divided by the number of images.
/// </remarks>
static class AttributionBenchmark
{
    static readonly string[] DefaultMethods = ["saliency", "integrated-gradients", "smoothgrad", "occlusion", "rise", "sobol"];

    /// <summary>Both sides keep calling a method on the measured batch for this long before timing it (at least one call).</summary>
    const double WarmupSeconds = 2;

    public static void Run(CommandLine options)
    {
        var names = options.Get("methods", string.Join(",", DefaultMethods)).Split(',', StringSplitOptions.RemoveEmptyEntries);
        foreach (var name in names)
            if (!DefaultMethods.Contains(name))
                throw new PhospheneException($"the attribution benchmark has no method '{name}'{Suggestions.DidYouMean(name, DefaultMethods)} " +
                                             $"(methods: {string.Join(", ", DefaultMethods)})");
        int threads = options.GetInt("threads", Environment.ProcessorCount);
        int images = options.GetInt("images", 8);
        int batchSize = options.GetInt("batch-size", 64);
        int repeats = options.GetInt("repeats", 5);
        bool peer = !options.Has("no-peer");
        torch.set_num_threads(threads);

        using var train = Datasets.FashionMnist(DatasetSplit.Train);
        using var test = Datasets.FashionMnist(DatasetSplit.Test);
        var cnn = ModelZoo.Trained("cnn", train, test);
        var model = cnn.Model;
        model.eval();
        using var x = test.Images[..images].contiguous();
        using var y = test.Labels[..images].contiguous();

        var sharp = new Dictionary<string, Timing>();
        foreach (var name in names)
        {
            var method = AttributionMethods.Create(name, new MethodSettings { BatchSize = batchSize });
            double[] sums;
            using (var warm = method.Attribute(model, x, y)) // warm-up on the measured batch, as the peer
                sums = warm.sum([1L, 2L]).to_type(ScalarType.Float64).data<double>().ToArray();
            // Further warm-up calls until WarmupSeconds have passed: a cheap method's first few dozen calls still pay
            // one-off costs (the runtime's tiered JIT recompiles hot methods after 30 calls, allocator caches fill).
            for (var warmup = Stopwatch.StartNew(); warmup.Elapsed.TotalSeconds < WarmupSeconds;)
                using (method.Attribute(model, x, y)) { }
            var (wall, cpu) = Spread.Time(() => { using (method.Attribute(model, x, y)) { } }, repeats, warmup: false);
            sharp[name] = new Timing(wall.Times(1.0 / images), cpu.Times(1.0 / images), sums);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  TorchSharp {name}: {sharp[name].Seconds.Median * 1000:F2} ms/image wall, {sharp[name].CpuSeconds.Median * 1000:F2} ms/image CPU ({method.Parameters})"));
        }

        // The peer with our allocator settings (the like-for-like comparison), then with glibc's defaults (what a
        // Python user gets), both at our thread count.
        var peers = new Dictionary<PeerAllocator, Dictionary<string, Timing>>();
        string framework = "PyTorch";
        if (peer)
            foreach (var allocator in new[] { PeerAllocator.Equal, PeerAllocator.GlibcDefaults })
            {
                Console.Error.WriteLine($"  PyTorch ({PeerProcess.Describe(allocator)}): running the peer ...");
                (framework, peers[allocator]) = RunPeer(cnn, x, y, names, threads, batchSize, repeats, allocator);
            }

        string Ms(Spread s) => s.Times(1000).Format("F2");
        string Ratio(double peerValue, double ours) => (peerValue / Math.Max(1e-12, ours)).ToString("F2", CultureInfo.InvariantCulture);
        var lines = new List<string>
        {
            $"Zoo CNN ({cnn.TestAccuracy:P1} test accuracy), {images} Fashion-MNIST test images, batch {batchSize}, " +
            $"{Environment.ProcessorCount} cores; TorchSharp {typeof(torch).Assembly.GetName().Version} vs {framework}; {PeerProcess.Conditions(threads)}. " +
            $"Per image: median (min–max) of {repeats} calls after {WarmupSeconds} s of warm-up calls on the same images. Ratios peer / ours " +
            "(above 1: Phosphene is faster); the last columns run the peer again with glibc's default allocator, all else equal.",
            "",
            $"| method | TorchSharp ms/image | {framework} ms/image | wall ratio | TorchSharp CPU ms/image | {framework} CPU ms/image | CPU ratio | " +
            $"{framework}, glibc default allocator, ms/image | wall ratio, default allocator | map sums, max relative difference |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        };
        foreach (var name in names)
        {
            var s = sharp[name];
            string py = "-", ratio = "-", pyCpu = "-", cpuRatio = "-", pyDefault = "-", defaultRatio = "-", agreement = "-";
            if (peers.TryGetValue(PeerAllocator.Equal, out var equal) && equal.TryGetValue(name, out var p))
            {
                py = Ms(p.Seconds);
                ratio = Ratio(p.Seconds.Median, s.Seconds.Median);
                pyCpu = Ms(p.CpuSeconds);
                cpuRatio = Ratio(p.CpuSeconds.Median, s.CpuSeconds.Median);
                double worst = s.Sums.Zip(p.Sums, (a, b) => Math.Abs(a - b) / Math.Max(1e-6, Math.Max(Math.Abs(a), Math.Abs(b)))).Max();
                // RISE and SmoothGrad draw their random masks/noise from different generators on each side.
                agreement = name is "rise" or "smoothgrad" ? $"{worst:P1} (random draws differ)" : worst.ToString("P3", CultureInfo.InvariantCulture);
            }
            if (peers.TryGetValue(PeerAllocator.GlibcDefaults, out var defaults) && defaults.TryGetValue(name, out var d))
            {
                pyDefault = Ms(d.Seconds);
                defaultRatio = Ratio(d.Seconds.Median, s.Seconds.Median);
            }
            lines.Add($"| {name} | {Ms(s.Seconds)} | {py} | {ratio} | {Ms(s.CpuSeconds)} | {pyCpu} | {cpuRatio} | {pyDefault} | {defaultRatio} | {agreement} |");
        }
        lines.Add("");
        lines.Add("Target (issue 22): wall ratio at least 2 for every method against the peer with equal settings.");
        MarkdownReport.Write(options, "Attribution methods (TorchSharp vs PyTorch)", lines);
    }

    readonly record struct Timing(Spread Seconds, Spread CpuSeconds, double[] Sums);

    static (string Framework, Dictionary<string, Timing> Methods) RunPeer(
        TrainedModel cnn, Tensor x, Tensor y, IReadOnlyList<string> names, int threads, int batchSize, int repeats, PeerAllocator allocator)
    {
        string data = Path.Combine(Path.GetTempPath(), $"phosphene-attribution-{Environment.ProcessId}.bin");
        StateDictFile.Write(data, [new("inputs", x), new("targets", y)]);
        try
        {
            var h = (SmallCnnHyperparameters)cnn.Model.Hyperparameters;
            string hyperparameters = JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["input_channels"] = h.InputChannels, ["image_size"] = h.ImageSize, ["num_classes"] = h.NumClasses,
                ["conv1_channels"] = h.Conv1Channels, ["conv2_channels"] = h.Conv2Channels, ["hidden_units"] = h.HiddenUnits,
                ["dropout"] = h.Dropout,
            });
            var root = PeerProcess.Run("attribution_pytorch.py",
            [
                "--weights", cnn.CheckpointPath, "--hyperparameters", hyperparameters,
                "--data", data, "--methods", string.Join(",", names), "--threads", $"{threads}", "--batch-size", $"{batchSize}", "--repeats", $"{repeats}",
                "--warmup-seconds", WarmupSeconds.ToString(CultureInfo.InvariantCulture),
            ], threads, allocator, "python3-torch and python3-scipy");
            var methods = new Dictionary<string, Timing>();
            foreach (var m in root.GetProperty("methods").EnumerateObject())
                methods[m.Name] = new Timing(new Spread(PeerProcess.Numbers(m.Value.GetProperty("seconds_per_image_all"))),
                                             new Spread(PeerProcess.Numbers(m.Value.GetProperty("cpu_seconds_per_image_all"))),
                                             PeerProcess.Numbers(m.Value.GetProperty("map_sums")));
            return (root.GetProperty("framework").GetString()!, methods);
        }
        finally
        {
            File.Delete(data);
        }
    }
}
