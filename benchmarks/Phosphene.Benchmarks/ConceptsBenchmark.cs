using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Phosphene.Concepts;
using Phosphene.Data;
using Phosphene.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Phosphene.Benchmarks;

/// <summary>
/// <c>concepts</c>: (1) NMF with r = 10 on a 4096×512 non-negative matrix, 200 iterations (tolerance 0), Phosphene's
/// coordinate-descent and HALS solvers against scikit-learn's <c>cd</c> and <c>mu</c> solvers in the same run, same
/// nndsvda initialisation; (2) Sobol concept importance for 500 Fashion-MNIST images, r = 10, 32 designs, on the zoo
/// CNN split at <c>features.6</c>.
/// </summary>
static class ConceptsBenchmark
{
    public static void Run(CommandLine options)
    {
        int threads = options.GetInt("threads", Environment.ProcessorCount);
        int rows = options.GetInt("rows", 4096), cols = options.GetInt("cols", 512), rank = options.GetInt("concepts", 10);
        int iterations = options.GetInt("iterations", 200), images = options.GetInt("images", 500), designs = options.GetInt("designs", 32);
        int repeats = options.GetInt("repeats", 3);
        torch.set_num_threads(threads);
        Console.WriteLine($"{threads} threads ({Environment.ProcessorCount} cores); TorchSharp {typeof(torch).Assembly.GetName().Version}");

        // (1) NMF on a planted rank-r matrix plus uniform noise.
        using var scope = NewDisposeScope();
        using var generator = new Generator().manual_seed(0);
        var a = rand([rows, rank], dtype: ScalarType.Float64, generator: generator).mm(rand([rank, cols], dtype: ScalarType.Float64, generator: generator))
                + 0.1 * rand([rows, cols], dtype: ScalarType.Float64, generator: generator);
        string path = Path.Combine(Path.GetTempPath(), $"phosphene-nmf-bench-{Environment.ProcessId}.bin");
        File.WriteAllBytes(path, a.contiguous().bytes.ToArray());
        var table = new List<(string Name, double Seconds, double Cpu, double Error, int Iterations)>();
        try
        {
            foreach (var solver in new[] { NmfSolver.CoordinateDescent, NmfSolver.Hals })
            {
                double best = double.PositiveInfinity, bestCpu = double.PositiveInfinity, error = 0;
                int its = 0;
                for (int repeat = 0; repeat < repeats; repeat++)
                {
                    using var nmf = new Nmf(rank, solver, NmfInit.Nndsvda, tolerance: 0, maxIterations: iterations);
                    var cpu = Process.GetCurrentProcess().TotalProcessorTime;
                    var watch = Stopwatch.StartNew();
                    nmf.Fit(a);
                    best = Math.Min(best, watch.Elapsed.TotalSeconds);
                    bestCpu = Math.Min(bestCpu, (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds);
                    using var inner = NewDisposeScope();
                    error = (a - nmf.Coefficients.mm(nmf.ConceptBank)).norm().item<double>();
                    its = nmf.Iterations;
                }
                table.Add(($"Phosphene {solver}", best, bestCpu, error, its));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  Phosphene {solver}: {best:F3} s, error {error:F4}"));
            }
            foreach (var solver in new[] { "cd", "mu" })
            {
                var peer = RunPeer(path, rows, cols, rank, iterations, solver, repeats);
                table.Add(($"{peer.GetProperty("framework").GetString()} {solver}", peer.GetProperty("seconds").GetDouble(), peer.GetProperty("cpu_seconds").GetDouble(),
                           peer.GetProperty("error").GetDouble(), peer.GetProperty("iterations").GetInt32()));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  scikit-learn {solver}: {table[^1].Seconds:F3} s, error {table[^1].Error:F4}"));
            }
        }
        finally { File.Delete(path); }

        var reference = table.First(t => t.Name.EndsWith(" cd", StringComparison.Ordinal));
        Console.WriteLine();
        Console.WriteLine($"NMF r={rank} on {rows}×{cols} (float64), {iterations} iterations, nndsvda, best of {repeats}:");
        Console.WriteLine("| implementation | wall s | CPU s (all threads) | reconstruction error | iterations | scikit-learn cd wall / this | scikit-learn cd CPU / this |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var (name, seconds, cpuSeconds, error, its) in table)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {seconds:F3} | {cpuSeconds:F3} | {error:F4} | {its} | {reference.Seconds / seconds:F2} | {reference.Cpu / cpuSeconds:F2} |"));

        // (2) Sobol concept importance.
        using var train = Datasets.FashionMnist(DatasetSplit.Train);
        using var test = Datasets.FashionMnist(DatasetSplit.Test);
        using var trained = ModelZoo.Trained("cnn", train, test);
        var split = new ModelSplit(trained.Model, "features.6");
        var x = test.Images[..images];
        var crops = new CropGrid(14, 7).Activations(split, x);
        using var concepts = new Nmf(rank);
        concepts.Fit(crops);
        var clock = Stopwatch.StartNew();
        var indices = ConceptImportance.Sobol(split, concepts, x, 0, designs);
        double sobolSeconds = clock.Elapsed.TotalSeconds;
        long evaluations = (long)images * (rank + 2) * designs;
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Sobol concept importance: {images} images, r={rank}, {designs} designs ({evaluations:N0} masked forward passes of h): {sobolSeconds:F2} s, {evaluations / sobolSeconds:N0} passes/s; mean total index {indices.mean().item<double>():F3}"));
    }

    static JsonElement RunPeer(string path, int rows, int cols, int rank, int iterations, string solver, int repeats)
    {
        var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[]
        {
            Path.Combine(RepositoryPaths.Root, "benchmarks", "peers", "nmf_sklearn.py"), "--matrix", path, "--rows", $"{rows}",
            "--cols", $"{cols}", "--components", $"{rank}", "--iterations", $"{iterations}", "--solver", solver, "--repeats", $"{repeats}",
        }) start.ArgumentList.Add(arg);
        using var process = Process.Start(start) ?? throw new PhospheneException("cannot start /usr/bin/python3; install python3-sklearn (environment/setup.sh)");
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new PhospheneException($"the scikit-learn peer failed (exit {process.ExitCode}); is python3-sklearn installed?\n{stderr.Result}");
        return JsonDocument.Parse(stdout.Trim().Split('\n')[^1]).RootElement.Clone();
    }
}
