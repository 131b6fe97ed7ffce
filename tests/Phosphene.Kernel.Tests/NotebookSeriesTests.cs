using System.Diagnostics;

namespace Phosphene.Kernel.Tests;

/// <summary>
/// Every notebook of the series (notebooks/*.ipynb) executes without error through nbclient with the built kernel,
/// as the README's main job runs it (environment/run_notebooks.py), into a temporary output folder.
/// </summary>
public class NotebookSeriesTests : IClassFixture<NotebookSeriesTests.TemporaryKernelSpec>
{
    readonly TemporaryKernelSpec spec;

    public NotebookSeriesTests(TemporaryKernelSpec spec) => this.spec = spec;

    public static TheoryData<string> Notebooks()
    {
        var data = new TheoryData<string>();
        foreach (var path in Directory.GetFiles(Path.Combine(KernelBuild.RepositoryRoot, "notebooks"), "*.ipynb").Order())
            data.Add(Path.GetFileName(path));
        return data;
    }

    [Theory]
    [MemberData(nameof(Notebooks))]
    public async Task NotebookExecutesWithoutError(string notebook)
    {
        var output = Directory.CreateTempSubdirectory("phosphene-series").FullName;
        try
        {
            var info = new ProcessStartInfo("/usr/bin/python3",
                [Path.Combine(KernelBuild.RepositoryRoot, "environment", "run_notebooks.py"), "--out", output, notebook])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            info.Environment["JUPYTER_PATH"] = spec.JupyterPath;
            using var process = Process.Start(info)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            Assert.True(process.ExitCode == 0, $"{notebook} failed:\n{await stdout}\n{await stderr}");
            Assert.True(File.Exists(Path.Combine(output, notebook)), "executed notebook written");
            Assert.True(File.Exists(Path.Combine(output, Path.ChangeExtension(notebook, ".html"))), "HTML written");
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }

    /// <summary>The kernelspec installed into a temporary prefix that only these runs see (through JUPYTER_PATH).</summary>
    public sealed class TemporaryKernelSpec : IDisposable
    {
        readonly string prefix = Directory.CreateTempSubdirectory("phosphene-kernelspec").FullName;
        public string JupyterPath => Path.Combine(prefix, "share", "jupyter");

        public TemporaryKernelSpec()
        {
            using var install = Process.Start(new ProcessStartInfo("dotnet", [KernelBuild.KernelDll, "install", "--prefix", prefix])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            })!;
            string log = install.StandardOutput.ReadToEnd() + install.StandardError.ReadToEnd();
            install.WaitForExit();
            if (install.ExitCode != 0) throw new InvalidOperationException($"kernelspec install failed: {log}");
        }

        public void Dispose() => Directory.Delete(prefix, recursive: true);
    }
}
