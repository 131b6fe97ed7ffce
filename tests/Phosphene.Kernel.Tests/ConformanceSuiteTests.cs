using System.Diagnostics;

namespace Phosphene.Kernel.Tests;

/// <summary>
/// Runs tests/conformance (jupyter_kernel_test, from Debian's python3-jupyter-kernel-test) against the built kernel:
/// the kernelspec is installed into a temporary prefix that only this run's JUPYTER_PATH sees.
/// </summary>
public class ConformanceSuiteTests
{
    [Fact]
    public void JupyterKernelTestSuitePassesInFull()
    {
        var prefix = Directory.CreateTempSubdirectory("phosphene-kernelspec").FullName;
        try
        {
            var (installExit, installOutput) = Run("dotnet", [KernelBuild.KernelDll, "install", "--prefix", prefix], null, null);
            Assert.True(installExit == 0, installOutput);

            var suite = Path.Combine(KernelBuild.RepositoryRoot, "tests", "conformance");
            var (exit, output) = Run("/usr/bin/python3", ["-m", "unittest", "-v", "test_phosphene_kernel"], suite,
                Path.Combine(prefix, "share", "jupyter"));
            Assert.True(exit == 0, output);
            // 12 test methods; none may be skipped (every sample attribute is set).
            Assert.Contains("Ran 12 tests", output);
            Assert.DoesNotContain("skipped", output);
            Assert.Contains("\nOK", output);
        }
        finally
        {
            Directory.Delete(prefix, recursive: true);
        }
    }

    private static (int Exit, string Output) Run(string file, string[] args, string? directory, string? jupyterPath)
    {
        var info = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        if (directory is not null)
            info.WorkingDirectory = directory;
        if (jupyterPath is not null)
            info.Environment["JUPYTER_PATH"] = jupyterPath;
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            process.Kill(entireProcessTree: true);
            return (-1, "timed out after 3 minutes\n" + stdout.Result + stderr.Result);
        }
        return (process.ExitCode, stdout.Result + stderr.Result);
    }
}
