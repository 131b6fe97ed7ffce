using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Phosphene.Synchrony;
using TorchSharp;
using static TorchSharp.torch;

namespace Phosphene.Benchmarks;

/// <summary>
/// <c>kuramoto</c>: Phosphene's Kuramoto simulator against NumPy (Debian) in one run: N = 10⁴ mean-field oscillators
/// for 10⁴ Euler steps (the issue's target: at most 0.2× NumPy's time), 256 networks × N = 100 in matrix-product
/// form, and a 32×32 convolutional Kuramoto layer forward + backward (against PyTorch, as NumPy has no autograd).
/// NumPy runs float64 (its default) and float32; Phosphene runs float32.
/// </summary>
static class KuramotoBenchmark
{
    public static void Run(CommandLine options)
    {
        int threads = options.GetInt("threads", 1);
        int repeats = options.GetInt("repeats", 3);
        bool peer = !options.Has("no-peer");
        set_num_threads(threads);
        var rows = new List<string>();

        // 1. Mean field, N = 10⁴, 10⁴ Euler steps.
        var meanField = Spread.Time(() => Simulate(1, 10_000, 10_000, null), repeats);
        AddRows(rows, "mean-field N=10⁴, 10⁴ Euler steps", meanField, peer, ["mean-field", "--n", "10000", "--steps", "10000"], threads, repeats, 0.2);

        // 2. 256 networks × N = 100, shared dense matrix, matrix-product form, 2000 Euler steps.
        var matrix = Spread.Time(() => Simulate(256, 100, 2000, Uniform(100)), repeats);
        AddRows(rows, "matrix 256×N=100, 2000 Euler steps", matrix, peer, ["matrix", "--b", "256", "--n", "100", "--steps", "2000"], threads, repeats, null);

        // 3. Convolutional Kuramoto layer: 16 images of 32×32 oscillators, 3×3 kernel, 20 Euler steps, forward + backward.
        var convolution = Spread.Time(ConvolutionForwardBackward, Math.Max(repeats, 5));
        AddRows(rows, "conv 16×32×32, 3×3 kernel, 20 steps fwd+bwd", convolution, peer,
                ["conv", "--b", "16", "--n", "32", "--steps", "20"], threads, Math.Max(repeats, 5), 1.0, onlyTorchPeer: true);

        var lines = new List<string>
        {
            $"{PeerProcess.Conditions(threads)}; {Environment.ProcessorCount} cores; TorchSharp {typeof(torch).Assembly.GetName().Version}, Phosphene float32. " +
            $"Seconds: median (min–max) of {repeats} runs after a warm-up run ({Math.Max(repeats, 5)} for the convolutional layer); ratios " +
            "Phosphene / peer on the medians (below 1: Phosphene is faster).",
            "",
            "| workload | Phosphene wall s | Phosphene CPU s | peer | peer wall s | peer CPU s | ratio wall | ratio CPU | target |",
            "| --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | --- |",
        };
        lines.AddRange(rows);
        MarkdownReport.Write(options, "Kuramoto simulation (Phosphene vs NumPy and PyTorch)", lines);
    }

    static Tensor Uniform(int n)
    {
        using var generator = new Generator(0);
        return (rand(n, n, generator: generator) / n).DetachFromDisposeScope();
    }

    static void Simulate(int networks, int oscillators, int steps, Tensor? matrix)
    {
        using var scope = NewDisposeScope();
        var omega = new LorentzianFrequencies(0, 0.5).Sample(networks, oscillators);
        using var model = new KuramotoModel(omega, 2.0, matrix is null ? null : new MatrixCoupling(matrix));
        var theta = InitialPhases.Uniform(networks, oscillators);
        using var run = KuramotoSimulator.Simulate(model, theta,
            new SimulationOptions { Dt = 0.01, Steps = steps, Integrator = Integrator.Euler, RecordEvery = 100 });
    }

    static void ConvolutionForwardBackward()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(0);
        const int b = 16, side = 32;
        var omega = randn(b, side * side, generator: generator);
        var theta0 = rand(b, side * side, generator: generator) * (2 * Math.PI);
        var kernel = full(3, 3, 1f / 8).requires_grad_();
        var topology = new GridCoupling(side, side, kernel);
        using var model = new KuramotoModel(omega, tensor(1f), topology);
        var theta = theta0;
        for (int i = 0; i < 20; i++) theta = theta + 0.1 * model.Velocity(theta);
        var loss = OrderParameter.CircularVariance(theta).mean();
        loss.backward();
    }

    static void AddRows(List<string> rows, string name, (Spread Wall, Spread Cpu) phosphene, bool peer, string[] peerArgs, int threads,
                        int repeats, double? target, bool onlyTorchPeer = false)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}: Phosphene {phosphene.Wall.Median:F3} s wall, {phosphene.Cpu.Median:F3} s CPU"));
        if (!peer)
        {
            rows.Add($"| {name} | {phosphene.Wall.Format("F3")} | {phosphene.Cpu.Format("F3")} | - | - | - | - | - | - |");
            return;
        }
        foreach (var dtype in onlyTorchPeer ? new[] { "float32" } : ["float64", "float32"])
        {
            var json = PeerProcess.Run("kuramoto_numpy.py", [.. peerArgs, "--dtype", dtype, "--threads", $"{threads}", "--repeats", $"{repeats}"],
                                       threads, PeerAllocator.Equal, "python3-numpy and python3-torch");
            string framework = json.GetProperty("framework").GetString()!;
            var wall = new Spread(PeerProcess.Numbers(json.GetProperty("seconds_all")));
            var cpu = new Spread(PeerProcess.Numbers(json.GetProperty("cpu_seconds_all")));
            double wallRatio = phosphene.Wall.Median / wall.Median, cpuRatio = phosphene.Cpu.Median / cpu.Median;
            string verdict = target is { } t && (onlyTorchPeer || dtype == "float64")
                ? string.Create(CultureInfo.InvariantCulture, $"≤ {t:G2}× the peer (wall): {(wallRatio <= t ? "met" : "NOT met")}")
                : "";
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {framework}: {wall.Median:F3} s wall, {cpu.Median:F3} s CPU (ratios {wallRatio:F3} wall, {cpuRatio:F3} CPU)"));
            rows.Add(string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {phosphene.Wall.Format("F3")} | {phosphene.Cpu.Format("F3")} | {framework} | {wall.Format("F3")} | {cpu.Format("F3")} | {wallRatio:F3} | {cpuRatio:F3} | {verdict} |"));
        }
    }
}
