using System.Text.Json.Nodes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Phosphene.Kernel.Protocol;

namespace Phosphene.Kernel.Tests;

/// <summary>A kernel started in a notebook folder of its own, with a DLL and a script the tests reference from it.</summary>
public sealed class NotebookFolderFixture : IDisposable
{
    public NotebookFolderFixture()
    {
        Folder = Directory.CreateTempSubdirectory("phosphene-notebook").FullName;
        Directory.CreateDirectory(Path.Combine(Folder, "libs"));
        BuildGreeterLibrary(Path.Combine(Folder, "libs", "Greeter.dll"));
        File.WriteAllText(Path.Combine(Folder, "helpers.csx"), "int Triple(int x) => 3 * x;\nvar loadedValue = 14;\n");
        File.WriteAllText(Path.Combine(Folder, "broken.csx"), "var fine = 1;\nint broken = ;\n");
        Kernel = new KernelProcess(Folder);
    }

    public string Folder { get; }

    public KernelProcess Kernel { get; }

    // A tiny library compiled here, so `#r "libs/Greeter.dll"` has a real assembly the kernel has never seen.
    private static void BuildGreeterLibrary(string path)
    {
        var tree = CSharpSyntaxTree.ParseText("namespace Greetings { public static class Greeter { public static string Hello(string name) => \"Hello, \" + name + \"!\"; } }");
        var compilation = CSharpCompilation.Create("Greeter", [tree],
            [MetadataReference.CreateFromFile(typeof(object).Assembly.Location)],
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        var result = compilation.Emit(path);
        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
    }

    public void Dispose()
    {
        Kernel.Dispose();
        Directory.Delete(Folder, recursive: true);
    }
}

/// <summary>
/// <c>#r "nuget: …"</c>, <c>#r "path"</c>, <c>#load</c>, and completion and inspection through the Roslyn workspace,
/// against a running kernel. The package tests restore FuzzySharp 2.0.2 (a small pure-managed library the kernel does
/// not reference) from the configured NuGet feed.
/// </summary>
public class KernelReferenceTests : IClassFixture<NotebookFolderFixture>
{
    private readonly KernelProcess _kernel;

    public KernelReferenceTests(NotebookFolderFixture fixture) => _kernel = fixture.Kernel;

    private static string? Result(List<JupyterMessage> outputs)
        => (string?)outputs.SingleOrDefault(m => m.MessageType == "execute_result")?.Content["data"]!["text/plain"];

    private static string Streams(List<JupyterMessage> outputs)
        => string.Concat(outputs.Where(m => m.MessageType == "stream").Select(m => (string?)m.Content["text"]));

    [Fact]
    public void NuGetPackageIsRestoredAndItsTypesWorkInTheNextCell()
    {
        var (reply, outputs) = _kernel.Execute("#r \"nuget: FuzzySharp, 2.0.2\"");
        Assert.True("ok" == (string?)reply.Content["status"], reply.Content.ToJsonString());
        var streams = Streams(outputs);
        Assert.Contains("Restoring FuzzySharp 2.0.2…\n", streams);
        Assert.Contains("Installed FuzzySharp 2.0.2.\n", streams);

        // Levenshtein ratio of "hello world" and "hello wrld": one deletion over 21 characters, (21 - 1) / 21 -> 95.
        var (next, nextOutputs) = _kernel.Execute("FuzzySharp.Fuzz.Ratio(\"hello world\", \"hello wrld\")");
        Assert.Equal("ok", (string?)next.Content["status"]);
        Assert.Equal("95", Result(nextOutputs));

        // Loaded once: the same directive again restores nothing; another version is a clear error.
        var (again, againOutputs) = _kernel.Execute("#r \"nuget: FuzzySharp\"\nFuzzySharp.Fuzz.PartialRatio(\"abc\", \"xxabcxx\")");
        Assert.Equal("ok", (string?)again.Content["status"]);
        Assert.Equal("", Streams(againOutputs));
        Assert.Equal("100", Result(againOutputs));
        var (conflict, _) = _kernel.Execute("#r \"nuget: FuzzySharp, 1.0.4\"");
        Assert.Equal("PackageConflictError", (string?)conflict.Content["ename"]);
        Assert.Equal("FuzzySharp 2.0.2 is already loaded, so FuzzySharp 1.0.4 cannot be: a process holds one version of a package. " +
                     "Restart the kernel to use 1.0.4, or reference 2.0.2.", (string?)conflict.Content["evalue"]);
    }

    [Fact]
    public void UnknownPackageIsTheRestoresOwnErrorAndTheNextCellRuns()
    {
        var (reply, outputs) = _kernel.Execute("#r \"nuget: Phosphene.NoSuchPackage.Anywhere, 1.0.0\"\nvar afterMissing = 1;");
        Assert.Equal("error", (string?)reply.Content["status"]);
        var error = Assert.Single(outputs, m => m.MessageType == "error");
        Assert.Equal("PackageRestoreError", (string?)error.Content["ename"]);
        Assert.StartsWith("error NU1101: Unable to find package Phosphene.NoSuchPackage.Anywhere.", (string?)error.Content["evalue"]);
        var traceback = error.Content["traceback"]!.AsArray().Select(l => (string?)l).ToList();
        Assert.Equal("Restoring Phosphene.NoSuchPackage.Anywhere 1.0.0 failed:", traceback[0]);
        Assert.DoesNotContain(traceback, l => l!.Contains("   at ", StringComparison.Ordinal));
        Assert.Contains("Restoring Phosphene.NoSuchPackage.Anywhere 1.0.0…\n", Streams(outputs));

        var (next, nextOutputs) = _kernel.Execute("6 * 7");
        Assert.Equal("ok", (string?)next.Content["status"]);
        Assert.Equal("42", Result(nextOutputs));
        Assert.Equal("error", (string?)_kernel.Execute("afterMissing").Reply.Content["status"]);
    }

    [Fact]
    public void ReferenceToADllRelativeToTheNotebookFolderLoadsIt()
    {
        var (reply, outputs) = _kernel.Execute("#r \"libs/Greeter.dll\"\nGreetings.Greeter.Hello(\"cells\")");
        Assert.True("ok" == (string?)reply.Content["status"], reply.Content.ToJsonString());
        Assert.Equal("Hello, cells!", Result(outputs));
        Assert.Equal("Hello, again!", Result(_kernel.Execute("Greetings.Greeter.Hello(\"again\")").Outputs));
    }

    [Fact]
    public void MissingDllIsACompileErrorNamingIt()
    {
        var (reply, _) = _kernel.Execute("#r \"libs/Missing.dll\"");
        Assert.Equal("CompilationError", (string?)reply.Content["ename"]);
        Assert.Equal("(1,1): error CS0006: Metadata file 'libs/Missing.dll' could not be found", (string?)reply.Content["evalue"]);
    }

    [Fact]
    public void LoadRunsAScriptFileAndKeepsWhatItDeclares()
    {
        var (reply, _) = _kernel.Execute("#load \"helpers.csx\"");
        Assert.True("ok" == (string?)reply.Content["status"], reply.Content.ToJsonString());
        var (next, outputs) = _kernel.Execute("Triple(loadedValue)");
        Assert.Equal("ok", (string?)next.Content["status"]);
        Assert.Equal("42", Result(outputs));
    }

    [Fact]
    public void CompileErrorInALoadedFileNamesTheFile()
    {
        var (reply, _) = _kernel.Execute("#load \"broken.csx\"");
        Assert.Equal("CompilationError", (string?)reply.Content["ename"]);
        Assert.Equal("broken.csx(2,14): error CS1525: Invalid expression term ';'", (string?)reply.Content["evalue"]);
        Assert.Equal("ok", (string?)_kernel.Execute("var afterBroken = 1;").Reply.Content["status"]);
    }

    private JsonObject Request(string type, string code, int? cursor = null)
    {
        var request = _kernel.Send(Channel.Shell, type, new JsonObject { ["code"] = code, ["cursor_pos"] = cursor ?? code.Length, ["detail_level"] = 0 });
        var reply = _kernel.Reply(Channel.Shell);
        _kernel.Outputs(request);
        return reply.Content;
    }

    private static List<string> Matches(JsonObject reply) => reply["matches"]!.AsArray().Select(m => (string)m!).ToList();

    [Fact]
    public void CompletionListsTheMembersOfAnEarlierCellsVariable()
    {
        _kernel.Execute("var builder = new System.Text.StringBuilder();");
        var reply = Request("complete_request", "builder.App");
        var matches = Matches(reply);
        Assert.Contains("Append", matches);
        Assert.Contains("AppendLine", matches);
        Assert.Contains("AppendFormat", matches);
        Assert.DoesNotContain("ToString", matches);
        Assert.Equal(8, (int)reply["cursor_start"]!);
        Assert.Equal(11, (int)reply["cursor_end"]!);
    }

    [Fact]
    public void CompletionAfterNewOffersTypes()
    {
        var reply = Request("complete_request", "var map = new Dictio");
        Assert.Contains("Dictionary", Matches(reply));
        Assert.Equal(14, (int)reply["cursor_start"]!);
    }

    [Fact]
    public void CompletionSeesAnEarlierCellsTypeAndItsMembers()
    {
        _kernel.Execute("record Probe(int Layer, string Name);\nvar probe = new Probe(3, \"features.2\");");
        Assert.Contains("Layer", Matches(Request("complete_request", "probe.")));
        Assert.Contains("Probe", Matches(Request("complete_request", "Pro")));
    }

    [Fact]
    public void InspectOfAToolkitMethodShowsItsXmlSummary()
    {
        var reply = Request("inspect_request", "Datasets.FashionMnist(DatasetSplit.Test)", "Datasets.Fashion".Length);
        Assert.True((bool)reply["found"]!, reply.ToJsonString());
        var text = (string)reply["data"]!["text/plain"]!;
        Assert.StartsWith("ImageDataset Datasets.FashionMnist(DatasetSplit split", text);
        Assert.Contains("Fashion-MNIST (Xiao, Rasul and Vollgraf 2017, \"Fashion-MNIST: a Novel Image Dataset for Benchmarking Machine Learning Algorithms\")", text);
    }
}
