using System.Text.Json.Nodes;
using Phosphene.Kernel.Install;

namespace Phosphene.Kernel.Tests;

public class KernelSpecInstallerTests
{
    [Fact]
    public void InstallWritesKernelJsonPointingAtThisBuildAndTheLogos()
    {
        var prefix = Directory.CreateTempSubdirectory("phosphene-spec").FullName;
        try
        {
            var target = KernelSpecInstaller.Install(user: false, prefix);
            Assert.Equal(Path.Combine(prefix, "share", "jupyter", "kernels", "phosphene-csharp"), target);
            var spec = JsonNode.Parse(File.ReadAllText(Path.Combine(target, "kernel.json")))!;
            Assert.Equal("C# (Phosphene)", (string?)spec["display_name"]);
            Assert.Equal("csharp", (string?)spec["language"]);
            Assert.Equal("message", (string?)spec["interrupt_mode"]);
            var argv = spec["argv"]!.AsArray().Select(a => (string?)a).ToList();
            Assert.Equal("dotnet", Path.GetFileNameWithoutExtension(argv[0]));
            Assert.Equal(typeof(KernelSpecInstaller).Assembly.Location, argv[1]);
            Assert.Equal(["-f", "{connection_file}"], argv[2..]);
            Assert.True(File.Exists(Path.Combine(target, "logo-64x64.png")));
            Assert.True(File.Exists(Path.Combine(target, "logo-32x32.png")));
        }
        finally
        {
            Directory.Delete(prefix, recursive: true);
        }
    }
}
