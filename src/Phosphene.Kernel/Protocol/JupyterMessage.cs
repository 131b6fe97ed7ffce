using System.Text.Json.Nodes;

namespace Phosphene.Kernel.Protocol;

/// <summary>
/// One Jupyter message: routing identities, the four JSON parts, and optional binary buffers
/// (messaging protocol 5.3, "General Message Format").
/// </summary>
public sealed class JupyterMessage
{
    /// <summary>The protocol version this kernel speaks.</summary>
    public const string ProtocolVersion = "5.3";

    /// <summary>ZeroMQ routing prefix (ROUTER identities, or the iopub topic).</summary>
    public IReadOnlyList<byte[]> Identities { get; init; } = [];

    /// <summary>The header: msg_id, session, username, date, msg_type, version.</summary>
    public JsonObject Header { get; init; } = new();

    /// <summary>The header of the request this message answers (empty for none).</summary>
    public JsonObject ParentHeader { get; init; } = new();

    /// <summary>Free-form metadata.</summary>
    public JsonObject Metadata { get; init; } = new();

    /// <summary>The content, whose shape depends on <see cref="MessageType"/>.</summary>
    public JsonObject Content { get; init; } = new();

    /// <summary>Binary buffers that follow the content frame.</summary>
    public IReadOnlyList<byte[]> Buffers { get; init; } = [];

    /// <summary>The header's <c>msg_type</c>.</summary>
    public string MessageType => (string?)Header["msg_type"] ?? "";

    /// <summary>The header's <c>msg_id</c>.</summary>
    public string MessageId => (string?)Header["msg_id"] ?? "";

    /// <summary>Creates a message of <paramref name="messageType"/> in <paramref name="session"/>, answering <paramref name="parent"/> if given.</summary>
    public static JupyterMessage Create(string messageType, JsonObject content, string session, JupyterMessage? parent = null,
        IReadOnlyList<byte[]>? identities = null, JsonObject? metadata = null)
        => new()
        {
            Identities = identities ?? parent?.Identities ?? [],
            Header = new JsonObject
            {
                ["msg_id"] = Guid.NewGuid().ToString("N"),
                ["session"] = session,
                ["username"] = "phosphene",
                ["date"] = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.ffffffzzz"),
                ["msg_type"] = messageType,
                ["version"] = ProtocolVersion,
            },
            ParentHeader = parent is null ? new JsonObject() : (JsonObject)parent.Header.DeepClone(),
            Metadata = metadata ?? new JsonObject(),
            Content = content,
        };
}
