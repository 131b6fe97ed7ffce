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
        Console.WriteLine($"cnn ({cnn.TestAccuracy:P1} test accuracy), {images} Fashion-MNIST test images, batch {batchSize}, " +
                          $"{threads} threads ({Environment.ProcessorCount} cores); TorchSharp {typeof(torch).Assembly.GetName().Version}");

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
            var wall = new double[repeats];
            var cpu = new double[repeats];
            var process = Process.GetCurrentProcess();
            for (int r = 0; r < repeats; r++)
            {
                process.Refresh();
                var cpuStart = process.TotalProcessorTime;
                var clock = Stopwatch.StartNew();
                using (method.Attribute(model, x, y)) { }
                wall[r] = clock.Elapsed.TotalSeconds;
                process.Refresh();
                cpu[r] = (process.TotalProcessorTime - cpuStart).TotalSeconds;
            }
            sharp[name] = new Timing(Median(wall) / images, Median(cpu) / images, sums);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  TorchSharp {name}: {sharp[name].Seconds * 1000:F2} ms/image wall, {sharp[name].CpuSeconds * 1000:F2} ms/image CPU ({method.Parameters})"));
        }

        Dictionary<string, Timing>? python = null;
        string framework = "PyTorch";
        if (peer)
        {
            Console.Error.WriteLine("  PyTorch: running the peer ...");
            (framework, python) = RunPeer(cnn, x, y, names, threads, batchSize, repeats);
        }

        Console.WriteLine();
        Console.WriteLine($"Median of {repeats} calls after {WarmupSeconds} s (at least one call) of warm-up calls on the same {images} images; wall and process CPU time per image.");
        Console.WriteLine($"| method | TorchSharp ms/image | {framework} ms/image | PyTorch / TorchSharp | TorchSharp CPU ms/image | {framework} CPU ms/image | CPU ratio | map sums, max relative difference |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var name in names)
        {
            var s = sharp[name];
            string py = "-", ratio = "-", pyCpu = "-", cpuRatio = "-", agreement = "-";
            if (python is not null && python.TryGetValue(name, out var p))
            {
                py = (p.Seconds * 1000).ToString("F2", CultureInfo.InvariantCulture);
                ratio = (p.Seconds / s.Seconds).ToString("F2", CultureInfo.InvariantCulture);
                pyCpu = (p.CpuSeconds * 1000).ToString("F2", CultureInfo.InvariantCulture);
                cpuRatio = (p.CpuSeconds / Math.Max(1e-9, s.CpuSeconds)).ToString("F2", CultureInfo.InvariantCulture);
                double worst = s.Sums.Zip(p.Sums, (a, b) => Math.Abs(a - b) / Math.Max(1e-6, Math.Max(Math.Abs(a), Math.Abs(b)))).Max();
                // RISE and SmoothGrad draw their random masks/noise from different generators on each side.
                agreement = name is "rise" or "smoothgrad" ? $"{worst:P1} (random draws differ)" : worst.ToString("P3", CultureInfo.InvariantCulture);
            }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {s.Seconds * 1000:F2} | {py} | {ratio} | {s.CpuSeconds * 1000:F2} | {pyCpu} | {cpuRatio} | {agreement} |"));
        }
        Console.WriteLine("PyTorch / TorchSharp > 1 means TorchSharp is faster (target: at least 1 for every method).");
    }

    readonly record struct Timing(double Seconds, double CpuSeconds, double[] Sums);

    static double Median(double[] values)
    {
        var sorted = values.Order().ToArray();
        int n = sorted.Length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    static (string Framework, Dictionary<string, Timing> Methods) RunPeer(
        TrainedModel cnn, Tensor x, Tensor y, IReadOnlyList<string> names, int threads, int batchSize, int repeats)
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
            var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var arg in new[]
            {
                RepositoryPaths.AttributionPeerScript, "--weights", cnn.CheckpointPath, "--hyperparameters", hyperparameters,
                "--data", data, "--methods", string.Join(",", names), "--threads", $"{threads}", "--batch-size", $"{batchSize}", "--repeats", $"{repeats}",
                "--warmup-seconds", WarmupSeconds.ToString(CultureInfo.InvariantCulture),
            }) start.ArgumentList.Add(arg);
            using var process = Process.Start(start)
                ?? throw new PhospheneException("cannot start /usr/bin/python3; install python3-torch and python3-scipy (environment/setup.sh)");
            var stderr = process.StandardError.ReadToEndAsync();
            string stdout = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
                throw new PhospheneException($"the PyTorch attribution peer failed (exit {process.ExitCode}); are python3-torch and " +
                                             $"python3-scipy installed (environment/setup.sh)?\n{stderr.Result}");
            using var json = JsonDocument.Parse(stdout.Trim().Split('\n')[^1]);
            var root = json.RootElement;
            var methods = new Dictionary<string, Timing>();
            foreach (var m in root.GetProperty("methods").EnumerateObject())
                methods[m.Name] = new Timing(m.Value.GetProperty("seconds_per_image").GetDouble(),
                                             m.Value.GetProperty("cpu_seconds_per_image").GetDouble(),
                                             m.Value.GetProperty("map_sums").EnumerateArray().Select(v => v.GetDouble()).ToArray());
            return (root.GetProperty("framework").GetString()!, methods);
        }
        finally
        {
            File.Delete(data);
        }
    }
}
