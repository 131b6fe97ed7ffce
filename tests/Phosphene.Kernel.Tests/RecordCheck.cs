using System.Diagnostics;

namespace Phosphene.Kernel.Tests;

/// <summary>environment/check_record.py: the executed pages of an output folder opened in headless Chromium.</summary>
internal static class RecordCheck
{
    /// <summary>Runs the check on <paramref name="output"/>; its exit code and its report (stdout and stderr).</summary>
    public static (int Exit, string Report) Run(string output)
    {
        var info = new ProcessStartInfo("/usr/bin/python3", [Path.Combine(KernelBuild.RepositoryRoot, "environment", "check_record.py"), output])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout + stderr.GetAwaiter().GetResult());
    }
}
