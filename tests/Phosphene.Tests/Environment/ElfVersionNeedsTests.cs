using Phosphene.Native;

namespace Phosphene.Tests.Environment;

/// <summary>
/// The ELF symbol-version code behind both TorchSharp fixes (the build's and <see cref="TorchSharpNativeLibrary"/>'s),
/// on the real libraries: TorchSharp's package copy and the system libstdc++.
/// </summary>
public class ElfVersionNeedsTests
{
    static string PackagedLibTorchSharp()
    {
        string packages = System.Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        return Path.Combine(packages, "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
    }

    [Fact]
    public void WeakeningTorchSharpsNeedChangesOneFlagByteAndOnlyOnce()
    {
        if (!OperatingSystem.IsLinux()) return;
        var original = File.ReadAllBytes(PackagedLibTorchSharp());
        var patched = (byte[])original.Clone();

        Assert.Equal(ElfVersionNeedOutcome.Patched, ElfVersionNeeds.Weaken(patched, ElfVersionNeeds.TorchSharpVersionNeed));
        var changed = Enumerable.Range(0, original.Length).Where(i => original[i] != patched[i]).ToList();
        var at = Assert.Single(changed);
        Assert.Equal(original[at] | 0x2, patched[at]);   // VER_FLG_WEAK in the vna_flags of that need

        Assert.Equal(ElfVersionNeedOutcome.AlreadyWeak, ElfVersionNeeds.Weaken(patched, ElfVersionNeeds.TorchSharpVersionNeed));
        Assert.Equal(ElfVersionNeedOutcome.NotNeeded, ElfVersionNeeds.Weaken(patched, "GLIBCXX_99.0"));
    }

    [Fact]
    public void TheSystemLibStdCxxDefinesItsBaseVersionAndNotAnInventedOne()
    {
        if (!OperatingSystem.IsLinux()) return;
        var system = ElfVersionNeeds.FindSystemLibrary("libstdc++.so.6");
        Assert.NotNull(system);
        var bytes = File.ReadAllBytes(system);
        Assert.True(ElfVersionNeeds.Defines(bytes, "GLIBCXX_3.4"));
        Assert.False(ElfVersionNeeds.Defines(bytes, "GLIBCXX_99.0"));
        // A library defines its versions; it does not need them.
        Assert.Equal(ElfVersionNeedOutcome.NotNeeded, ElfVersionNeeds.Weaken(bytes, "GLIBCXX_3.4"));
    }

    [Fact]
    public void AFileThatIsNotElfIsRefusedWithWhatItIs()
    {
        var error = Assert.Throws<InvalidDataException>(() => ElfVersionNeeds.Weaken("not a library, 64 bytes at least........................................."u8.ToArray(), "X"));
        Assert.Equal("not an ELF file", error.Message);
    }

    [Fact]
    public void AtRunTimeTheBuildOutputsAlreadyFixedCopyLoadsAsItIs()
    {
        if (!OperatingSystem.IsLinux()) return;
        var outcome = TorchSharpNativeLibrary.EnsureLoadable();
        // The build patched this output's copy where the system needs it; elsewhere the system defines the version.
        Assert.EndsWith(TorchSharpNativeLibrary.SystemNeedsFix() ? "loads as it is" : "nothing to do", outcome);
    }
}
