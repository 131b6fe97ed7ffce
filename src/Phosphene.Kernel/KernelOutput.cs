using System.Text.Json.Nodes;
using Phosphene.Kernel.Execution;
using Phosphene.Kernel.Protocol;

namespace Phosphene.Kernel;

/// <summary>
/// Where user code's output goes: iopub messages parented to the running execute request (streams, displays,
/// clear_output), input requests on stdin, and exceptions thrown on threads the cells started. Output written while no
/// cell runs goes to the kernel's log.
/// </summary>
internal sealed class KernelOutput(KernelSockets sockets, string session, TextWriter log) : ICellHost
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    private volatile JupyterMessage? _current;
    private volatile JupyterMessage? _lastExecute;
    private volatile bool _allowStdin;

    /// <summary>The execute request whose cell is running, or null.</summary>
    public JupyterMessage? Current => _current;

    /// <summary>Marks <paramref name="request"/> as the running cell: outputs are parented to it.</summary>
    public void Begin(JupyterMessage request, bool allowStdin)
    {
        _allowStdin = allowStdin;
        _lastExecute = request;
        _current = request;
    }

    /// <summary>Marks the end of the running cell.</summary>
    public void End() => _current = null;

    /// <summary>Publishes a message on iopub, its topic <c>kernel.{type}</c>.</summary>
    public void Publish(string type, JsonObject content, JupyterMessage? parent)
        => sockets.Send(Channel.IOPub, JupyterMessage.Create(type, content, session, parent, identities: [System.Text.Encoding.UTF8.GetBytes($"kernel.{type}")]));

    /// <summary>Sends text written to stdout or stderr (<paramref name="name"/>) to the running cell.</summary>
    public void PublishStream(string name, string text)
    {
        if (_current is not { } parent)
        {
            log.Write(text);
            return;
        }
        Publish("stream", new JsonObject { ["name"] = name, ["text"] = text }, parent);
    }

    /// <inheritdoc/>
    public void Display(object? value, string? displayId, bool update)
    {
        Console.Out.Flush();
        var bundle = MimeContent.Format(value);
        var content = new JsonObject
        {
            ["data"] = MimeContent.Data(bundle),
            ["metadata"] = MimeContent.Metadata(bundle),
            ["transient"] = displayId is null ? new JsonObject() : new JsonObject { ["display_id"] = displayId },
        };
        Publish(update ? "update_display_data" : "display_data", content, _current);
    }

    /// <inheritdoc/>
    public void ClearOutput(bool wait)
    {
        Console.Out.Flush();
        Publish("clear_output", new JsonObject { ["wait"] = wait }, _current);
    }

    /// <summary>Asks the front end for a line of input (Console.ReadLine in a cell); needs a cell that allows stdin.</summary>
    public string RequestInput(string prompt)
    {
        var parent = _current;
        if (parent is null || !_allowStdin)
            throw new InvalidOperationException("This front end does not accept input, so Console.ReadLine cannot be answered; pass the value in code instead.");
        Console.Out.Flush();
        sockets.Send(Channel.Stdin, JupyterMessage.Create("input_request", new JsonObject { ["prompt"] = prompt, ["password"] = false }, session, parent));
        while (true)
        {
            CellInterruption.ThrowIfRequested();
            var reply = sockets.Receive(Channel.Stdin, PollInterval, reason => log.WriteLine(reason));
            if (reply?.MessageType == "input_reply")
                return (string?)reply.Content["value"] ?? "";
        }
    }

    /// <summary>
    /// Reports an exception nothing caught on a thread a cell started, as stderr of the running cell (or of the last
    /// one, which most likely started the thread), so the kernel can keep running as ipykernel does.
    /// </summary>
    public void ReportUnhandled(Exception exception)
    {
        var error = ErrorReport.FromException(exception);
        var text = $"Exception on a background thread (the thread ended; the kernel keeps running):\n{string.Join("\n", error.Traceback)}\n";
        if ((_current ?? _lastExecute) is { } parent)
            Publish("stream", new JsonObject { ["name"] = "stderr", ["text"] = text }, parent);
        log.Write(text);
    }
}
