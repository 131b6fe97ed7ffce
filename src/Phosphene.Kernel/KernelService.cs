using System.Reflection;
using System.Text.Json.Nodes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Phosphene.Kernel.Execution;
using Phosphene.Kernel.Protocol;
using Phosphene.Notebook.Display;
using Phosphene.Notebook.Magics;

namespace Phosphene.Kernel;

/// <summary>
/// The kernel: serves shell and control requests (messaging protocol 5.3), runs cells in a <see cref="ScriptSession"/>,
/// and publishes their output on iopub. Every request is wrapped in iopub <c>status</c> busy / idle.
/// </summary>
public sealed class KernelService : ICellHost, IDisposable
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    private readonly KernelSockets _sockets;
    private readonly string _session = Guid.NewGuid().ToString();
    private readonly ScriptSession _script;
    private readonly CodeIntelligence _intelligence;
    private readonly MagicRegistry _magics = MagicRegistry.Default;
    private readonly ExecutionHistory _history = new();
    private readonly CellRunner _runner = new(TimeSpan.FromSeconds(2));
    private readonly TextWriter _log;
    private readonly CancellationTokenSource _stop = new();
    private volatile JupyterMessage? _currentExecute;
    private volatile bool _allowStdin;
    private bool _abortQueued;
    private int _executionCount;
    // plotly.js goes into a page once (PlotlyJs): each client session is a page (a reloaded page, another tab or
    // another client connects with a new session id), so the first chart shown to a new one carries plotly.js again.
    private readonly HashSet<string> _clientsWithPlotlyJs = [];

    /// <summary>Binds the sockets of <paramref name="connection"/>; <paramref name="log"/> receives the kernel's own diagnostics.</summary>
    public KernelService(ConnectionInfo connection, TextWriter log)
    {
        _log = log;
        _sockets = new KernelSockets(connection, new WireFormat(new MessageSigner(connection.Key)));
        _script = new ScriptSession(this);
        _intelligence = new CodeIntelligence(_script);
        // While the kernel starts and waits for its first cell: compile and run a small expression against every
        // reference (the notebook layer, Plotly.NET, FSharp.Core and DataFrame metadata load on first use, about a
        // second) and initialise the formatter registry, so the first cell does not pay for either.
        _ = Task.Run(() =>
        {
            _script.Evaluate("1 + 1", 0);
            NotebookFormatter.Format(0);
        });
        Console.SetOut(new StreamWriterSink("stdout", PublishStream));
        Console.SetError(new StreamWriterSink("stderr", PublishStream));
        Console.SetIn(new InputReader(RequestInput));
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
                content["execution_count"] = _executionCount;
            Reply(Channel.Shell, queued, replyType, content);
            PublishStatus("idle", queued);
        }
    }

    private void Handle(Channel channel, JupyterMessage request)
    {
        switch (request.MessageType)
        {
            case "kernel_info_request": Reply(channel, request, "kernel_info_reply", KernelInfo()); break;
            case "execute_request": Execute(channel, request); break;
            case "is_complete_request": Reply(channel, request, "is_complete_reply", IsComplete((string?)request.Content["code"] ?? "")); break;
            case "complete_request": Reply(channel, request, "complete_reply", Complete(request.Content)); break;
            case "inspect_request": Reply(channel, request, "inspect_reply", Inspect(request.Content)); break;
            case "history_request": Reply(channel, request, "history_reply", History(request.Content)); break;
            case "comm_info_request": Reply(channel, request, "comm_info_reply", new JsonObject { ["status"] = "ok", ["comms"] = new JsonObject() }); break;
            case "interrupt_request":
                _runner.Interrupt();
                Reply(channel, request, "interrupt_reply", new JsonObject { ["status"] = "ok" });
                break;
            case "shutdown_request":
                var restart = (bool?)request.Content["restart"] ?? false;
                Reply(channel, request, "shutdown_reply", new JsonObject { ["status"] = "ok", ["restart"] = restart });
                _runner.Interrupt();
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

    private void Publish(string type, JsonObject content, JupyterMessage? parent)
        => _sockets.Send(Channel.IOPub, JupyterMessage.Create(type, content, _session, parent, identities: [System.Text.Encoding.UTF8.GetBytes($"kernel.{type}")]));

    private void PublishStatus(string state, JupyterMessage? parent)
        => Publish("status", new JsonObject { ["execution_state"] = state }, parent);

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

    // ---- execute -------------------------------------------------------------------------------------------------

    private void Execute(Channel channel, JupyterMessage request)
    {
        var content = request.Content;
        var code = (string?)content["code"] ?? "";
        var silent = (bool?)content["silent"] ?? false;
        var storeHistory = !silent && ((bool?)content["store_history"] ?? true);
        _allowStdin = (bool?)content["allow_stdin"] ?? false;
        if (storeHistory)
            _executionCount++;
        var count = _executionCount;
        if (!silent)
            Publish("execute_input", new JsonObject { ["code"] = code, ["execution_count"] = count }, request);
        if (storeHistory)
            _history.Add(count, code);

        var client = (string?)request.Header["session"] ?? "";
        if (!_clientsWithPlotlyJs.Contains(client))
            PlotlyJs.Reset();
        _currentExecute = request;
        var payload = new JsonArray();
        CellResult result;
        try
        {
            if (MagicHelpRequest(code) is { } usage)
            {
                payload.Add(new JsonObject { ["source"] = "page", ["data"] = new JsonObject { ["text/plain"] = usage }, ["start"] = 0 });
                result = new CellResult(null, false, null);
            }
            else if (PagerRequest(code) is { } inspected)
            {
                var found = _intelligence.Inspect(inspected, inspected.Length);
                payload.Add(new JsonObject
                {
                    ["source"] = "page",
                    ["data"] = new JsonObject { ["text/plain"] = found?.ToString() ?? $"Nothing known as '{inspected}'." },
                    ["start"] = 0,
                });
                result = new CellResult(null, false, null);
            }
            else
            {
                result = _runner.Run((token, isCurrent) => RunCell(code, count, token, isCurrent));
            }
            Console.Out.Flush();
            Console.Error.Flush();
        }
        finally
        {
            _currentExecute = null;
        }

        JsonObject reply;
        if (result.Error is { } error)
        {
            Publish("error", ErrorContent(error), request);
            reply = ErrorContent(error);
            reply["status"] = "error";
            _abortQueued = (bool?)content["stop_on_error"] ?? true;
        }
        else
        {
            if (result.HasValue && !silent)
            {
                var bundle = Format(result.Value);
                Publish("execute_result", new JsonObject
                {
                    ["execution_count"] = count,
                    ["data"] = Data(bundle),
                    ["metadata"] = Metadata(bundle),
                }, request);
                if (storeHistory)
                    _history.SetOutput(count, bundle.PlainText);
            }
            reply = new JsonObject
            {
                ["status"] = "ok",
                ["payload"] = payload,
                ["user_expressions"] = UserExpressions(content["user_expressions"] as JsonObject, count),
            };
        }
        reply["execution_count"] = count;
        if (PlotlyJs.Injected)
            _clientsWithPlotlyJs.Add(client);
        Reply(channel, request, "execute_reply", reply);
    }

    // A cell is C# with, possibly, magic lines (or a %% cell magic): the pieces run in order on the cell's thread.
    // The last piece's value is the cell's result; earlier magics' results are displayed as they come.
    private CellResult RunCell(string code, int count, CancellationToken token, Func<bool> isCurrent)
    {
        try
        {
            return MixedCellRunner.Run(code, _magics, new KernelCellPieces(_script, this, count, token, isCurrent), $"cell [{count}]");
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // Interrupted while compiling (Roslyn observes the token) or inside a magic: the user's interrupt, whatever threw.
            return new CellResult(ErrorReport.FromException(new CellInterruptedException()), false, null);
        }
    }

    // `%name?` alone, or `%name --help` alone, shows the magic's usage in the pager, as IPython does.
    private string? MagicHelpRequest(string code)
    {
        var trimmed = code.Trim();
        if (trimmed.Contains('\n') || !trimmed.StartsWith('%') || !(trimmed.EndsWith('?') || trimmed.EndsWith(" --help", StringComparison.Ordinal)))
            return null;
        var name = trimmed.TrimStart('%').Split(' ', '?')[0];
        var bare = trimmed.TrimStart('%');
        return bare == name + "?" || bare == name + " --help" ? (_magics.TryGet(name, out var magic) ? _magics.Usage(magic.Name).Text : null) : null;
    }

    private static MimeBundle Format(object? value)
    {
        try
        {
            return NotebookFormatter.Format(value);
        }
        catch (Exception e)
        {
            // A broken formatter must not lose the value: fall back to its plain text and say why.
            var text = PlainText.Format(value);
            return new MimeBundle(new Dictionary<string, string> { [MimeTypes.PlainText] = $"{text}\n(rich display failed: {e.GetType().Name}: {e.Message})" });
        }
    }

    private static JsonObject Expression(MimeBundle bundle)
        => new() { ["status"] = "ok", ["data"] = Data(bundle), ["metadata"] = Metadata(bundle) };

    private static JsonObject Data(MimeBundle bundle)
    {
        var data = new JsonObject();
        foreach (var (mime, content) in bundle.Data)
            data[mime] = content;
        return data;
    }

    private static JsonObject Metadata(MimeBundle bundle)
    {
        var metadata = new JsonObject();
        foreach (var (mime, values) in bundle.Metadata)
        {
            var entry = new JsonObject();
            foreach (var (key, value) in values)
                entry[key] = JsonValue.Create(value);
            metadata[mime] = entry;
        }
        return metadata;
    }

    private static JsonObject ErrorContent(CellError error) => new()
    {
        ["ename"] = error.Name,
        ["evalue"] = error.Value,
        ["traceback"] = new JsonArray(error.Traceback.Select(l => (JsonNode)l).ToArray()),
    };

    // `expr?` (a name or member access followed by '?') shows the inspection in the pager, as in IPython.
    private static string? PagerRequest(string code)
    {
        var trimmed = code.Trim();
        if (trimmed.Length < 2 || trimmed[^1] != '?' || trimmed.Contains('\n'))
            return null;
        var expression = trimmed[..^1].TrimEnd('?').TrimEnd();
        var parsed = SyntaxFactory.ParseExpression(expression);
        return parsed.FullSpan.Length == expression.Length && !parsed.ContainsDiagnostics
            && parsed is Microsoft.CodeAnalysis.CSharp.Syntax.NameSyntax or Microsoft.CodeAnalysis.CSharp.Syntax.MemberAccessExpressionSyntax
            ? expression : null;
    }

    private JsonObject UserExpressions(JsonObject? expressions, int count)
    {
        var results = new JsonObject();
        if (expressions is null)
            return results;
        foreach (var (name, node) in expressions)
        {
            var outcome = _script.Evaluate((string?)node ?? "", count);
            results[name] = outcome.Error is { } error
                ? new JsonObject { ["status"] = "error", ["ename"] = error.Name, ["evalue"] = error.Value, ["traceback"] = new JsonArray(error.Traceback.Select(l => (JsonNode)l).ToArray()) }
                : Expression(Format(outcome.Value));
        }
        return results;
    }

    // ---- outputs from user code ----------------------------------------------------------------------------------

    private void PublishStream(string name, string text)
    {
        var parent = _currentExecute;
        if (parent is null)
        {
            _log.Write(text);
            return;
        }
        Publish("stream", new JsonObject { ["name"] = name, ["text"] = text }, parent);
    }

    /// <inheritdoc/>
    public void Display(object? value, string? displayId, bool update)
    {
        Console.Out.Flush();
        var bundle = Format(value);
        var content = new JsonObject
        {
            ["data"] = Data(bundle),
            ["metadata"] = Metadata(bundle),
            ["transient"] = displayId is null ? new JsonObject() : new JsonObject { ["display_id"] = displayId },
        };
        Publish(update ? "update_display_data" : "display_data", content, _currentExecute);
    }

    /// <inheritdoc/>
    public void ClearOutput(bool wait)
    {
        Console.Out.Flush();
        Publish("clear_output", new JsonObject { ["wait"] = wait }, _currentExecute);
    }

    private string RequestInput(string prompt)
    {
        var parent = _currentExecute;
        if (parent is null || !_allowStdin)
            throw new InvalidOperationException("This front end does not accept input, so Console.ReadLine cannot be answered; pass the value in code instead.");
        Console.Out.Flush();
        _sockets.Send(Channel.Stdin, JupyterMessage.Create("input_request", new JsonObject { ["prompt"] = prompt, ["password"] = false }, _session, parent));
        while (true)
        {
            CellInterruption.ThrowIfRequested();
            var reply = _sockets.Receive(Channel.Stdin, PollInterval, reason => _log.WriteLine(reason));
            if (reply?.MessageType == "input_reply")
                return (string?)reply.Content["value"] ?? "";
        }
    }

    // ---- introspection -------------------------------------------------------------------------------------------

    private static JsonObject IsComplete(string code)
    {
        // Magic lines are complete as written; the C# around them decides (a %% cell magic's body is not C#).
        var segments = MagicCell.Split(code);
        if (segments.Any(s => s.Kind == CellSegmentKind.CellMagic))
            return new JsonObject { ["status"] = "complete" };
        var csharp = string.Join("\n", segments.Where(s => s.Kind == CellSegmentKind.Code).Select(s => s.Text));
        var status = csharp.Trim().Length == 0 ? "complete" : CodeCompleteness.Classify(csharp);
        var content = new JsonObject { ["status"] = status };
        if (status == "incomplete")
            content["indent"] = "    ";
        return content;
    }

    private JsonObject Complete(JsonObject request)
    {
        var code = (string?)request["code"] ?? "";
        var cursor = CodePoints.ToUtf16(code, (int?)request["cursor_pos"] ?? code.Length);
        // Magic names, subcommands, options and choices on a magic line; C# everywhere else.
        if (MagicCompleter.Complete(_magics, code, cursor) is { } magic)
            return new JsonObject
            {
                ["status"] = "ok",
                ["matches"] = new JsonArray(magic.Matches.Select(m => (JsonNode)m).ToArray()),
                ["cursor_start"] = CodePoints.FromUtf16(code, magic.Start),
                ["cursor_end"] = CodePoints.FromUtf16(code, magic.End),
                ["metadata"] = new JsonObject(),
            };
        var completions = _intelligence.Complete(code, cursor);
        return new JsonObject
        {
            ["status"] = "ok",
            ["matches"] = new JsonArray(completions.Matches.Select(m => (JsonNode)m).ToArray()),
            ["cursor_start"] = CodePoints.FromUtf16(code, completions.Start),
            ["cursor_end"] = CodePoints.FromUtf16(code, completions.End),
            ["metadata"] = new JsonObject(),
        };
    }

    private JsonObject Inspect(JsonObject request)
    {
        var code = (string?)request["code"] ?? "";
        var cursor = CodePoints.ToUtf16(code, (int?)request["cursor_pos"] ?? code.Length);
        // On a magic line, the magic's usage; in C#, the symbol's signature and documentation.
        if (MagicCell.MagicNameAt(code, cursor) is { } name && _magics.TryGet(name, out var magic))
            return new JsonObject
            {
                ["status"] = "ok",
                ["found"] = true,
                ["data"] = new JsonObject { ["text/plain"] = _magics.Usage(magic.Name).Text },
                ["metadata"] = new JsonObject(),
            };
        var found = _intelligence.Inspect(code, cursor);
        return new JsonObject
        {
            ["status"] = "ok",
            ["found"] = found is not null,
            ["data"] = found is null ? new JsonObject() : new JsonObject { ["text/plain"] = found.ToString() },
            ["metadata"] = new JsonObject(),
        };
    }

    private JsonObject History(JsonObject request)
    {
        var output = (bool?)request["output"] ?? false;
        var entries = ((string?)request["hist_access_type"]) switch
        {
            "tail" => _history.Tail((int?)request["n"] ?? 10),
            "range" => _history.Range((int?)request["session"] ?? 0, (int?)request["start"] ?? 0, (int?)request["stop"] ?? 0),
            "search" => _history.Search((string?)request["pattern"] ?? "*", (int?)request["n"] ?? 0, (bool?)request["unique"] ?? false),
            _ => [],
        };
        var history = new JsonArray();
        foreach (var e in entries)
        {
            JsonNode entry = output ? new JsonArray(e.Input, e.Output) : JsonValue.Create(e.Input);
            history.Add(new JsonArray(e.Session, e.Line, entry));
        }
        return new JsonObject { ["status"] = "ok", ["history"] = history };
    }

    /// <summary>Closes the sockets.</summary>
    public void Dispose()
    {
        _sockets.Dispose();
        _stop.Dispose();
    }
}
