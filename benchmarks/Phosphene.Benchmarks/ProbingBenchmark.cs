using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using Phosphene.Probing;
using TorchSharp;
using static TorchSharp.torch;

namespace Phosphene.Benchmarks;

/// <summary>
/// <c>probing</c>: a multinomial logistic-regression probe on 5000×512 features with 10 classes, and ridge with
/// leave-one-out α on 5000×4096 features, in Phosphene and then in the scikit-learn peer on the same data, with the
/// same C, tolerance and α grid; prints wall and process CPU seconds (best of <c>--repeats</c> fits, and of
/// <c>--ridge-repeats</c> for ridge), quality and the ratios. CPU seconds are the fair comparison on a loaded machine.
/// </summary>
static class ProbingBenchmark
{
    public static void Run(CommandLine options)
    {
        int threads = options.GetInt("threads", Environment.ProcessorCount);
        bool peer = !options.Has("no-peer");
        int n = options.GetInt("n", 5000), logisticD = options.GetInt("logistic-d", 512), ridgeD = options.GetInt("ridge-d", 4096);
        int repeats = Math.Max(1, options.GetInt("repeats", 3)), ridgeRepeats = Math.Max(1, options.GetInt("ridge-repeats", 1));
        const int classes = 10, targets = 10;
        const double c = 1.0, tol = 1e-6;
        torch.set_num_threads(threads);
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        Console.WriteLine($"probing: logistic {n}×{logisticD}, {classes} classes, C {c}, tol {tol}; ridge {n}×{ridgeD}, " +
                          $"{targets} targets, LOO over 21 alphas; {threads} threads ({Environment.ProcessorCount} cores); best of {repeats} " +
                          $"(ridge {ridgeRepeats}) fits per side");

        using var scope = NewDisposeScope();
        using var g = new Generator(0);
        // Overlapping Gaussian classes (not separable), so the L2 optimum is interior and L-BFGS must work.
        var centres = randn(classes, logisticD, generator: g).mul(0.05f);
        var y = randint(0, classes, [n], generator: g);
        var x = centres.index_select(0, y).add(randn(n, logisticD, generator: g));
        // Ridge: features with a decaying spectrum (a 256-dim latent seen through 4096 units) and 10 noisy targets.
        var latent = randn(n, 256, generator: g);
        var rx = latent.mm(randn(256, ridgeD, generator: g).div(16)).add(randn(n, ridgeD, generator: g).mul(0.5f));
        var ry = latent.narrow(1, 0, 32).mm(randn(32, targets, generator: g)).add(randn(n, targets, generator: g).mul(2));
        var alphas = Enumerable.Range(0, 21).Select(i => Math.Pow(10, -3 + 0.5 * i)).ToArray();

        LogisticRegressionProbe? logistic = null;
        var (logisticSeconds, logisticCpu) = Spread.Time(() =>
        {
            logistic?.Dispose();
            logistic = new LogisticRegressionProbe { C = c, Tolerance = tol, MaxIterations = 10000 };
            logistic.Fit(x, y);
        }, repeats, warmup: false);
        double accuracy = logistic!.Score(x, y), loss = logistic.LogLoss(x, y);
        Console.WriteLine(Invariant($"  Phosphene logistic: {logisticSeconds.Median:F2} s ({logisticCpu.Median:F2} CPU s), {logistic.Optimisation.Iterations} iterations ({logistic.Optimisation.Evaluations} evaluations), accuracy {accuracy:F4}, log-loss {loss:F5}"));

        RidgeProbe? ridge = null;
        var (ridgeSeconds, ridgeCpu) = Spread.Time(() =>
        {
            ridge?.Dispose();
            ridge = new RidgeProbe { Alphas = alphas };
            ridge.Fit(rx, ry);
        }, ridgeRepeats, warmup: false);
        double r2 = ridge!.Score(rx, ry);
        Console.WriteLine(Invariant($"  Phosphene ridge: {ridgeSeconds.Median:F2} s ({ridgeCpu.Median:F2} CPU s), alpha {ridge.ChosenAlpha:G4}, R² {r2:F4}"));

        JsonElement? python = null;
        if (peer)
        {
            var dir = Directory.CreateTempSubdirectory("phosphene-probing-bench-").FullName;
            try
            {
                Write(Path.Combine(dir, "logistic_x.f32"), x.contiguous().data<float>().ToArray());
                Write(Path.Combine(dir, "logistic_y.i64"), y.contiguous().data<long>().ToArray());
                Write(Path.Combine(dir, "ridge_x.f32"), rx.contiguous().data<float>().ToArray());
                Write(Path.Combine(dir, "ridge_y.f32"), ry.contiguous().data<float>().ToArray());
                Console.Error.WriteLine("  scikit-learn: fitting ...");
                python = RunPeer(dir, n, logisticD, ridgeD, targets, c, tol, alphas, repeats, ridgeRepeats, threads);
            }
            finally
            {
                Directory.Delete(dir, recursive: true);
            }
        }

        Spread? PeerSpread(string task, string key) =>
            python is { } p ? new Spread(PeerProcess.Numbers(p.GetProperty(task).GetProperty(key))) : null;
        string Cell(Spread? spread) => spread?.Format("F2") ?? "-";
        string Ratio(Spread? peerValue, Spread ours) => peerValue is null ? "-" : (peerValue.Median / ours.Median).ToString("F2", CultureInfo.InvariantCulture);
        var (pls, plc, prs, prc) = (PeerSpread("logistic", "seconds_all"), PeerSpread("logistic", "cpu_seconds_all"),
                                    PeerSpread("ridge", "seconds_all"), PeerSpread("ridge", "cpu_seconds_all"));
        string peerLogistic = python is { } q
            ? Invariant($"acc {q.GetProperty("logistic").GetProperty("accuracy").GetDouble():F4}, log-loss {q.GetProperty("logistic").GetProperty("log_loss").GetDouble():F4}, {q.GetProperty("logistic").GetProperty("iterations").GetInt32()} iterations")
            : "-";
        string peerRidge = python is { } r
            ? Invariant($"α {r.GetProperty("ridge").GetProperty("alpha").GetDouble():G3}, R² {r.GetProperty("ridge").GetProperty("r2").GetDouble():F4}")
            : "-";
        var lines = new List<string>
        {
            $"Logistic regression (multinomial, L-BFGS, C = {c}, tol {tol}) on {n}×{logisticD} features with {classes} overlapping classes; " +
            $"ridge with leave-one-out α over 21 values (10⁻³ … 10⁷) on {n}×{ridgeD} features, {targets} targets; same float32 data on both " +
            $"sides (float64 inside). {PeerProcess.Conditions(threads)}. " +
            $"Seconds: median (min–max) of {repeats} logistic and {ridgeRepeats} ridge fits per side; ratios scikit-learn / Phosphene on the " +
            "medians (above 1: Phosphene is faster).",
            "",
            "| task | Phosphene s | scikit-learn s | ratio (wall) | Phosphene CPU s | scikit-learn CPU s | ratio (CPU) | Phosphene quality | scikit-learn quality |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |",
            Invariant($"| logistic {n}×{logisticD}, {classes} classes | {logisticSeconds.Format("F2")} | {Cell(pls)} | {Ratio(pls, logisticSeconds)} | " +
                      $"{logisticCpu.Format("F2")} | {Cell(plc)} | {Ratio(plc, logisticCpu)} | acc {accuracy:F4}, log-loss {loss:F4}, " +
                      $"{logistic.Optimisation.Iterations} iterations | {peerLogistic} |"),
            Invariant($"| ridge LOO α {n}×{ridgeD}, {targets} targets | {ridgeSeconds.Format("F2")} | {Cell(prs)} | {Ratio(prs, ridgeSeconds)} | " +
                      $"{ridgeCpu.Format("F2")} | {Cell(prc)} | {Ratio(prc, ridgeCpu)} | α {ridge.ChosenAlpha:G3}, R² {r2:F4} | {peerRidge} |"),
            "",
            "Target (issue 22): at least 2× scikit-learn for each probe.",
        };
        MarkdownReport.Write(options, "Probing (Phosphene vs scikit-learn)", lines);
        logistic.Dispose();
        ridge.Dispose();
    }

    static string Invariant(string text) => text;   // formatted under the invariant culture set in Run

    static void Write<T>(string path, T[] data) where T : struct => File.WriteAllBytes(path, MemoryMarshal.AsBytes(data.AsSpan()).ToArray());

    static JsonElement RunPeer(string dir, int n, int logisticD, int ridgeD, int targets, double c, double tol, double[] alphas,
                               int repeats, int ridgeRepeats, int threads) =>
        PeerProcess.Run("probe_sklearn.py",
        [
            "--dir", dir,
            "--logistic-n", $"{n}", "--logistic-d", $"{logisticD}", "--c", c.ToString("R", CultureInfo.InvariantCulture),
            "--tol", tol.ToString("R", CultureInfo.InvariantCulture), "--ridge-n", $"{n}", "--ridge-d", $"{ridgeD}",
            "--ridge-t", $"{targets}", "--repeats", $"{repeats}", "--ridge-repeats", $"{ridgeRepeats}",
            "--alphas", string.Join(",", alphas.Select(a => a.ToString("R", CultureInfo.InvariantCulture))),
        ], threads, PeerAllocator.Equal, "python3-sklearn");
}
