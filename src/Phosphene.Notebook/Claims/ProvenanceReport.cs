using System.Reflection;
using System.Runtime.InteropServices;
using TorchSharp;

namespace Phosphene.Notebook.Claims;

/// <summary>
/// What a notebook's results were computed with: the toolkit's version and commit, .NET, TorchSharp and libtorch, the
/// thread count and oneDNN instruction-set cap, the machine, and every dataset file and checkpoint used with its sha256
/// (<see cref="Provenance.Inputs"/>). The series runner shows it as an executed notebook's last output and keeps it in
/// the notebook's metadata.
/// </summary>
/// <param name="Toolkit">Phosphene's informational version: <c>version+commit</c>.</param>
/// <param name="DotNet">The .NET runtime.</param>
/// <param name="TorchSharp">TorchSharp's version.</param>
/// <param name="LibTorch">libtorch's version.</param>
/// <param name="Threads">libtorch's intra-op threads.</param>
/// <param name="OneDnnIsa">The oneDNN instruction-set cap in effect, if any.</param>
/// <param name="Cpu">The processor model.</param>
/// <param name="Cores">Logical processors.</param>
/// <param name="OperatingSystem">The operating system.</param>
/// <param name="Inputs">Dataset files and checkpoints, with their sha256.</param>
public sealed record ProvenanceReport(string Toolkit, string DotNet, string TorchSharp, string LibTorch, int Threads, string? OneDnnIsa,
                                      string Cpu, int Cores, string OperatingSystem, IReadOnlyList<ProvenanceInput> Inputs)
{
    /// <summary>The report for this process, now.</summary>
    public static ProvenanceReport Current() => new(
        Version(typeof(Provenance).Assembly), RuntimeInformation.FrameworkDescription, Version(typeof(torch).Assembly),
        torch.__version__, torch.get_num_threads(), NativeRuntime.OneDnnMaxCpuIsa, CpuModel(), Environment.ProcessorCount,
        RuntimeInformation.OSDescription, Provenance.Inputs);

    /// <inheritdoc />
    public override string ToString() => string.Join(Environment.NewLine,
        new[]
        {
            $"Phosphene {Toolkit}; {DotNet}; TorchSharp {TorchSharp}, libtorch {LibTorch}",
            $"{Threads} threads, oneDNN cap {OneDnnIsa ?? "none"}; {Cpu}, {Cores} cores; {OperatingSystem}",
        }.Concat(Inputs.Select(i => $"{i.Kind}: {i.Name} sha256 {i.Sha256}")));

    private static string Version(Assembly assembly) =>
        assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? assembly.GetName().Version?.ToString() ?? "unknown";

    private static string CpuModel()
    {
        try
        {
            if (File.Exists("/proc/cpuinfo"))
                foreach (var line in File.ReadLines("/proc/cpuinfo"))
                    if (line.StartsWith("model name", StringComparison.Ordinal))
                        return line[(line.IndexOf(':') + 1)..].Trim();
        }
        catch (IOException)
        {
        }
        return RuntimeInformation.ProcessArchitecture.ToString();
    }
}
