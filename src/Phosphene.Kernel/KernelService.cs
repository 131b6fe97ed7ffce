using System.Reflection;
using System.Runtime.ExceptionServices;
using System.Text.Json.Nodes;
using Microsoft.CodeAnalysis.CSharp;
using Phosphene.Kernel.Execution;
using Phosphene.Kernel.Protocol;
using Phosphene.Notebook.Display;
using Phosphene.Notebook.Magics;

namespace Phosphene.Kernel;

/// <summary>
/// The kernel: serves shell and control requests (messaging protocol 5.3), runs cells in a <see cref="ScriptSession"/>,
/// and publishes their output on iopub through <see cref="KernelOutput"/>. Every request is wrapped in iopub
/// <c>status</c> busy / idle; cells run in <see cref="KernelExecution"/>, requests that only look at code are answered
/// by <see cref="KernelIntrospection"/>.
/// </summary>
public sealed class KernelService : IDisposable
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    private readonly KernelSockets _sockets;
    private readonly string _session = Guid.NewGuid().ToString();
    private readonly KernelOutput _output;
    private readonly ScriptSession _script;
    private readonly KernelIntrospection _introspection;
    private readonly KernelExecution _execution;
    private readonly TextWriter _log;
    private readonly CancellationTokenSource _stop = new();
    private bool _abortQueued;

    /// <summary>Binds the sockets of <paramref name="connection"/>; <paramref name="log"/> receives the kernel's own diagnostics.</summary>
    public KernelService(ConnectionInfo connection, TextWriter log)
    {
        _log = log;
        _sockets = new KernelSockets(connection, new WireFormat(new MessageSigner(connection.Key)));
        _output = new KernelOutput(_sockets, _session, log);
        _script = new ScriptSession(_output);
        var history = new ExecutionHistory();
        _introspection = new KernelIntrospection(MagicRegistry.Default, new CodeIntelligence(_script), history);
        _execution = new KernelExecution(_output, _script, _introspection, history, MagicRegistry.Default);
        // While the kernel starts and waits for its first cell: compile and run a small expression against every
        // reference (the notebook layer, Plotly.NET, FSharp.Core and DataFrame metadata load on first use, about a
        // second) and initialise the formatter registry, so the first cell does not pay for either.
        _ = Task.Run(() =>
        {
            _script.Evaluate("1 + 1", 0);
            NotebookFormatter.Format(0);
        });
        Console.SetOut(new StreamWriterSink("stdout", _output.PublishStream));
        Console.SetError(new StreamWriterSink("stderr", _output.PublishStream));
        Console.SetIn(new InputReader(_output.RequestInput));
        // An exception nothing catches on a thread a cell started would end the process (AppDomain.UnhandledException
        // only observes it). The runtime lets one host handler mark it handled: the thread ends, the kernel lives on.
        // A stack overflow cannot be handled at all (see README, "Long sessions, replays and crashes").
        try
        {
            ExceptionHandling.SetUnhandledExceptionHandler(e =>
            {
                _output.ReportUnhandled(e);
                return true;
            });
        }
        catch (InvalidOperationException)
        {
            // A handler was set already (a second kernel in one process, as in tests): that one reports.
        }
    }

    /// <summary>Serves requests until a shutdown request arrives.</summary>
    public void Run()
    {
        var control = new Thread(() => Serve(Channel.Control)) { IsBackground = true, Name = "jupyter control" };
        control.Start();
        PublishStatus("starting", null);
        Serve(Channel.Shell);
        control.Join(TimeSpan.FromSeconds(1));
    }

    private void Serve(Channel channel)
    {
        while (!_stop.IsCancellationRequested)
        {
            var request = _sockets.Receive(channel, PollInterval, reason => _log.WriteLine(reason));
            if (request is null)
                continue;
            PublishStatus("busy", request);
            try
            {
                Handle(channel, request);
            }
            catch (Exception e)
            {
                _log.WriteLine($"{channel}: {request.MessageType} failed: {e}");
            }
            finally
            {
                PublishStatus("idle", request);
            }
            if (channel == Channel.Shell && _abortQueued)
                AbortQueuedRequests();
        }
    }

    // After a failed cell with stop_on_error, the requests already queued (the rest of a "run all") are answered
    // with status "aborted" instead of running against a state the failed cell left incomplete.
    private void AbortQueuedRequests()
    {
        _abortQueued = false;
        while (_sockets.Receive(Channel.Shell, TimeSpan.Zero, reason => _log.WriteLine(reason)) is { } queued)
        {
            PublishStatus("busy", queued);
            var replyType = queued.MessageType.EndsWith("_request", StringComparison.Ordinal)
                ? queued.MessageType[..^"_request".Length] + "_reply" : queued.MessageType;
            var content = new JsonObject { ["status"] = "aborted" };
            if (queued.MessageType == "execute_request")
                content["execution_count"] = _execution.ExecutionCount;
            Reply(Channel.Shell, queued, replyType, content);
            PublishStatus("idle", queued);
        }
    }

    private void Handle(Channel channel, JupyterMessage request)
    {
        switch (request.MessageType)
        {
            case "kernel_info_request": Reply(channel, request, "kernel_info_reply", KernelInfo()); break;
            case "execute_request": Reply(channel, request, "execute_reply", _execution.Execute(request, out _abortQueued)); break;
            case "is_complete_request": Reply(channel, request, "is_complete_reply", KernelIntrospection.IsComplete((string?)request.Content["code"] ?? "")); break;
            case "complete_request": Reply(channel, request, "complete_reply", _introspection.Complete(request.Content)); break;
            case "inspect_request": Reply(channel, request, "inspect_reply", _introspection.Inspect(request.Content)); break;
            case "history_request": Reply(channel, request, "history_reply", _introspection.History(request.Content)); break;
            case "comm_info_request": Reply(channel, request, "comm_info_reply", new JsonObject { ["status"] = "ok", ["comms"] = new JsonObject() }); break;
            case "interrupt_request":
                _execution.Interrupt();
                Reply(channel, request, "interrupt_reply", new JsonObject { ["status"] = "ok" });
                break;
            case "shutdown_request":
                var restart = (bool?)request.Content["restart"] ?? false;
                Reply(channel, request, "shutdown_reply", new JsonObject { ["status"] = "ok", ["restart"] = restart });
                _execution.Interrupt();
                _stop.Cancel();
                break;
            case "comm_open" or "comm_msg" or "comm_close":
                // No comm targets are registered; comms are accepted and ignored, as the protocol allows.
                break;
            default:
                _log.WriteLine($"{channel}: unknown message type '{request.MessageType}' ignored");
                break;
        }
    }

    private void Reply(Channel channel, JupyterMessage request, string type, JsonObject content)
        => _sockets.Send(channel, JupyterMessage.Create(type, content, _session, request));

    private void PublishStatus(string state, JupyterMessage? parent)
        => _output.Publish("status", new JsonObject { ["execution_state"] = state }, parent);

    private static JsonObject KernelInfo() => new()
    {
        ["status"] = "ok",
        ["protocol_version"] = JupyterMessage.ProtocolVersion,
        ["implementation"] = "phosphene",
        ["implementation_version"] = typeof(KernelService).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0",
        ["language_info"] = new JsonObject
        {
            ["name"] = "csharp",
            ["version"] = LanguageVersion.Latest.MapSpecifiedToEffectiveVersion().ToDisplayString(),
            ["mimetype"] = "text/x-csharp",
            ["file_extension"] = ".cs",
            ["pygments_lexer"] = "csharp",
            ["codemirror_mode"] = "text/x-csharp",
        },
        ["banner"] = $"Phosphene C# kernel (Roslyn scripting, .NET {Environment.Version}). Cells share state; the last expression is shown.",
        ["help_links"] = new JsonArray(),
    };

    /// <summary>Closes the sockets.</summary>
    public void Dispose()
    {
        _sockets.Dispose();
        _stop.Dispose();
    }
}
