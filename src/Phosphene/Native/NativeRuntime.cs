using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

using Phosphene.Native;

namespace Phosphene;

/// <summary>
/// The process-wide settings of the native libraries under TorchSharp, applied once, before Phosphene's first tensor
/// work: a loadable TorchSharp native library (<see cref="TorchSharpNativeLibrary"/>), the glibc heap thresholds libtorch's allocations need, and the oneDNN instruction-set cap that keeps
/// convolutions off oneDNN's AVX-512 kernels, whose input gradients are wrong in libtorch 2.10.
/// </summary>
/// <remarks>
/// <para>Applied by the Phosphene assembly's module initializer, so any program that touches a Phosphene type gets
/// them; a program that runs TorchSharp convolutions before its first Phosphene call should call
/// <see cref="Configure"/> first (both hosts and the test assemblies do).</para>
/// <para><b>oneDNN cap.</b> On AVX-512 CPUs (seen on AMD EPYC with <c>avx512f</c> and <c>avx_vnni</c>), the backward
/// data pass of oneDNN's AVX-512 convolution returns wrong input gradients for batches of 64 and more, and NaN behind a
/// max-pool; the AVX2 kernels agree with PyTorch 1.13. oneDNN reads <c>ONEDNN_MAX_CPU_ISA</c> once, when it first
/// needs the CPU's instruction set (the first convolution), so the cap is set in the native environment
/// (<c>setenv</c>) to <c>AVX2</c> before that. An explicit <c>ONEDNN_MAX_CPU_ISA</c> or <c>DNNL_MAX_CPU_ISA</c> in
/// the environment is left as it is, so every path can still be tested; on CPUs without AVX-512 the cap changes
/// nothing.</para>
/// <para><b>Heap.</b> libtorch allocates and frees activation buffers of megabytes at every operation; with glibc's
/// default thresholds those frees trim the heap or unmap the block and the next operation page-faults fresh pages back
/// in (the small CNN's first convolution: 21.7 ms per batch of 128 instead of 0.35 ms on 2 cores). So
/// <c>M_TRIM_THRESHOLD</c> is raised to 256 MiB and <c>M_MMAP_THRESHOLD</c> to 32 MiB with <c>mallopt</c>; the same
/// from outside: <c>GLIBC_TUNABLES=glibc.malloc.trim_threshold=268435456:glibc.malloc.mmap_threshold=33554432</c>.
/// Elsewhere (Windows, macOS, musl) nothing is changed.</para>
/// </remarks>
public static class NativeRuntime
{
    /// <summary>The instruction-set cap for oneDNN when the environment names none.</summary>
    public const string OneDnnIsaCap = "AVX2";

    /// <summary>The environment variable oneDNN reads its cap from (older releases: <c>DNNL_MAX_CPU_ISA</c>).</summary>
    public const string OneDnnIsaVariable = "ONEDNN_MAX_CPU_ISA";

    const string LegacyOneDnnIsaVariable = "DNNL_MAX_CPU_ISA";
    const int TrimThreshold = -1, MmapThreshold = -3;   // mallopt parameters, glibc's malloc.h
    static readonly Lazy<bool> Applied = new(Apply);

#pragma warning disable CA2255 // a library module initializer on purpose: the cap must precede any libtorch convolution
    [ModuleInitializer]
    internal static void OnLoad() => Configure();
#pragma warning restore CA2255

    /// <summary>Applies the settings once per process (later calls do nothing); true when the heap thresholds are in effect.</summary>
    public static bool Configure() => Applied.Value;

    /// <summary>
    /// The oneDNN cap in this process's native environment (what oneDNN will read): <see cref="OneDnnIsaCap"/>, the
    /// user's own <c>ONEDNN_MAX_CPU_ISA</c> / <c>DNNL_MAX_CPU_ISA</c>, or null where nothing is set (not Linux/glibc).
    /// </summary>
    public static string? OneDnnMaxCpuIsa
    {
        get
        {
            Configure();
            return NativeVariable(OneDnnIsaVariable) ?? NativeVariable(LegacyOneDnnIsaVariable);
        }
    }

    static bool Apply()
    {
        if (!OperatingSystem.IsLinux()) return false;
        try
        {
            // Hosts that restore TorchSharp themselves get the copy of its native library they can load; a failure is
            // kept by TorchSharpNativeLibrary and reported to whoever asks (the .NET Interactive extension does).
            TorchSharpNativeLibrary.EnsureLoadable();
        }
        catch (PhospheneException)
        {
        }
        try
        {
            if (NativeVariable(OneDnnIsaVariable) is null && NativeVariable(LegacyOneDnnIsaVariable) is null)
            {
                setenv(OneDnnIsaVariable, OneDnnIsaCap, 0);
                Environment.SetEnvironmentVariable(OneDnnIsaVariable, OneDnnIsaCap);   // child processes too
            }
            return mallopt(TrimThreshold, 256 << 20) == 1 && mallopt(MmapThreshold, 32 << 20) == 1;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;   // not glibc
        }
    }

    static string? NativeVariable(string name)
    {
        if (!OperatingSystem.IsLinux()) return Environment.GetEnvironmentVariable(name);
        var value = getenv(name);
        return value == IntPtr.Zero ? null : Marshal.PtrToStringUTF8(value);
    }

    [DllImport("libc.so.6", EntryPoint = "mallopt")]
    static extern int mallopt(int parameter, int value);

    [DllImport("libc.so.6", EntryPoint = "setenv")]
    static extern int setenv([MarshalAs(UnmanagedType.LPUTF8Str)] string name, [MarshalAs(UnmanagedType.LPUTF8Str)] string value, int overwrite);

    [DllImport("libc.so.6", EntryPoint = "getenv")]
    static extern IntPtr getenv([MarshalAs(UnmanagedType.LPUTF8Str)] string name);
}
