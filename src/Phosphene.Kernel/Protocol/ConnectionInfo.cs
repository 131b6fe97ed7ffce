using System.Text.Json;
using System.Text.Json.Serialization;

namespace Phosphene.Kernel.Protocol;

/// <summary>
/// The connection file a Jupyter client writes before launching the kernel: transport, IP, the five ports,
/// and the key and scheme used to sign messages (Jupyter messaging protocol 5.3, "Connection files").
/// </summary>
public sealed record ConnectionInfo
{
    /// <summary>Transport, normally <c>tcp</c> (<c>ipc</c> is also accepted by ZeroMQ).</summary>
    [JsonPropertyName("transport")] public string Transport { get; init; } = "tcp";

    /// <summary>The address to bind; the kernel binds nothing else.</summary>
    [JsonPropertyName("ip")] public string IP { get; init; } = "127.0.0.1";

    /// <summary>Port of the shell ROUTER socket.</summary>
    [JsonPropertyName("shell_port")] public int ShellPort { get; init; }

    /// <summary>Port of the control ROUTER socket.</summary>
    [JsonPropertyName("control_port")] public int ControlPort { get; init; }

    /// <summary>Port of the stdin ROUTER socket.</summary>
    [JsonPropertyName("stdin_port")] public int StdinPort { get; init; }

    /// <summary>Port of the iopub PUB socket.</summary>
    [JsonPropertyName("iopub_port")] public int IOPubPort { get; init; }

    /// <summary>Port of the heartbeat REP socket.</summary>
    [JsonPropertyName("hb_port")] public int HeartbeatPort { get; init; }

    /// <summary>HMAC key; empty disables signing.</summary>
    [JsonPropertyName("key")] public string Key { get; init; } = "";

    /// <summary>Signature scheme; only <c>hmac-sha256</c> (or empty key) is supported.</summary>
    [JsonPropertyName("signature_scheme")] public string SignatureScheme { get; init; } = "hmac-sha256";

    /// <summary>Reads and validates a connection file.</summary>
    /// <exception cref="InvalidDataException">The file is not a usable connection file; the message says why.</exception>
    public static ConnectionInfo Load(string path)
    {
        ConnectionInfo? info;
        try
        {
            info = JsonSerializer.Deserialize<ConnectionInfo>(File.ReadAllText(path));
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"connection file '{path}' is not valid JSON: {e.Message}", e);
        }
        if (info is null)
            throw new InvalidDataException($"connection file '{path}' is empty");
        if (info.Key.Length > 0 && info.SignatureScheme != "hmac-sha256")
            throw new InvalidDataException(
                $"connection file '{path}' asks for signature scheme '{info.SignatureScheme}'; only 'hmac-sha256' is supported");
        return info;
    }

    /// <summary>The ZeroMQ endpoint for <paramref name="port"/> on this connection's transport and IP.</summary>
    public string Endpoint(int port) => Transport == "ipc" ? $"ipc://{IP}-{port}" : $"{Transport}://{IP}:{port}";
}
