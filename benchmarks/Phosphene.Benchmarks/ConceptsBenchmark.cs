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

        // (1) NMF on a planted rank-r matrix plus uniform noise.
        using var scope = NewDisposeScope();
        using var generator = new Generator().manual_seed(0);
        var a = rand([rows, rank], dtype: ScalarType.Float64, generator: generator).mm(rand([rank, cols], dtype: ScalarType.Float64, generator: generator))
                + 0.1 * rand([rows, cols], dtype: ScalarType.Float64, generator: generator);
        string path = Path.Combine(Path.GetTempPath(), $"phosphene-nmf-bench-{Environment.ProcessId}.bin");
        File.WriteAllBytes(path, a.contiguous().bytes.ToArray());
        var table = new List<(string Name, Spread Seconds, Spread Cpu, double Error, int Iterations)>();
        try
        {
            foreach (var solver in new[] { NmfSolver.CoordinateDescent, NmfSolver.Hals })
            {
                double error = 0;
                int its = 0;
                var (wall, cpu) = Spread.Time(() =>
                {
                    using var nmf = new Nmf(rank, solver, NmfInit.Nndsvda, tolerance: 0, maxIterations: iterations);
                    nmf.Fit(a);
                    using var inner = NewDisposeScope();
                    error = (a - nmf.Coefficients.mm(nmf.ConceptBank)).norm().item<double>();
                    its = nmf.Iterations;
                }, repeats, warmup: false);
                table.Add(($"Phosphene {solver}", wall, cpu, error, its));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  Phosphene {solver}: {wall.Median:F3} s, error {error:F4}"));
            }
            foreach (var solver in new[] { "cd", "mu" })
            {
                var peer = PeerProcess.Run("nmf_sklearn.py",
                [
                    "--matrix", path, "--rows", $"{rows}", "--cols", $"{cols}", "--components", $"{rank}", "--iterations", $"{iterations}",
                    "--solver", solver, "--repeats", $"{repeats}",
                ], threads, PeerAllocator.Equal, "python3-sklearn");
                table.Add(($"{peer.GetProperty("framework").GetString()} {solver}", new Spread(PeerProcess.Numbers(peer.GetProperty("seconds_all"))),
                           new Spread(PeerProcess.Numbers(peer.GetProperty("cpu_seconds_all"))), peer.GetProperty("error").GetDouble(), peer.GetProperty("iterations").GetInt32()));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  scikit-learn {solver}: {table[^1].Seconds.Median:F3} s, error {table[^1].Error:F4}"));
            }
        }
        finally { File.Delete(path); }

        var reference = table.First(t => t.Name.EndsWith(" cd", StringComparison.Ordinal));
        var lines = new List<string>
        {
            $"NMF r = {rank} on a seeded {rows}×{cols} float64 matrix (planted rank {rank} + uniform noise), {iterations} iterations, tolerance 0, " +
            $"nndsvda; {PeerProcess.Conditions(threads)}. Seconds: median " +
            $"(min–max) of {repeats} fits; ratios on the medians (above 1: faster than scikit-learn's cd).",
            "",
            "| implementation | wall s | CPU s (all threads) | reconstruction error | iterations | scikit-learn cd wall / this | scikit-learn cd CPU / this |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
        };
        foreach (var (name, seconds, cpuSeconds, error, its) in table)
            lines.Add(string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {seconds.Format("F3")} | {cpuSeconds.Format("F3")} | {error:F4} | {its} | {reference.Seconds.Median / seconds.Median:F2} | {reference.Cpu.Median / cpuSeconds.Median:F2} |"));
        lines.Add("");
        lines.Add("Target (issue 22): at least 2× scikit-learn at equal or lower error.");
        MarkdownReport.Write(options, "Concepts: NMF (Phosphene vs scikit-learn)", lines);

        // (2) Sobol concept importance, beside the bare forward passes of h that it makes.
        using var train = Datasets.FashionMnist(DatasetSplit.Train);
        using var test = Datasets.FashionMnist(DatasetSplit.Test);
        using var trained = ModelZoo.Trained("cnn", train, test);
        var split = new ModelSplit(trained.Model, "features.6");
        var x = test.Images[..images];
        var crops = new CropGrid(14, 7).Activations(split, x);
        using var concepts = new Nmf(rank);
        concepts.Fit(crops);
        long evaluations = (long)images * (rank + 2) * designs;
        double meanIndex = 0;
        var (sobolWall, _) = Spread.Time(() =>
        {
            using var indices = ConceptImportance.Sobol(split, concepts, x, 0, designs);
            meanIndex = indices.mean().item<double>();
        }, repeats, warmup: false);
        // The same passes of h alone: batches of the size Sobol sends (whole designs per batch of at most 1024 masks),
        // on real activations of the same images, in the same total number.
        long rowsPerDesign = (rank + 2L) * designs;
        long batch = Math.Max(1, 1024 / rowsPerDesign) * rowsPerDesign;
        var (bareWall, _) = BareForwardPasses(split, x, batch, evaluations, repeats);
        var sobolRate = new Spread(new[] { sobolWall.Min, sobolWall.Median, sobolWall.Max }.Select(t => evaluations / t));
        var bareRate = new Spread(new[] { bareWall.Min, bareWall.Median, bareWall.Max }.Select(t => evaluations / t));
        double ratio = bareRate.Median / sobolRate.Median;
        var sobolLines = new List<string>
        {
            $"Total-order Sobol indices (Jansen, {designs} Sobol designs) of an NMF with r = {rank} of the zoo CNN's `features.6` activations, " +
            $"for {images} Fashion-MNIST test images: ({rank} + 2)·{designs} = {rowsPerDesign} masked forward passes of h per image, " +
            $"{evaluations:N0} in all; {threads} threads. Beside it, h alone (`ModelSplit.Logits`) on batches of {batch} activations of the " +
            $"same images, the same number of passes. Median (min–max) of {repeats} runs.",
            "",
            "| workload | seconds | passes/s | bare h passes/s ÷ this |",
            "| --- | ---: | ---: | ---: |",
            string.Create(CultureInfo.InvariantCulture, $"| Sobol concept importance (mean total index {meanIndex:F3}) | {sobolWall.Format("F2")} | {sobolRate.Format("N0")} | {ratio:F2} |"),
            string.Create(CultureInfo.InvariantCulture, $"| bare forward passes of h | {bareWall.Format("F2")} | {bareRate.Format("N0")} | 1.00 |"),
            "",
            "Target (issue 22): Sobol concept importance within 1.2× of the bare passes' throughput.",
        };
        MarkdownReport.Write(options, "Concepts: Sobol concept importance beside the bare forward passes", sobolLines);
    }

    /// <summary>Times <paramref name="total"/> forward passes of h in batches of <paramref name="batch"/> activations.</summary>
    static (Spread Wall, Spread Cpu) BareForwardPasses(ModelSplit split, Tensor images, long batch, long total, int repeats)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var activations = split.Activations(images);
        // A batch of real activations: the images' activations repeated until the batch is full.
        var index = arange(batch, ScalarType.Int64).remainder(activations.shape[0]);
        var input = activations.index_select(0, index).contiguous();
        return Spread.Time(() =>
        {
            for (long done = 0; done < total; done += batch)
            {
                using var inner = NewDisposeScope();
                long count = Math.Min(batch, total - done);
                split.Logits(count == batch ? input : input.narrow(0, 0, count));
            }
        }, repeats);
    }
}
