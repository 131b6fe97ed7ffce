// One source for the TorchSharp native-library fix in two places: the Phosphene library compiles the ElfVersionNeeds
// class (the run-time fix, TorchSharpNativeLibrary), and MSBuild's RoslynCodeTaskFactory compiles this whole file
// for the build-time fix (environment/TorchSharpNativeFix.targets), where PHOSPHENE_LIBRARY is not defined and the
// task class below is included. See environment/README.md for why marking the need weak is safe.
#nullable enable
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Text;

namespace Phosphene.Native
{
    /// <summary>What <see cref="ElfVersionNeeds.Weaken"/> did to a library's need of a symbol version.</summary>
    internal enum ElfVersionNeedOutcome
    {
        /// <summary>The library does not need the version.</summary>
        NotNeeded,
        /// <summary>The need was already weak.</summary>
        AlreadyWeak,
        /// <summary>The need was strong and is now weak (VER_FLG_WEAK set).</summary>
        Patched,
    }

    /// <summary>
    /// Reads and edits the symbol-version sections of an ELF64 little-endian shared library in memory: whether it
    /// defines a version (<c>.gnu.version_d</c>), and marking its need of one weak (<c>VER_FLG_WEAK</c> in
    /// <c>.gnu.version_r</c>) so the dynamic loader accepts a system library that lacks it.
    /// </summary>
    internal static class ElfVersionNeeds
    {
        const uint ShtGnuVerdef = 0x6ffffffd;
        const uint ShtGnuVerneed = 0x6ffffffe;
        const ushort VerFlgWeak = 0x2;

        /// <summary>The version TorchSharp 0.107's libLibTorchSharp.so needs and Debian 12's libstdc++ lacks.</summary>
        public const string TorchSharpVersionNeed = "GLIBCXX_3.4.32";

        /// <summary>True when the library's <c>.gnu.version_d</c> defines <paramref name="version"/>.</summary>
        /// <exception cref="InvalidDataException">Not a 64-bit little-endian ELF file.</exception>
        public static bool Defines(byte[] elf, string version)
        {
            foreach (var (offset, size, strtab) in Sections(elf, ShtGnuVerdef))
            {
                long entry = offset;
                while (entry < offset + size)
                {
                    ushort count = U16(elf, entry + 6);
                    long aux = entry + U32(elf, entry + 12);
                    for (int i = 0; i < count; i++)
                    {
                        if (Name(elf, strtab, U32(elf, aux)) == version) return true;
                        aux += U32(elf, aux + 4);
                    }
                    uint next = U32(elf, entry + 16);
                    if (next == 0) break;
                    entry += next;
                }
            }
            return false;
        }

        /// <summary>Marks every need of <paramref name="version"/> in <paramref name="elf"/> weak, in place.</summary>
        /// <exception cref="InvalidDataException">Not a 64-bit little-endian ELF file.</exception>
        public static ElfVersionNeedOutcome Weaken(byte[] elf, string version)
        {
            var outcome = ElfVersionNeedOutcome.NotNeeded;
            foreach (var (offset, size, strtab) in Sections(elf, ShtGnuVerneed))
            {
                long entry = offset;
                while (entry < offset + size)
                {
                    ushort count = U16(elf, entry + 2);
                    long aux = entry + U32(elf, entry + 8);
                    for (int i = 0; i < count; i++)
                    {
                        if (Name(elf, strtab, U32(elf, aux + 8)) == version)
                        {
                            ushort flags = U16(elf, aux + 4);
                            if ((flags & VerFlgWeak) != 0)
                            {
                                if (outcome == ElfVersionNeedOutcome.NotNeeded) outcome = ElfVersionNeedOutcome.AlreadyWeak;
                            }
                            else
                            {
                                flags |= VerFlgWeak;
                                elf[aux + 4] = (byte)flags;
                                elf[aux + 5] = (byte)(flags >> 8);
                                outcome = ElfVersionNeedOutcome.Patched;
                            }
                        }
                        uint nextAux = U32(elf, aux + 12);
                        if (nextAux == 0) break;
                        aux += nextAux;
                    }
                    uint next = U32(elf, entry + 12);
                    if (next == 0) break;
                    entry += next;
                }
            }
            return outcome;
        }

        /// <summary>The path of the system's <paramref name="name"/> (e.g. <c>libstdc++.so.6</c>) for this process's word size, or null.</summary>
        public static string? FindSystemLibrary(string name)
        {
            try
            {
                var psi = new ProcessStartInfo("/sbin/ldconfig", "-p") { RedirectStandardOutput = true, UseShellExecute = false };
                using var p = Process.Start(psi)!;
                string output = p.StandardOutput.ReadToEnd();
                p.WaitForExit();
                foreach (var line in output.Split('\n'))
                {
                    string t = line.Trim();
                    if (!t.StartsWith(name + " ", StringComparison.Ordinal)) continue;
                    int arrow = t.IndexOf("=> ", StringComparison.Ordinal);
                    if (arrow < 0) continue;
                    bool is64 = t.Contains("x86-64") || t.Contains("AArch64") || t.Contains("64bit");
                    if (Environment.Is64BitProcess == is64 && File.Exists(t.Substring(arrow + 3))) return t.Substring(arrow + 3);
                }
            }
            catch (Exception) { /* no ldconfig: fall back to the usual folders */ }
            foreach (var dir in new[] { "/usr/lib/x86_64-linux-gnu", "/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu",
                                        "/lib/aarch64-linux-gnu", "/usr/lib64", "/lib64", "/usr/lib", "/lib" })
            {
                string candidate = Path.Combine(dir, name);
                if (File.Exists(candidate)) return candidate;
            }
            return null;
        }

        /// <summary>(file offset, size, string-table offset) of every section of the given type.</summary>
        static IEnumerable<(long Offset, long Size, long StrTab)> Sections(byte[] elf, uint type)
        {
            if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
                throw new InvalidDataException("not an ELF file");
            if (elf[4] != 2 || elf[5] != 1)
                throw new InvalidDataException("only 64-bit little-endian ELF files are supported");
            long shoff = (long)U64(elf, 0x28);
            ushort shentsize = U16(elf, 0x3A), shnum = U16(elf, 0x3C);
            for (int i = 0; i < shnum; i++)
            {
                long sh = shoff + (long)i * shentsize;
                if (U32(elf, sh + 4) != type) continue;
                uint link = U32(elf, sh + 0x28);
                long strtab = (long)U64(elf, shoff + (long)link * shentsize + 0x18);
                yield return ((long)U64(elf, sh + 0x18), (long)U64(elf, sh + 0x20), strtab);
            }
        }

        static string Name(byte[] elf, long strtab, uint index)
        {
            long start = strtab + index, end = start;
            while (elf[end] != 0) end++;
            return Encoding.ASCII.GetString(elf, (int)start, (int)(end - start));
        }

        static ushort U16(byte[] b, long o) => BitConverter.ToUInt16(b, (int)o);
        static uint U32(byte[] b, long o) => BitConverter.ToUInt32(b, (int)o);
        static ulong U64(byte[] b, long o) => BitConverter.ToUInt64(b, (int)o);
    }
}

#if !PHOSPHENE_LIBRARY
/// <summary>
/// The build-time fix: marks the version need weak in the build output's copies of a library when the system library
/// that should provide the version does not define it. Each patched copy is written as a new file moved over the old
/// one, so a hard link into the NuGet cache is never written through.
/// </summary>
public sealed class WeakenElfVersionNeed : Microsoft.Build.Utilities.Task
{
    [Microsoft.Build.Framework.Required] public Microsoft.Build.Framework.ITaskItem[] Libraries { get; set; } = Array.Empty<Microsoft.Build.Framework.ITaskItem>();
    [Microsoft.Build.Framework.Required] public string VersionName { get; set; } = "";
    [Microsoft.Build.Framework.Required] public string SystemLibrary { get; set; } = "";

    public override bool Execute()
    {
        string? system = Phosphene.Native.ElfVersionNeeds.FindSystemLibrary(SystemLibrary);
        if (system is null)
        {
            Log.LogMessage(Microsoft.Build.Framework.MessageImportance.High,
                $"Phosphene: no system {SystemLibrary} found; leaving TorchSharp's native library unchanged.");
            return true;
        }
        if (Phosphene.Native.ElfVersionNeeds.Defines(File.ReadAllBytes(system), VersionName))
        {
            Log.LogMessage(Microsoft.Build.Framework.MessageImportance.Low, $"Phosphene: {system} defines {VersionName}; no fix needed.");
            return true;
        }
        foreach (var item in Libraries)
        {
            string path = item.GetMetadata("FullPath");
            byte[] bytes = File.ReadAllBytes(path);
            var outcome = Phosphene.Native.ElfVersionNeeds.Weaken(bytes, VersionName);
            if (outcome != Phosphene.Native.ElfVersionNeedOutcome.Patched)
            {
                Log.LogMessage(Microsoft.Build.Framework.MessageImportance.Low, $"Phosphene: {path}: {outcome}.");
                continue;
            }
            string temp = path + ".phosphene-tmp";
            File.WriteAllBytes(temp, bytes);
            File.Delete(path);
            File.Move(temp, path);
            Log.LogMessage(Microsoft.Build.Framework.MessageImportance.High, $"Phosphene: marked {VersionName} weak in {path} ({system} lacks it).");
        }
        return !Log.HasLoggedErrors;
    }
}
#endif
