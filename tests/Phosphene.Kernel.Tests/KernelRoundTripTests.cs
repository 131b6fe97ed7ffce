using System.Text.Json.Nodes;
using Phosphene.Kernel.Protocol;

namespace Phosphene.Kernel.Tests;

/// <summary>One kernel process shared by the round-trip tests (they run one after another within the class).</summary>
public sealed class KernelFixture : IDisposable
{
    public KernelProcess Kernel { get; } = new();
    public void Dispose() => Kernel.Dispose();
}

public class KernelRoundTripTests : IClassFixture<KernelFixture>
{
    private readonly KernelProcess _kernel;

    public KernelRoundTripTests(KernelFixture fixture) => _kernel = fixture.Kernel;

    [Fact]
    public void KernelInfoDescribesCSharpWrappedInBusyAndIdle()
    {
        var request = _kernel.Send(Channel.Shell, "kernel_info_request", new JsonObject());
        var reply = _kernel.Reply(Channel.Shell);
        Assert.Equal("kernel_info_reply", reply.MessageType);
        Assert.Equal(request.MessageId, (string?)reply.ParentHeader["msg_id"]);
        Assert.Equal("5.3", (string?)reply.Content["protocol_version"]);
        Assert.Equal("csharp", (string?)reply.Content["language_info"]!["name"]);
        Assert.Equal(".cs", (string?)reply.Content["language_info"]!["file_extension"]);
        var statuses = _kernel.Outputs(request).Select(m => (string?)m.Content["execution_state"]).ToList();
        Assert.Equal(["busy", "idle"], statuses);
    }

    [Fact]
    public void ExpressionCellPublishesInputThenResultAndRepliesWithItsCount()
    {
        var (reply, outputs) = _kernel.Execute("var x = 40;\nx + 2");
        Assert.Equal("ok", (string?)reply.Content["status"]);
        var count = (int)reply.Content["execution_count"]!;
        Assert.Equal(["status", "execute_input", "execute_result", "status"], outputs.Select(m => m.MessageType));
        Assert.Equal("42", (string?)outputs[2].Content["data"]!["text/plain"]);
        Assert.Equal(count, (int)outputs[2].Content["execution_count"]!);
        Assert.Equal(count, (int)outputs[1].Content["execution_count"]!);
    }

    [Fact]
    public void StateCarriesAcrossCellsAndConsoleOutputStreams()
    {
        _kernel.Execute("var greeting = \"hello\";");
        var (reply, outputs) = _kernel.Execute("Console.WriteLine(greeting + \", world\"); Console.Error.WriteLine(\"warn\");");
        Assert.Equal("ok", (string?)reply.Content["status"]);
        var streams = outputs.Where(m => m.MessageType == "stream").Select(m => ((string?)m.Content["name"], (string?)m.Content["text"])).ToList();
        Assert.Contains(("stdout", "hello, world\n"), streams);
        Assert.Contains(("stderr", "warn\n"), streams);
    }

    [Fact]
    public void CompileErrorIsOneErrorWithTheCellLineThenTheNextCellRuns()
    {
        var (reply, outputs) = _kernel.Execute("var a = 1;\nvar b = a + missing;");
        Assert.Equal("error", (string?)reply.Content["status"]);
        var error = Assert.Single(outputs, m => m.MessageType == "error");
        Assert.Equal("CompilationError", (string?)error.Content["ename"]);
        Assert.Equal("(2,13): error CS0103: The name 'missing' does not exist in the current context", (string?)error.Content["evalue"]);

        var (next, nextOutputs) = _kernel.Execute("6 * 7");
        Assert.Equal("ok", (string?)next.Content["status"]);
        Assert.Equal("42", (string?)nextOutputs.Single(m => m.MessageType == "execute_result").Content["data"]!["text/plain"]);
    }

    [Fact]
    public void RuntimeErrorNamesTheExceptionAndTheUsersFramesWithCellLines()
    {
        _kernel.Execute("int Divide(int a) =>\n    10 / a;");
        var (reply, outputs) = _kernel.Execute("var before = 1;\nDivide(0)");
        Assert.Equal("error", (string?)reply.Content["status"]);
        var error = Assert.Single(outputs, m => m.MessageType == "error");
        Assert.Equal("DivideByZeroException", (string?)error.Content["ename"]);
        var traceback = error.Content["traceback"]!.AsArray().Select(l => (string?)l).ToList();
        var count = (int)reply.Content["execution_count"]!;
        Assert.Equal("System.DivideByZeroException: Attempted to divide by zero.", traceback[0]);
        Assert.Matches(@"^   at Divide\(Int32\) in cell \[\d+\], line 2$", traceback[1]);
        Assert.Equal($"   at cell [{count}], line 2", traceback[2]);
        Assert.Equal(3, traceback.Count);
    }

    [Fact]
    public void InterruptStopsARunawayLoopAndTheNextCellRuns()
    {
        var request = _kernel.Submit("long spins = 0;\nConsole.WriteLine(\"looping\");\nwhile (true) { spins++; }");
        // Interrupt once the loop runs (on a busy machine compiling the cell can take longer than any fixed wait).
        var outputs = new List<JupyterMessage>();
        while (!outputs.Any(m => m.MessageType == "stream"))
            outputs.Add(_kernel.NextOutput(request));
        Thread.Sleep(200);
        _kernel.Interrupt(request);

        var (next, nextOutputs) = _kernel.Execute("spins > 0");
        Assert.Equal("ok", (string?)next.Content["status"]);
        Assert.Equal("True", (string?)nextOutputs.Single(m => m.MessageType == "execute_result").Content["data"]!["text/plain"]);
    }

    [Fact]
    public void InterruptBreaksASleepingCell()
    {
        var request = _kernel.Submit("System.Threading.Thread.Sleep(60_000);");
        Thread.Sleep(1000);
        _kernel.Interrupt(request);
        Assert.Equal("ok", (string?)_kernel.Execute("1").Reply.Content["status"]);
    }

    [Fact]
    public void TorchSharpIsImportedByDefault()
    {
        var (reply, outputs) = _kernel.Execute("torch.ones(2, 3).sum().item<float>()");
        Assert.Equal("ok", (string?)reply.Content["status"]);
        Assert.Equal("6", (string?)outputs.Single(m => m.MessageType == "execute_result").Content["data"]!["text/plain"]);
    }

    [Fact]
    public void MessageWithBadSignatureIsDroppedUnexecuted()
    {
        var forged = JupyterMessage.Create("execute_request", new JsonObject
        {
            ["code"] = "var forgedRan = true;", ["silent"] = false, ["store_history"] = true,
            ["user_expressions"] = new JsonObject(), ["allow_stdin"] = false,
        }, "attacker");
        var frames = new WireFormat(new MessageSigner("wrong key")).Encode(forged);
        _kernel.SendFrames(Channel.Shell, frames);

        var (reply, outputs) = _kernel.Execute("forgedRan");
        Assert.Equal("error", (string?)reply.Content["status"]);
        Assert.Contains("'forgedRan' does not exist", (string?)reply.Content["evalue"]);
        lock (_kernel.Log)
            Assert.Contains(_kernel.Log, l => l == "Shell: dropped a message: invalid signature");
    }

    [Fact]
    public void ReplayedSignedRequestIsDroppedUnexecuted()
    {
        _kernel.Execute("var replays = 0;");
        var request = JupyterMessage.Create("execute_request", new JsonObject
        {
            ["code"] = "replays++;", ["silent"] = false, ["store_history"] = true,
            ["user_expressions"] = new JsonObject(), ["allow_stdin"] = false,
        }, "client");
        var frames = _kernel.Wire.Encode(request);
        _kernel.SendFrames(Channel.Shell, frames);
        Assert.Equal(request.MessageId, (string?)_kernel.Reply(Channel.Shell).ParentHeader["msg_id"]);
        _kernel.Outputs(request);
        _kernel.SendFrames(Channel.Shell, frames);

        var (reply, outputs) = _kernel.Execute("replays");
        Assert.Equal("ok", (string?)reply.Content["status"]);
        Assert.Equal("1", (string?)outputs.Single(m => m.MessageType == "execute_result").Content["data"]!["text/plain"]);
        lock (_kernel.Log)
            Assert.Contains(_kernel.Log, l => l == "Shell: dropped a message: replayed message (its signature was seen before)");
    }

    [Fact]
    public void FloodOfPrintedLinesArrivesWholeInFewMessages()
    {
        const int lineCount = 200_000;
        var (reply, outputs) = _kernel.Execute($"for (int i = 0; i < {lineCount}; i++) Console.WriteLine(i);");
        Assert.Equal("ok", (string?)reply.Content["status"]);
        var streams = outputs.Where(m => m.MessageType == "stream").ToList();
        var lines = string.Concat(streams.Select(m => (string?)m.Content["text"])).Split('\n');
        Assert.Equal(lineCount + 1, lines.Length);
        Assert.Equal("", lines[^1]);
        for (int i = 0; i < lineCount; i++)
            Assert.Equal(i.ToString(System.Globalization.CultureInfo.InvariantCulture), lines[i]);
        // Batched as ipykernel does (by size or a short interval), not one message per line.
        Assert.InRange(streams.Count, 1, lineCount / 100);
    }

    [Fact]
    public void ExceptionOnABackgroundThreadIsReportedInTheCellAndTheKernelLives()
    {
        var (reply, outputs) = _kernel.Execute(
            "var worker = new Thread(() => throw new InvalidOperationException(\"boom in a thread\")); worker.Start(); worker.Join(); \"joined\"");
        Assert.Equal("ok", (string?)reply.Content["status"]);
        var stderr = string.Concat(outputs.Where(m => m.MessageType == "stream" && (string?)m.Content["name"] == "stderr").Select(m => (string?)m.Content["text"]));
        Assert.StartsWith("Exception on a background thread (the thread ended; the kernel keeps running):", stderr);
        Assert.Contains("InvalidOperationException: boom in a thread", stderr);
        Assert.Equal("joined", (string?)outputs.Single(m => m.MessageType == "execute_result").Content["data"]!["text/plain"]);

        var (next, nextOutputs) = _kernel.Execute("6 * 7");
        Assert.Equal("ok", (string?)next.Content["status"]);
        Assert.Equal("42", (string?)nextOutputs.Single(m => m.MessageType == "execute_result").Content["data"]!["text/plain"]);
    }

    [Fact]
    public void SilentCellShowsNoResultAndDoesNotCount()
    {
        var (before, _) = _kernel.Execute("1");
        var request = _kernel.Send(Channel.Shell, "execute_request", new JsonObject
        {
            ["code"] = "2", ["silent"] = true, ["store_history"] = true, ["user_expressions"] = new JsonObject(), ["allow_stdin"] = false,
        });
        var reply = _kernel.Reply(Channel.Shell);
        Assert.Equal((int)before.Content["execution_count"]!, (int)reply.Content["execution_count"]!);
        Assert.Equal(["status", "status"], _kernel.Outputs(request).Select(m => m.MessageType));
    }

    [Fact]
    public void UserExpressionsAreEvaluatedAfterTheCell()
    {
        var request = _kernel.Send(Channel.Shell, "execute_request", new JsonObject
        {
            ["code"] = "var ux = 20;", ["silent"] = false, ["store_history"] = true, ["allow_stdin"] = false,
            ["user_expressions"] = new JsonObject { ["double"] = "ux * 2", ["bad"] = "nope" },
        });
        var reply = _kernel.Reply(Channel.Shell);
        _kernel.Outputs(request);
        var expressions = reply.Content["user_expressions"]!;
        Assert.Equal("40", (string?)expressions["double"]!["data"]!["text/plain"]);
        Assert.Equal("error", (string?)expressions["bad"]!["status"]);
        Assert.Equal("CompilationError", (string?)expressions["bad"]!["ename"]);
    }

    [Fact]
    public void CompleteSeesEarlierCellsVariables()
    {
        _kernel.Execute("var plantCount = 3;");
        var request = _kernel.Send(Channel.Shell, "complete_request", new JsonObject { ["code"] = "plantC", ["cursor_pos"] = 6 });
        var reply = _kernel.Reply(Channel.Shell);
        _kernel.Outputs(request);
        Assert.Equal(["plantCount"], reply.Content["matches"]!.AsArray().Select(m => (string?)m));
        Assert.Equal(0, (int)reply.Content["cursor_start"]!);
        Assert.Equal(6, (int)reply.Content["cursor_end"]!);
    }

    [Fact]
    public void InspectGivesTheSignatureOfTheNameAtTheCursor()
    {
        _kernel.Execute("var inspected = new List<int>();");
        var request = _kernel.Send(Channel.Shell, "inspect_request", new JsonObject { ["code"] = "inspected", ["cursor_pos"] = 9, ["detail_level"] = 0 });
        var reply = _kernel.Reply(Channel.Shell);
        _kernel.Outputs(request);
        Assert.True((bool)reply.Content["found"]!);
        Assert.Equal("List<int> inspected", (string?)reply.Content["data"]!["text/plain"]);
    }

    [Fact]
    public void ConsoleReadLineAsksTheFrontEndOverStdin()
    {
        var request = _kernel.Send(Channel.Shell, "execute_request", new JsonObject
        {
            ["code"] = "var answer = Console.ReadLine();\nanswer.ToUpperInvariant()", ["silent"] = false, ["store_history"] = true,
            ["user_expressions"] = new JsonObject(), ["allow_stdin"] = true, ["stop_on_error"] = true,
        });
        var input = _kernel.Reply(Channel.Stdin);
        Assert.Equal("input_request", input.MessageType);
        Assert.Equal(request.MessageId, (string?)input.ParentHeader["msg_id"]);
        _kernel.Send(Channel.Stdin, "input_reply", new JsonObject { ["value"] = "typed" });
        Assert.Equal("ok", (string?)_kernel.Reply(Channel.Shell).Content["status"]);
        var result = _kernel.Outputs(request).Single(m => m.MessageType == "execute_result");
        Assert.Equal("TYPED", (string?)result.Content["data"]!["text/plain"]);
    }

    [Fact]
    public void ConsoleReadLineWithoutStdinIsAClearError()
    {
        var (reply, _) = _kernel.Execute("Console.ReadLine()");
        Assert.Equal("InvalidOperationException", (string?)reply.Content["ename"]);
        Assert.Equal("This front end does not accept input, so Console.ReadLine cannot be answered; pass the value in code instead.",
            (string?)reply.Content["evalue"]);
    }

    [Fact]
    public void FailedCellWithStopOnErrorAbortsTheQueuedCells()
    {
        var failing = _kernel.Submit("System.Threading.Thread.Sleep(500);\nthrow new Exception(\"stop\");");
        var queued = _kernel.Submit("var queuedRan = true;");
        Assert.Equal("error", (string?)_kernel.Reply(Channel.Shell).Content["status"]);
        var aborted = _kernel.Reply(Channel.Shell);
        Assert.Equal(queued.MessageId, (string?)aborted.ParentHeader["msg_id"]);
        Assert.Equal("aborted", (string?)aborted.Content["status"]);
        _kernel.Outputs(failing);
        _kernel.Outputs(queued);
        Assert.Equal("error", (string?)_kernel.Execute("queuedRan").Reply.Content["status"]);
    }
}
