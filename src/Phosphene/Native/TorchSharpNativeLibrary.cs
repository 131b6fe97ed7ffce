using System.Reflection;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using TorchSharp;

namespace Phosphene.Native;

/// <summary>
/// Makes TorchSharp's native library loadable at run time where the build could not fix it: a notebook host that
/// restores TorchSharp from NuGet itself (.NET Interactive's <c>#r "nuget: …"</c>) loads the package's
/// <c>libLibTorchSharp.so</c>, whose GLIBCXX_3.4.32 need Debian 12's libstdc++ cannot meet. Where that need is strong
/// and the system lacks the version, a copy with the need marked weak (<see cref="ElfVersionNeeds"/>) is written to
/// <c>PHOSPHENE_CACHE/native/</c>, beside links to libtorch's libraries (found through its <c>$ORIGIN</c> run path),
/// loaded, and handed to TorchSharp's <c>LibTorchSharp</c> imports. The package's own file is never written.
/// Anywhere else (a build output the build already fixed, a system with GCC 13's libstdc++, Windows, macOS) nothing
/// is done.
/// </summary>
public static class TorchSharpNativeLibrary
{
    const string LibraryFile = "libLibTorchSharp.so";
    static readonly Lazy<string> Outcome = new(Prepare);

    /// <summary>
    /// Applies the fix once per process, before TorchSharp's first tensor; returns what was done, in one sentence.
    /// Called by <see cref="NativeRuntime.Configure"/>.
    /// </summary>
    /// <exception cref="PhospheneException">The fix is needed and could not be applied (the message says why and what to do).</exception>
    public static string EnsureLoadable() => Outcome.Value;

    /// <summary>True on Linux when the system libstdc++ lacks the GLIBCXX version TorchSharp's native library needs.</summary>
    public static bool SystemNeedsFix()
        => OperatingSystem.IsLinux() && SystemLibStdCxx() is { } system && !ElfVersionNeeds.Defines(File.ReadAllBytes(system), ElfVersionNeeds.TorchSharpVersionNeed);

    static string? SystemLibStdCxx() => ElfVersionNeeds.FindSystemLibrary("libstdc++.so.6");

    static string Prepare()
    {
        if (!OperatingSystem.IsLinux())
            return "not Linux: nothing to do";
        var torchSharp = typeof(torch).Assembly;
        var original = FindPackagedLibrary(torchSharp);
        if (original is null)
            return $"no {LibraryFile} beside TorchSharp: left to TorchSharp's own loader";
        var bytes = File.ReadAllBytes(original);
        if (ElfVersionNeeds.Weaken(bytes, ElfVersionNeeds.TorchSharpVersionNeed) != ElfVersionNeedOutcome.Patched)
            return $"{original} loads as it is";
        var system = SystemLibStdCxx();
        if (system is null)
            return "no system libstdc++ found: left to TorchSharp's own loader";
        if (ElfVersionNeeds.Defines(File.ReadAllBytes(system), ElfVersionNeeds.TorchSharpVersionNeed))
            return $"{system} defines {ElfVersionNeeds.TorchSharpVersionNeed}: nothing to do";

        var libtorch = FindLibTorchFolder(original)
            ?? throw new PhospheneException($"TorchSharp's {LibraryFile} needs {ElfVersionNeeds.TorchSharpVersionNeed}, which {system} lacks, and libtorch's libraries (libtorch_cpu.so) were not found beside it or in the NuGet packages folder: reference the package 'TorchSharp-cpu' (or 'libtorch-cpu-linux-x64') so it is restored.");
        var folder = Path.Combine(PhospheneCache.Folder("native"), "torchsharp-" + Convert.ToHexString(SHA256.HashData(bytes))[..16].ToLowerInvariant());
        var patched = Path.Combine(folder, LibraryFile);
        try
        {
            Directory.CreateDirectory(folder);
            foreach (var dependency in Directory.EnumerateFiles(libtorch, "*.so*"))
            {
                var link = Path.Combine(folder, Path.GetFileName(dependency));
                if (Path.GetFileName(dependency) != LibraryFile && !File.Exists(link))
                    File.CreateSymbolicLink(link, dependency);
            }
            if (!File.Exists(patched))
            {
                // A unique temporary name and a move: two processes preparing the same folder never see half a file.
                var temp = $"{patched}.{Environment.ProcessId}.tmp";
                File.WriteAllBytes(temp, bytes);
                File.Move(temp, patched, overwrite: true);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new PhospheneException($"TorchSharp's {LibraryFile} needs {ElfVersionNeeds.TorchSharpVersionNeed}, which {system} lacks; Phosphene patches a copy in '{folder}' but could not write there ({e.Message}): set PHOSPHENE_CACHE to a writable folder, or install a libstdc++ from GCC 13 or later.");
        }
        if (!NativeLibrary.TryLoad(patched, out var handle))
            throw new PhospheneException($"the patched copy of TorchSharp's {LibraryFile} at '{patched}' did not load: delete '{folder}' and retry; if it persists, install a libstdc++ from GCC 13 or later.");
        try
        {
            NativeLibrary.SetDllImportResolver(torchSharp, (name, _, _) => name == "LibTorchSharp" ? handle : IntPtr.Zero);
        }
        catch (InvalidOperationException)
        {
            // Another resolver is set: the library is loaded under its soname, which TorchSharp's by-name load finds.
        }
        return $"loaded a copy of {original} with its {ElfVersionNeeds.TorchSharpVersionNeed} need marked weak ({system} lacks it): {patched}";
    }

    /// <summary>The libLibTorchSharp.so TorchSharp would load: in a build output, or in its NuGet package.</summary>
    static string? FindPackagedLibrary(Assembly torchSharp)
    {
        var here = Path.GetDirectoryName(torchSharp.Location);
        if (string.IsNullOrEmpty(here)) return null;
        var rid = RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? "linux-arm64" : "linux-x64";
        string[] candidates =
        [
            Path.Combine(here, LibraryFile),
            Path.Combine(here, "runtimes", rid, "native", LibraryFile),
            Path.GetFullPath(Path.Combine(here, "..", "..", "runtimes", rid, "native", LibraryFile)),   // packages/torchsharp/V/lib/TFM/
        ];
        return candidates.FirstOrDefault(File.Exists);
    }

    /// <summary>The folder holding libtorch_cpu.so: beside the library, or the libtorch-cpu package of the same packages folder.</summary>
    static string? FindLibTorchFolder(string library)
    {
        var folder = Path.GetDirectoryName(library)!;
        if (File.Exists(Path.Combine(folder, "libtorch_cpu.so")))
            return folder;
        // packages/torchsharp/V/runtimes/RID/native → packages/libtorch-cpu-RID/*/runtimes/RID/native
        var native = new DirectoryInfo(folder);
        var rid = native.Parent?.Name;
        var packages = native.Parent?.Parent?.Parent?.Parent?.Parent;
        if (rid is null || packages is null) return null;
        var libtorch = new DirectoryInfo(Path.Combine(packages.FullName, $"libtorch-cpu-{rid}"));
        if (!libtorch.Exists) return null;
        return libtorch.EnumerateDirectories()
            .Select(v => Path.Combine(v.FullName, "runtimes", rid, "native"))
            .Where(d => File.Exists(Path.Combine(d, "libtorch_cpu.so")))
            .OrderByDescending(d => d, StringComparer.Ordinal)
            .FirstOrDefault();
    }
}
