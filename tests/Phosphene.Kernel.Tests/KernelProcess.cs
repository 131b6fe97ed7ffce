using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using NetMQ;
using NetMQ.Sockets;
using Phosphene.Kernel.Protocol;

namespace Phosphene.Kernel.Tests;

/// <summary>The built kernel, started as Jupyter starts it (<c>dotnet Phosphene.Kernel.dll -f conn.json</c>), with a minimal client.</summary>
public sealed class KernelProcess : IDisposable
{
    public const string Key = "a0436f6c-1916-498b-8eb9-e81ab9368e84";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly DealerSocket _shell = new(), _control = new(), _stdin = new();
    private readonly SubscriberSocket _iopub = new();
    private readonly string _directory = Directory.CreateTempSubdirectory("phosphene-kernel-test").FullName;
    private readonly string _session = Guid.NewGuid().ToString();

    /// <summary>
    /// Starts the kernel in <paramref name="workingDirectory"/> (the notebook's folder), or in the test's own, with
    /// <paramref name="environment"/> changed from this process's (a null value removes the variable).
    /// </summary>
    public KernelProcess(string? workingDirectory = null, IReadOnlyDictionary<string, string?>? environment = null)
    {
        Wire = new WireFormat(new MessageSigner(Key));
        var ports = Enumerable.Range(0, 5).Select(_ => FreePort()).ToArray();
        var connection = new JsonObject
        {
            ["transport"] = "tcp", ["ip"] = "127.0.0.1", ["key"] = Key, ["signature_scheme"] = "hmac-sha256",
            ["shell_port"] = ports[0], ["control_port"] = ports[1], ["stdin_port"] = ports[2], ["iopub_port"] = ports[3], ["hb_port"] = ports[4],
        };
        var file = Path.Combine(_directory, "kernel.json");
        File.WriteAllText(file, connection.ToJsonString());
        var start = new ProcessStartInfo("dotnet", [KernelBuild.KernelDll, "-f", file])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
            if (value is null) start.Environment.Remove(name);
            else start.Environment[name] = value;
        _process = Process.Start(start)!;
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (Log) Log.Add(e.Data); };
        _process.BeginErrorReadLine();
        // Native libraries print to the process's own stdout (cells' output goes through iopub); read it so a chatty
        // library cannot fill the pipe and block the kernel.
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (NativeOutput) NativeOutput.Add(e.Data); };
        _process.BeginOutputReadLine();
        var identity = System.Text.Encoding.UTF8.GetBytes(_session);
        _shell.Options.Identity = identity;
        _stdin.Options.Identity = identity;
        _shell.Connect($"tcp://127.0.0.1:{ports[0]}");
        _control.Connect($"tcp://127.0.0.1:{ports[1]}");
        _stdin.Connect($"tcp://127.0.0.1:{ports[2]}");
        _iopub.Connect($"tcp://127.0.0.1:{ports[3]}");
        _iopub.SubscribeToAnyTopic();
        // The PUB socket drops messages until the subscription has arrived: wait for kernel_info's idle.
        var deadline = DateTime.UtcNow + Timeout;
        var sent = new HashSet<string>();
        while (DateTime.UtcNow < deadline && !_process.HasExited)
        {
            sent.Add(Send(Channel.Shell, "kernel_info_request", new JsonObject()).MessageId);
            if (TryReceive(_iopub, TimeSpan.FromMilliseconds(500)) is { } message && sent.Contains(message.ParentHeader["msg_id"]?.ToString() ?? ""))
            {
                // Every kernel_info_request sent while the kernel started is answered: take all those replies now, or a
                // late one (the kernel is busy warming up) would be read as the first test's reply.
                for (int answered = 0; answered < sent.Count && DateTime.UtcNow < deadline;)
                    if (TryReceive(_shell, TimeSpan.FromMilliseconds(500)) is { } reply && sent.Contains(reply.ParentHeader["msg_id"]?.ToString() ?? ""))
                        answered++;
                Thread.Sleep(300);
                Drain();
                return;
            }
        }
        throw new TimeoutException($"the kernel did not answer kernel_info within 60 s: {string.Join("\n", Log)}");
    }

    public WireFormat Wire { get; }

    public List<string> Log { get; } = [];

    /// <summary>What the kernel process wrote to its own stdout (native libraries' prints), line by line.</summary>
    public List<string> NativeOutput { get; } = [];

    public JupyterMessage Send(Channel channel, string type, JsonObject content)
    {
        var message = JupyterMessage.Create(type, content, _session);
        SendFrames(channel, Wire.Encode(message));
        return message;
    }

    public void SendFrames(Channel channel, List<byte[]> frames)
        => Socket(channel).SendMultipartMessage(new NetMQMessage(frames));

    public JupyterMessage Reply(Channel channel, TimeSpan? timeout = null)
        => TryReceive(Socket(channel), timeout ?? Timeout) ?? throw new TimeoutException($"no reply on {channel}");

    /// <summary>All iopub messages for <paramref name="request"/> up to and including its idle status.</summary>
    public List<JupyterMessage> Outputs(JupyterMessage request)
    {
        var messages = new List<JupyterMessage>();
        var deadline = DateTime.UtcNow + Timeout;
        while (DateTime.UtcNow < deadline)
        {
            var message = TryReceive(_iopub, TimeSpan.FromMilliseconds(200));
            if (message is null || message.ParentHeader["msg_id"]?.ToString() != request.MessageId)
                continue;
            messages.Add(message);
            if (message.MessageType == "status" && message.Content["execution_state"]?.ToString() == "idle")
                return messages;
        }
        throw new TimeoutException("no idle status");
    }

    /// <summary>The next iopub message for <paramref name="request"/> (waits up to the timeout).</summary>
    public JupyterMessage NextOutput(JupyterMessage request)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (TryReceive(_iopub, TimeSpan.FromMilliseconds(200)) is { } message && message.ParentHeader["msg_id"]?.ToString() == request.MessageId)
                return message;
        }
        throw new TimeoutException("no output");
    }

    /// <summary>Sends an ordinary execute_request for <paramref name="code"/> without waiting for it.</summary>
    public JupyterMessage Submit(string code) => Send(Channel.Shell, "execute_request", new JsonObject
    {
        ["code"] = code, ["silent"] = false, ["store_history"] = true, ["user_expressions"] = new JsonObject(),
        ["allow_stdin"] = false, ["stop_on_error"] = true,
    });

    /// <summary>
    /// Interrupts the running <paramref name="request"/>: sends interrupt_request, checks the control reply and that the
    /// cell ended with a CellInterruptedException, drains its outputs and returns its shell reply.
    /// </summary>
    public JupyterMessage Interrupt(JupyterMessage request)
    {
        Send(Channel.Control, "interrupt_request", new JsonObject());
        Assert.Equal("interrupt_reply", Reply(Channel.Control).MessageType);
        var reply = Reply(Channel.Shell, TimeSpan.FromSeconds(10));
        Assert.Equal("error", (string?)reply.Content["status"]);
        Assert.Equal("CellInterruptedException", (string?)reply.Content["ename"]);
        Outputs(request);
        return reply;
    }

    /// <summary>Runs <paramref name="code"/>; returns the execute_reply and the iopub messages between busy and idle.</summary>
    public (JupyterMessage Reply, List<JupyterMessage> Outputs) Execute(string code)
    {
        var request = Submit(code);
        var reply = Reply(Channel.Shell);
        return (reply, Outputs(request));
    }

    public void Drain()
    {
        while (TryReceive(_iopub, TimeSpan.FromMilliseconds(50)) is not null) { }
    }

    private JupyterMessage? TryReceive(NetMQSocket socket, TimeSpan timeout)
    {
        var frames = new List<byte[]>();
        if (!socket.TryReceiveMultipartBytes(timeout, ref frames))
            return null;
        Assert.True(Wire.TryDecode(frames, out var message, out var error), error);
        return message;
    }

    private NetMQSocket Socket(Channel channel) => channel switch
    {
        Channel.Shell => _shell,
        Channel.Control => _control,
        Channel.Stdin => _stdin,
        _ => _iopub,
    };

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    public void Dispose()
    {
        try
        {
            Send(Channel.Control, "shutdown_request", new JsonObject { ["restart"] = false });
            if (!_process.WaitForExit(TimeSpan.FromSeconds(10)))
                _process.Kill(entireProcessTree: true);
        }
        finally
        {
            foreach (var socket in new NetMQSocket[] { _shell, _control, _stdin, _iopub })
                socket.Dispose();
            _process.Dispose();
            Directory.Delete(_directory, recursive: true);
        }
    }
}

/// <summary>Where the kernel's own build output is (its dll runs with its own deps and runtimeconfig).</summary>
public static class KernelBuild
{
#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif

    public static string RepositoryRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "Notebooks.sln")))
                    return dir.FullName;
            throw new DirectoryNotFoundException("Notebooks.sln not found above the test output folder");
        }
    }

    public static string KernelDll => Path.Combine(RepositoryRoot, "src", "Phosphene.Kernel", "bin", Configuration, "net10.0", "Phosphene.Kernel.dll");
}
