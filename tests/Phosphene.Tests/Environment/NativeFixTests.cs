using System.Diagnostics;

namespace Phosphene.Tests.Environment;

/// <summary>
/// The build's TorchSharp fix (environment/TorchSharpNativeFix.targets): the copy of libLibTorchSharp.so in the output
/// has its GLIBCXX_3.4.32 need marked weak exactly when the system libstdc++ lacks that version, and the NuGet cache's
/// copy is never modified.
/// </summary>
public class NativeFixTests
{
    const string Version = "GLIBCXX_3.4.32";

    static string ReadElfVersions(string path)
    {
        var psi = new ProcessStartInfo("readelf", ["-V", "-W", path]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("readelf (binutils) is required");
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"readelf -V {path} failed: {process.StandardError.ReadToEnd()}");
        return output;
    }

    /// <summary>The "Flags:" word readelf prints for the library's need of GLIBCXX_3.4.32.</summary>
    static string NeedFlags(string library)
    {
        var line = ReadElfVersions(library).Split('\n').Single(l => l.Contains($"Name: {Version} "));
        return line[(line.IndexOf("Flags: ", StringComparison.Ordinal) + 7)..].Split(' ')[0];
    }

    static string SystemLibStdCxx() =>
        new[] { "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/lib/x86_64-linux-gnu/libstdc++.so.6",
                "/usr/lib/aarch64-linux-gnu/libstdc++.so.6", "/usr/lib64/libstdc++.so.6" }.First(File.Exists);

    [Fact]
    public void OutputCopyIsWeakExactlyWhenSystemLacksTheVersion()
    {
        if (!OperatingSystem.IsLinux()) return; // the fix is Linux-only by design
        string output = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        bool systemHasIt = ReadElfVersions(SystemLibStdCxx()).Contains($"Name: {Version}");

        Assert.Equal(systemHasIt ? "none" : "WEAK", NeedFlags(output));
    }

    [Fact]
    public void NuGetCacheCopyIsUntouched()
    {
        if (!OperatingSystem.IsLinux()) return;
        string packages = System.Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        string cached = Path.Combine(packages, "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");

        Assert.True(File.Exists(cached), $"expected TorchSharp's package at {cached}");
        Assert.Equal("none", NeedFlags(cached));
    }
}
