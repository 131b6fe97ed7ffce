using System.Text.Json.Nodes;

namespace Phosphene.Kernel.Tests;

/// <summary>The kernel applies Phosphene's native settings before a cell's first convolution (issue 23).</summary>
public sealed class NativeRuntimeTests
{
    [Fact]
    public void ACellsConvolutionRunsUnderTheOneDnnCapWhenTheEnvironmentSetsNone()
    {
        // Started without any cap (this test process may have one: Phosphene's module initializer sets it here too).
        using var kernel = new KernelProcess(environment: new Dictionary<string, string?>
        {
            ["ONEDNN_MAX_CPU_ISA"] = null, ["DNNL_MAX_CPU_ISA"] = null, ["ONEDNN_VERBOSE"] = "1",
        });
        // A user's cell that touches no Phosphene type: the kernel itself must have set the cap.
        var (reply, outputs) = kernel.Execute(
            "var y = torch.nn.functional.conv2d(torch.ones(2, 1, 8, 8), torch.ones(4, 1, 3, 3));\n" +
            "$\"{y.sum().item<float>()} {Environment.GetEnvironmentVariable(\"ONEDNN_MAX_CPU_ISA\")}\"");
        Assert.Equal("ok", (string?)reply.Content["status"]);
        var result = outputs.Single(m => m.MessageType == "execute_result");
        Assert.Equal("2592 AVX2", (string?)((JsonObject)result.Content["data"]!)["text/plain"]);

        // oneDNN says which instruction set it runs: AVX2 on CPUs that have it, never AVX-512.
        string? isa = null;
        for (var deadline = DateTime.UtcNow.AddSeconds(10); isa is null && DateTime.UtcNow < deadline; Thread.Sleep(50))
            lock (kernel.NativeOutput)
                isa = kernel.NativeOutput.FirstOrDefault(l => l.StartsWith("onednn_verbose", StringComparison.Ordinal) && l.Contains(",isa:"));
        Assert.NotNull(isa);
        Assert.DoesNotContain("512", isa);
        if (File.ReadLines("/proc/cpuinfo").First(l => l.StartsWith("flags")).Split(' ').Contains("avx2"))
            Assert.EndsWith("isa:Intel AVX2", isa);
    }
}
