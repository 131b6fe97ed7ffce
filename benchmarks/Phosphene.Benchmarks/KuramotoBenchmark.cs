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
        bool peer = !options.Has("no-peer");
        set_num_threads(threads);
        Console.WriteLine($"Kuramoto benchmark: {threads} torch thread(s), {Environment.ProcessorCount} cores; TorchSharp {typeof(torch).Assembly.GetName().Version}");
        var rows = new List<string>();

        // 1. Mean field, N = 10⁴, 10⁴ Euler steps.
        var meanField = Best(() => Simulate(1, 10_000, 10_000, null));
        AddRows(rows, "mean-field N=10⁴, 10⁴ Euler steps", meanField, peer, ["mean-field", "--n", "10000", "--steps", "10000"], 0.2);

        // 2. 256 networks × N = 100, shared dense matrix, matrix-product form, 2000 Euler steps.
        var matrix = Best(() => Simulate(256, 100, 2000, Uniform(100)));
        AddRows(rows, "matrix 256×N=100, 2000 Euler steps", matrix, peer, ["matrix", "--b", "256", "--n", "100", "--steps", "2000"], null);

        // 3. Convolutional Kuramoto layer: 16 images of 32×32 oscillators, 3×3 kernel, 20 Euler steps, forward + backward.
        var convolution = Best(ConvolutionForwardBackward, 3);
        AddRows(rows, "conv 16×32×32, 3×3 kernel, 20 steps fwd+bwd", convolution, peer,
                ["conv", "--b", "16", "--n", "32", "--steps", "20", "--threads", $"{threads}"], null, onlyTorchPeer: true);

        Console.WriteLine();
        Console.WriteLine("| workload | Phosphene wall s | Phosphene CPU s | peer | peer wall s | peer CPU s | ratio wall | ratio CPU | target |");
        Console.WriteLine("| --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | --- |");
        foreach (var row in rows) Console.WriteLine(row);
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

    /// <summary>The best wall and process CPU time of a few runs (CPU time is the fairer measure on a shared machine).</summary>
    static (double Wall, double Cpu) Best(Action run, int repeats = 2)
    {
        run();   // warm-up: JIT and first-touch allocations
        double wall = double.MaxValue, cpu = double.MaxValue;
        using var process = Process.GetCurrentProcess();
        for (int i = 0; i < repeats; i++)
        {
            process.Refresh();
            var cpuStart = process.TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            run();
            wall = Math.Min(wall, clock.Elapsed.TotalSeconds);
            process.Refresh();
            cpu = Math.Min(cpu, (process.TotalProcessorTime - cpuStart).TotalSeconds);
        }
        return (wall, cpu);
    }

    static void AddRows(List<string> rows, string name, (double Wall, double Cpu) phosphene, bool peer, string[] peerArgs, double? target, bool onlyTorchPeer = false)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}: Phosphene {phosphene.Wall:F3} s wall, {phosphene.Cpu:F3} s CPU"));
        if (!peer)
        {
            rows.Add(string.Create(CultureInfo.InvariantCulture, $"| {name} | {phosphene.Wall:F3} | {phosphene.Cpu:F3} | - | - | - | - | - | - |"));
            return;
        }
        foreach (var dtype in onlyTorchPeer ? new[] { "float32" } : ["float64", "float32"])
        {
            var (framework, wall, cpu) = RunPeer([.. peerArgs, "--dtype", dtype]);
            double wallRatio = phosphene.Wall / wall, cpuRatio = phosphene.Cpu / cpu;
            string verdict = target is { } t && dtype == "float64" ? $"≤ {t:G2}× NumPy (CPU): {(cpuRatio <= t ? "met" : "NOT met")}" : "";
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {framework}: {wall:F3} s wall, {cpu:F3} s CPU (ratios {wallRatio:F3} wall, {cpuRatio:F3} CPU)"));
            rows.Add(string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {phosphene.Wall:F3} | {phosphene.Cpu:F3} | {framework} | {wall:F3} | {cpu:F3} | {wallRatio:F3} | {cpuRatio:F3} | {verdict} |"));
        }
    }

    static (string Framework, double Seconds, double CpuSeconds) RunPeer(string[] args)
    {
        var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(RepositoryPaths.Root, "benchmarks", "peers", "kuramoto_numpy.py"));
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start) ?? throw new PhospheneException("cannot start /usr/bin/python3; install python3-numpy");
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new PhospheneException($"the NumPy peer failed (exit {process.ExitCode}); are python3-numpy and python3-torch installed?\n{stderr.Result}");
        using var json = JsonDocument.Parse(stdout.Trim().Split('\n')[^1]);
        var root = json.RootElement;
        return (root.GetProperty("framework").GetString()!, root.GetProperty("seconds").GetDouble(), root.GetProperty("cpu_seconds").GetDouble());
    }
}
