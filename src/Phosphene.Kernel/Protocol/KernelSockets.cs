using NetMQ;
using NetMQ.Sockets;

namespace Phosphene.Kernel.Protocol;

/// <summary>The five sockets of a kernel, bound to the connection file's endpoints only.</summary>
public enum Channel
{
    /// <summary>Requests from clients (execute, complete, …); ROUTER.</summary>
    Shell,
    /// <summary>Urgent requests (interrupt, shutdown) served while shell is busy; ROUTER.</summary>
    Control,
    /// <summary>Input requests from the kernel to the front end; ROUTER.</summary>
    Stdin,
    /// <summary>Broadcast of outputs and status; PUB.</summary>
    IOPub,
}

/// <summary>
/// Owns the kernel's ZeroMQ sockets. Each socket is only touched under its own lock, so the shell thread,
/// the control thread and the user's code (printing, reading input) can all send safely.
/// </summary>
public sealed class KernelSockets : IDisposable
{
    private readonly RouterSocket _shell = new(), _control = new(), _stdin = new();
    private readonly PublisherSocket _iopub = new();
    private readonly ResponseSocket _heartbeat = new();
    private readonly Dictionary<Channel, NetMQSocket> _byChannel;
    private readonly Dictionary<Channel, object> _locks;
    private readonly WireFormat _wire;
    private readonly Thread _heartbeatThread;
    private volatile bool _stopping;

    /// <summary>Binds all sockets for <paramref name="connection"/> and starts answering heartbeats.</summary>
    public KernelSockets(ConnectionInfo connection, WireFormat wire)
    {
        _wire = wire;
        _byChannel = new() { [Channel.Shell] = _shell, [Channel.Control] = _control, [Channel.Stdin] = _stdin, [Channel.IOPub] = _iopub };
        _locks = _byChannel.Keys.ToDictionary(c => c, _ => new object());
        foreach (var socket in new NetMQSocket[] { _shell, _control, _stdin, _iopub, _heartbeat })
            socket.Options.Linger = TimeSpan.FromMilliseconds(500);
        // A PUB socket silently drops what exceeds its queue (1000 messages by default) while a subscriber is slow:
        // output a client subscribed from the start must never be lost, so the queue is deep (stream output is batched).
        _iopub.Options.SendHighWatermark = 100_000;
        _shell.Bind(connection.Endpoint(connection.ShellPort));
        _control.Bind(connection.Endpoint(connection.ControlPort));
        _stdin.Bind(connection.Endpoint(connection.StdinPort));
        _iopub.Bind(connection.Endpoint(connection.IOPubPort));
        _heartbeat.Bind(connection.Endpoint(connection.HeartbeatPort));
        _heartbeatThread = new Thread(EchoHeartbeats) { IsBackground = true, Name = "jupyter heartbeat" };
        _heartbeatThread.Start();
    }

    /// <summary>Encodes, signs and sends <paramref name="message"/> on <paramref name="channel"/>.</summary>
    public void Send(Channel channel, JupyterMessage message)
    {
        var frames = _wire.Encode(message);
        var msg = new NetMQMessage(frames);
        lock (_locks[channel])
            _byChannel[channel].SendMultipartMessage(msg);
    }

    /// <summary>
    /// Waits up to <paramref name="timeout"/> for a message on <paramref name="channel"/>. Messages that fail
    /// verification are reported to <paramref name="rejected"/> and dropped; null means nothing valid arrived in time.
    /// </summary>
    public JupyterMessage? Receive(Channel channel, TimeSpan timeout, Action<string> rejected)
    {
        var frames = new List<byte[]>();
        bool received;
        lock (_locks[channel])
            received = _byChannel[channel].TryReceiveMultipartBytes(timeout, ref frames);
        if (!received)
            return null;
        if (_wire.TryDecode(frames, out var message, out var error))
            return message;
        rejected($"{channel}: dropped a message: {error}");
        return null;
    }

    private void EchoHeartbeats()
    {
        var frames = new List<byte[]>();
        while (!_stopping)
        {
            try
            {
                if (_heartbeat.TryReceiveMultipartBytes(TimeSpan.FromMilliseconds(200), ref frames))
                    _heartbeat.SendMultipartBytes(frames);
            }
            catch (Exception) when (_stopping)
            {
                return;
            }
        }
    }

    /// <summary>Stops the heartbeat and closes every socket.</summary>
    public void Dispose()
    {
        _stopping = true;
        _heartbeatThread.Join(TimeSpan.FromSeconds(1));
        foreach (var socket in new NetMQSocket[] { _shell, _control, _stdin, _iopub, _heartbeat })
            socket.Dispose();
        NetMQConfig.Cleanup(block: false);
    }
}
