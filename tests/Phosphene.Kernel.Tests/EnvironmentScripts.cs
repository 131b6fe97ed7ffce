using System.Diagnostics;

namespace Phosphene.Kernel.Tests;

/// <summary>Debian's Python (/usr/bin/python3) running the repository's environment/ scripts, or code given with -c.</summary>
internal static class EnvironmentScripts
{
    /// <summary>The path of <paramref name="script"/> under environment/.</summary>
    public static string Path(string script) => System.IO.Path.Combine(KernelBuild.RepositoryRoot, "environment", script);

    /// <summary>Runs python3 with <paramref name="arguments"/> (and <paramref name="environment"/> added); its exit code and outputs.</summary>
    public static async Task<(int Exit, string Stdout, string Stderr)> Run(string[] arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo("/usr/bin/python3", arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
            info.Environment[name] = value;
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>environment/check_record.py on <paramref name="output"/>: its exit code and its report (stdout and stderr).</summary>
    public static async Task<(int Exit, string Report)> CheckRecord(string output)
    {
        var (exit, stdout, stderr) = await Run([Path("check_record.py"), output]);
        return (exit, stdout + stderr);
    }
}
