// Compiled by MSBuild's RoslynCodeTaskFactory from TorchSharpNativeFix.targets; not part of any project.
// Marks one symbol-version need of an ELF64 shared library weak (VER_FLG_WEAK) when the system library that should
// provide it does not define that version. See environment/README.md for why this is safe for TorchSharp.
#nullable enable
using System;
using System.Diagnostics;
using System.IO;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

public sealed class WeakenElfVersionNeed : Task
{
    const uint ShtGnuVerdef = 0x6ffffffd;
    const uint ShtGnuVerneed = 0x6ffffffe;
    const ushort VerFlgWeak = 0x2;

    [Required] public ITaskItem[] Libraries { get; set; } = Array.Empty<ITaskItem>();
    [Required] public string VersionName { get; set; } = "";
    [Required] public string SystemLibrary { get; set; } = "";

    public override bool Execute()
    {
        string? system = FindSystemLibrary(SystemLibrary);
        if (system is null)
        {
            Log.LogMessage(MessageImportance.High,
                $"Phosphene: no system {SystemLibrary} found; leaving TorchSharp's native library unchanged.");
            return true;
        }
        if (Defines(File.ReadAllBytes(system), VersionName))
        {
            Log.LogMessage(MessageImportance.Low, $"Phosphene: {system} defines {VersionName}; no fix needed.");
            return true;
        }
        foreach (var item in Libraries)
        {
            string path = item.GetMetadata("FullPath");
            byte[] bytes = File.ReadAllBytes(path);
            switch (Weaken(bytes, VersionName))
            {
                case Outcome.Patched:
                    // Write a new file and move it over the old one: a hard link to the NuGet cache is never written through.
                    string temp = path + ".phosphene-tmp";
                    File.WriteAllBytes(temp, bytes);
                    File.Delete(path);
                    File.Move(temp, path);
                    Log.LogMessage(MessageImportance.High,
                        $"Phosphene: marked {VersionName} weak in {path} ({system} lacks it).");
                    break;
                case Outcome.AlreadyWeak:
                    Log.LogMessage(MessageImportance.Low, $"Phosphene: {path} already patched.");
                    break;
                case Outcome.NotNeeded:
                    Log.LogMessage(MessageImportance.Low, $"Phosphene: {path} does not need {VersionName}.");
                    break;
            }
        }
        return !Log.HasLoggedErrors;
    }

    enum Outcome { Patched, AlreadyWeak, NotNeeded }

    static string? FindSystemLibrary(string name)
    {
        try
        {
            var psi = new ProcessStartInfo("/sbin/ldconfig", "-p") { RedirectStandardOutput = true, UseShellExecute = false };
            using var p = Process.Start(psi)!;
            string output = p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            string arch = Environment.Is64BitProcess ? "64" : "";
            foreach (var line in output.Split('\n'))
            {
                string t = line.Trim();
                if (!t.StartsWith(name + " ", StringComparison.Ordinal)) continue;
                int arrow = t.IndexOf("=> ", StringComparison.Ordinal);
                if (arrow < 0) continue;
                bool is64 = t.Contains("x86-64") || t.Contains("AArch64") || t.Contains("64bit");
                if ((arch == "64") == is64 && File.Exists(t.Substring(arrow + 3))) return t.Substring(arrow + 3);
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

    /// <summary>True when the library's .gnu.version_d defines <paramref name="version"/>.</summary>
    static bool Defines(byte[] elf, string version)
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

    static Outcome Weaken(byte[] elf, string version)
    {
        var outcome = Outcome.NotNeeded;
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
                        if ((flags & VerFlgWeak) != 0) { if (outcome == Outcome.NotNeeded) outcome = Outcome.AlreadyWeak; }
                        else
                        {
                            flags |= VerFlgWeak;
                            elf[aux + 4] = (byte)flags;
                            elf[aux + 5] = (byte)(flags >> 8);
                            outcome = Outcome.Patched;
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

    /// <summary>(file offset, size, string-table offset) of every section of the given type in an ELF64 LSB file.</summary>
    static System.Collections.Generic.IEnumerable<(long Offset, long Size, long StrTab)> Sections(byte[] elf, uint type)
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
