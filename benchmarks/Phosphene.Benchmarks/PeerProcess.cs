using System.Diagnostics;
using System.Text.Json;

namespace Phosphene.Benchmarks;

/// <summary>The C library allocator settings a Python peer runs with.</summary>
enum PeerAllocator
{
    /// <summary>Ours: glibc's trim threshold 256 MiB and mmap threshold 32 MiB (what <see cref="NativeRuntime"/> sets in our process).</summary>
    Equal,

    /// <summary>glibc's defaults (dynamic thresholds from 128 KiB): what a Python user gets without setting anything.</summary>
    GlibcDefaults,
}

/// <summary>
/// Runs a Python peer (<c>/usr/bin/python3</c>, Debian's PyTorch, NumPy, scikit-learn) under the same conditions as
/// our side: the same thread count for every threading layer (OpenMP, OpenBLAS, MKL; the peers also call
/// <c>torch.set_num_threads</c>), the same oneDNN instruction-set cap (<c>ONEDNN_MAX_CPU_ISA</c>, AVX2 unless the
/// environment names another, as in our process) and, unless told otherwise, the same allocator thresholds, given
/// through <c>GLIBC_TUNABLES</c>. Without that the peer's libtorch returns freed blocks to the kernel and page-faults
/// them back, which measured here cost PyTorch up to a third of its time: the comparison would not be like for like.
/// </summary>
static class PeerProcess
{
    /// <summary>The glibc tunables equal to our process's <c>mallopt</c> settings (trim 256 MiB, mmap 32 MiB).</summary>
    public const string EqualTunables = "glibc.malloc.trim_threshold=268435456:glibc.malloc.mmap_threshold=33554432";

    /// <summary>The oneDNN instruction-set cap both sides run with (our process's, which the peer inherits).</summary>
    public static string OneDnnIsa => NativeRuntime.OneDnnMaxCpuIsa ?? NativeRuntime.OneDnnIsaCap;

    /// <summary>How a table states the conditions both sides share: threads, oneDNN cap and allocator.</summary>
    public static string Conditions(int threads) =>
        $"{threads} thread(s) on both sides (torch, OpenMP, OpenBLAS, MKL), oneDNN capped at {OneDnnIsa} on both sides " +
        $"(ONEDNN_MAX_CPU_ISA), allocator {Describe(PeerAllocator.Equal)} on both sides";

    /// <summary>How a table states an allocator setting.</summary>
    public static string Describe(PeerAllocator allocator) => allocator == PeerAllocator.Equal
        ? "glibc trim threshold 256 MiB, mmap threshold 32 MiB"
        : "glibc defaults";

    /// <summary>Runs <paramref name="script"/> (under benchmarks/peers) and parses its last output line as JSON.</summary>
    /// <param name="script">The peer's file name in benchmarks/peers.</param>
    /// <param name="args">Its arguments.</param>
    /// <param name="threads">Threads for every threading layer of the peer.</param>
    /// <param name="allocator">The allocator settings it runs with.</param>
    /// <param name="packages">The Debian packages it needs, named in the error when it fails.</param>
    public static JsonElement Run(string script, IEnumerable<string> args, int threads, PeerAllocator allocator, string packages)
    {
        var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(RepositoryPaths.Root, "benchmarks", "peers", script));
        foreach (var arg in args) start.ArgumentList.Add(arg);
        foreach (var name in new[] { "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS" })
            start.Environment[name] = $"{threads}";
        start.Environment[NativeRuntime.OneDnnIsaVariable] = OneDnnIsa;
        if (allocator == PeerAllocator.Equal) start.Environment["GLIBC_TUNABLES"] = EqualTunables;
        else start.Environment.Remove("GLIBC_TUNABLES");
        using var process = Process.Start(start)
            ?? throw new PhospheneException($"cannot start /usr/bin/python3; install {packages} (environment/setup.sh)");
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new PhospheneException($"the peer {script} failed (exit {process.ExitCode}); are {packages} installed " +
                                         $"(environment/setup.sh)?\n{stderr.Result}");
        using var json = JsonDocument.Parse(stdout.Trim().Split('\n')[^1]);
        return json.RootElement.Clone();
    }

    /// <summary>The numbers of a JSON array.</summary>
    public static double[] Numbers(JsonElement array) => array.EnumerateArray().Select(v => v.GetDouble()).ToArray();
}
