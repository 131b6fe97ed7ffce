using System.Text.Json.Nodes;
using Phosphene.Kernel.Protocol;

namespace Phosphene.Kernel.Tests;

/// <summary>
/// The Phosphene kernel meets .NET Interactive halfway: its <c>#!</c> spelling of magics, its C# kernel selector and
/// the <c>#r "nuget: Phosphene.Interactive"</c> line that loads Phosphene there, so one notebook runs on both hosts.
/// </summary>
public class InteractiveSpellingTests : IClassFixture<KernelFixture>
{
    private readonly KernelProcess _kernel;

    public InteractiveSpellingTests(KernelFixture fixture) => _kernel = fixture.Kernel;

    private (JsonNode Reply, List<JupyterMessage> Outputs) Ok(string code)
    {
        var (reply, outputs) = _kernel.Execute(code);
        Assert.True((string?)reply.Content["status"] == "ok", reply.Content.ToJsonString());
        return (reply.Content, outputs);
    }

    private static string Text(List<JupyterMessage> outputs) => string.Concat(outputs.Select(m =>
        m.MessageType == "stream" ? (string?)m.Content["text"] : (string?)m.Content["data"]?["text/plain"]));

    [Fact]
    public void DirectiveSpellingRunsTheSameMagic()
    {
        Assert.Equal(Text(Ok("%lsmagic").Outputs), Text(Ok("#!lsmagic").Outputs));
        // Alone in a cell, --help goes to the pager, as in IPython, in either spelling.
        static string? Page(JsonNode reply) => (string?)reply["payload"]?[0]?["data"]?["text/plain"];
        var page = Page(Ok("%attribute --help").Reply);
        Assert.StartsWith("%attribute [--option value | --flag]", page);
        Assert.Equal(page, Page(Ok("#!attribute --help").Reply));
    }

    [Fact]
    public void ABareTimeDirectiveTimesTheWholeCellAndTheCSharpSelectorIsIgnored()
    {
        var (_, outputs) = Ok("#!csharp\n#!time\nvar spelled = 6 * 7;\nspelled");
        Assert.Contains("Wall time: ", Text(outputs));
        Assert.Equal("42", (string?)outputs.Single(m => m.MessageType == "execute_result").Content["data"]!["text/plain"]);
    }

    [Fact]
    public void ACellInAnotherOfDotNetInteractivesLanguagesIsSaidSkippedAndTheSessionGoesOn()
    {
        Ok("var beforeFSharp = 5;");
        var (_, outputs) = Ok("#!fsharp\n#!share --from csharp beforeFSharp\nbeforeFSharp * 2");
        Assert.Equal("Skipped: this cell is F# (#!fsharp), which runs on .NET Interactive; this kernel runs C# only.", Text(outputs));
        Assert.DoesNotContain(outputs, m => m.MessageType == "execute_result");
        Assert.Equal("5", (string?)Ok("beforeFSharp").Outputs.Single(m => m.MessageType == "execute_result").Content["data"]!["text/plain"]);
    }

    [Fact]
    public void AnUnknownDirectiveIsAMagicErrorThatSuggestsTheNearest()
    {
        var (reply, _) = _kernel.Execute("#!atribute --help");
        Assert.Equal("error", (string?)reply.Content["status"]);
        Assert.Contains("unknown magic '%atribute'; did you mean '%attribute'?", (string?)reply.Content["evalue"]);
    }

    [Fact]
    public void ReferencingPhospheneInteractiveSaysTheToolkitIsBuiltInAndRestoresNothing()
    {
        var (_, outputs) = Ok("#r \"nuget: Phosphene.Interactive\"\nPhosphene.PhospheneCache.Folder(\"x\").EndsWith(\"x\")");
        Assert.Contains("Phosphene is built into this kernel", Text(outputs));
        Assert.DoesNotContain("Restoring", Text(outputs));
        Assert.Equal("True", (string?)outputs.Single(m => m.MessageType == "execute_result").Content["data"]!["text/plain"]);
    }
}
