using System.Text.Json.Nodes;
using Phosphene.Kernel.Protocol;

namespace Phosphene.Kernel.Tests;

/// <summary>
/// Completion and inspection built after several cells have run: later cells inherit their references from the first,
/// so the completion workspace must gather them along the chain (it once took the latest cell's, which lists none, and
/// every name went unresolved when the workspace was first built after the second cell).
/// </summary>
public sealed class CompletionAfterManyCellsTests
{
    [Fact]
    public void TheFirstCompletionAfterThreeCellsResolvesTheFrameworkAndTheSession()
    {
        using var kernel = new KernelProcess();
        foreach (var code in new[] { "var first = 1;", "var second = new List<int> { first };", "var third = second.Count;" })
            Assert.Equal("ok", (string?)kernel.Execute(code).Reply.Content["status"]);

        string line = "Console.WriteL";
        kernel.Send(Channel.Shell, "complete_request", new JsonObject { ["code"] = line, ["cursor_pos"] = line.Length });
        var matches = kernel.Reply(Channel.Shell).Content["matches"]!.AsArray().Select(m => (string?)m).ToList();
        Assert.Contains("WriteLine", matches);

        string inspect = "second";
        kernel.Send(Channel.Shell, "inspect_request", new JsonObject { ["code"] = inspect, ["cursor_pos"] = inspect.Length, ["detail_level"] = 0 });
        var text = (string?)kernel.Reply(Channel.Shell).Content["data"]?["text/plain"];
        Assert.Equal("List<int> second", text);
        kernel.Drain();
    }
}
