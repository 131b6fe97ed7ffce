using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Phosphene.Kernel.Tests;

/// <summary>
/// The kernel's ReadyToRun step finds crossgen2 and the shared framework however the package and SDK roots are
/// spelled: CI caches usually set NUGET_PACKAGES (hence NuGetPackageRoot) without a trailing slash, and once gave
/// <c>…/packagesmicrosoft.netcore.app.crossgen2…</c> (exit 127). Evaluated with MSBuild, under a non-default HOME.
/// </summary>
public class KernelBuildPathsTests
{
    [Fact]
    public void CrossgenAndFrameworkPathsJoinRootsWithoutTrailingSlash()
    {
        var packages = (Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } set ? set
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages")).TrimEnd('/');
        // The running framework is <dotnet root>/shared/Microsoft.NETCore.App/<version>/.
        var dotnetRoot = Path.GetFullPath(Path.Combine(System.Runtime.InteropServices.RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", "..")).TrimEnd('/');
        var home = Directory.CreateTempSubdirectory("phosphene-home").FullName;
        try
        {
            var start = new ProcessStartInfo("dotnet",
            [
                "msbuild", Path.Combine(KernelBuild.RepositoryRoot, "src", "Phosphene.Kernel", "Phosphene.Kernel.csproj"),
                "-t:KernelReadyToRunInputs", "-getProperty:_KernelCrossgen", "-getProperty:_KernelFrameworkDirectory",
                $"-p:NuGetPackageRoot={packages}", $"-p:NetCoreRoot={dotnetRoot}", "-p:Configuration=Release", "-nologo",
            ])
            { RedirectStandardOutput = true, RedirectStandardError = true };
            start.Environment["HOME"] = home;
            start.Environment["NUGET_PACKAGES"] = packages;
            using var msbuild = Process.Start(start)!;
            var output = msbuild.StandardOutput.ReadToEnd();
            msbuild.WaitForExit();
            Assert.True(msbuild.ExitCode == 0, output + msbuild.StandardError.ReadToEnd());
            var properties = JsonNode.Parse(output)!["Properties"]!;
            var crossgen = (string)properties["_KernelCrossgen"]!;
            var framework = (string)properties["_KernelFrameworkDirectory"]!;
            Assert.StartsWith(packages + "/microsoft.netcore.app.crossgen2.", crossgen);
            Assert.EndsWith("/tools/crossgen2", crossgen);
            Assert.True(File.Exists(Path.Combine(framework, "System.Private.CoreLib.dll")), $"no framework at {framework}");
            // crossgen2 is downloaded by the ReadyToRun build; where it was, the joined path names the real file.
            if (Directory.Exists(Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(crossgen)))))
                Assert.True(File.Exists(crossgen), $"no crossgen2 at {crossgen}");
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }
}
