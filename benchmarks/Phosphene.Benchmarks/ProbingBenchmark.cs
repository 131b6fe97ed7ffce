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
        var (logisticSeconds, logisticCpu) = Best(repeats, () =>
        {
            logistic?.Dispose();
            logistic = new LogisticRegressionProbe { C = c, Tolerance = tol, MaxIterations = 10000 };
            logistic.Fit(x, y);
        });
        double accuracy = logistic!.Score(x, y), loss = logistic.LogLoss(x, y);
        Console.WriteLine(Invariant($"  Phosphene logistic: {logisticSeconds:F2} s ({logisticCpu:F2} CPU s), {logistic.Optimisation.Iterations} iterations ({logistic.Optimisation.Evaluations} evaluations), accuracy {accuracy:F4}, log-loss {loss:F5}"));

        RidgeProbe? ridge = null;
        var (ridgeSeconds, ridgeCpu) = Best(ridgeRepeats, () =>
        {
            ridge?.Dispose();
            ridge = new RidgeProbe { Alphas = alphas };
            ridge.Fit(rx, ry);
        });
        double r2 = ridge!.Score(rx, ry);
        Console.WriteLine(Invariant($"  Phosphene ridge: {ridgeSeconds:F2} s ({ridgeCpu:F2} CPU s), alpha {ridge.ChosenAlpha:G4}, R² {r2:F4}"));

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
                python = RunPeer(dir, n, logisticD, ridgeD, targets, c, tol, alphas, repeats, ridgeRepeats);
            }
            finally
            {
                Directory.Delete(dir, recursive: true);
            }
            var pl = python.Value.GetProperty("logistic");
            var pr = python.Value.GetProperty("ridge");
            Console.WriteLine(Invariant($"  scikit-learn logistic: {pl.GetProperty("seconds").GetDouble():F2} s ({pl.GetProperty("cpu_seconds").GetDouble():F2} CPU s), {pl.GetProperty("iterations").GetInt32()} iterations, " +
                                        $"accuracy {pl.GetProperty("accuracy").GetDouble():F4}, log-loss {pl.GetProperty("log_loss").GetDouble():F5}"));
            Console.WriteLine(Invariant($"  scikit-learn ridge: {pr.GetProperty("seconds").GetDouble():F2} s ({pr.GetProperty("cpu_seconds").GetDouble():F2} CPU s), alpha {pr.GetProperty("alpha").GetDouble():G4}, R² {pr.GetProperty("r2").GetDouble():F4}"));
        }

        Console.WriteLine();
        Console.WriteLine("| task | Phosphene s | scikit-learn s | ratio (wall) | Phosphene CPU s | scikit-learn CPU s | ratio (CPU) | Phosphene quality | scikit-learn quality |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |");
        string Peer(string task, string key) => python is { } p ? p.GetProperty(task).GetProperty(key).GetDouble().ToString("F2", CultureInfo.InvariantCulture) : "-";
        string Ratio(string task, string key, double mine) => python is { } p ? (p.GetProperty(task).GetProperty(key).GetDouble() / mine).ToString("F2", CultureInfo.InvariantCulture) : "-";
        Console.WriteLine(Invariant($"| logistic {n}×{logisticD}, {classes} classes | {logisticSeconds:F2} | {Peer("logistic", "seconds")} | {Ratio("logistic", "seconds", logisticSeconds)} | " +
                                    $"{logisticCpu:F2} | {Peer("logistic", "cpu_seconds")} | {Ratio("logistic", "cpu_seconds", logisticCpu)} | " +
                                    $"acc {accuracy:F4}, log-loss {loss:F4} | {(python is { } q ? Invariant($"acc {q.GetProperty("logistic").GetProperty("accuracy").GetDouble():F4}, log-loss {q.GetProperty("logistic").GetProperty("log_loss").GetDouble():F4}") : "-")} |"));
        Console.WriteLine(Invariant($"| ridge LOO α {n}×{ridgeD}, {targets} targets | {ridgeSeconds:F2} | {Peer("ridge", "seconds")} | {Ratio("ridge", "seconds", ridgeSeconds)} | " +
                                    $"{ridgeCpu:F2} | {Peer("ridge", "cpu_seconds")} | {Ratio("ridge", "cpu_seconds", ridgeCpu)} | " +
                                    $"α {ridge.ChosenAlpha:G3}, R² {r2:F4} | {(python is { } r ? Invariant($"α {r.GetProperty("ridge").GetProperty("alpha").GetDouble():G3}, R² {r.GetProperty("ridge").GetProperty("r2").GetDouble():F4}") : "-")} |"));
        logistic.Dispose();
        ridge.Dispose();
    }

    /// <summary>Runs <paramref name="fit"/> <paramref name="repeats"/> times; the best wall and process CPU seconds.</summary>
    static (double Seconds, double CpuSeconds) Best(int repeats, Action fit)
    {
        double seconds = double.PositiveInfinity, cpu = double.PositiveInfinity;
        var process = Process.GetCurrentProcess();
        for (int i = 0; i < repeats; i++)
        {
            process.Refresh();
            var cpuStart = process.TotalProcessorTime;
            var watch = Stopwatch.StartNew();
            fit();
            seconds = Math.Min(seconds, watch.Elapsed.TotalSeconds);
            process.Refresh();
            cpu = Math.Min(cpu, (process.TotalProcessorTime - cpuStart).TotalSeconds);
        }
        return (seconds, cpu);
    }

    static string Invariant(string text) => text;   // formatted under the invariant culture set in Run

    static void Write<T>(string path, T[] data) where T : struct => File.WriteAllBytes(path, MemoryMarshal.AsBytes(data.AsSpan()).ToArray());

    static JsonElement RunPeer(string dir, int n, int logisticD, int ridgeD, int targets, double c, double tol, double[] alphas,
                               int repeats, int ridgeRepeats)
    {
        var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[]
        {
            Path.Combine(RepositoryPaths.Root, "benchmarks", "peers", "probe_sklearn.py"), "--dir", dir,
            "--logistic-n", $"{n}", "--logistic-d", $"{logisticD}", "--c", c.ToString("R", CultureInfo.InvariantCulture),
            "--tol", tol.ToString("R", CultureInfo.InvariantCulture), "--ridge-n", $"{n}", "--ridge-d", $"{ridgeD}",
            "--ridge-t", $"{targets}", "--repeats", $"{repeats}", "--ridge-repeats", $"{ridgeRepeats}", "--alphas", string.Join(",", alphas.Select(a => a.ToString("R", CultureInfo.InvariantCulture))),
        }) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)
            ?? throw new PhospheneException("cannot start /usr/bin/python3; install python3-sklearn (environment/setup.sh)");
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new PhospheneException($"the scikit-learn peer failed (exit {process.ExitCode}); is python3-sklearn installed?\n{stderr.Result}");
        using var json = JsonDocument.Parse(stdout.Trim().Split('\n')[^1]);
        return json.RootElement.Clone();
    }
}
