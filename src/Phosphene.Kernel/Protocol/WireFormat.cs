using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Phosphene.Kernel.Protocol;

/// <summary>
/// Turns messages into ZeroMQ frames and back:
/// <c>[identities…, "&lt;IDS|MSG&gt;", signature, header, parent_header, metadata, content, buffers…]</c>.
/// </summary>
public sealed class WireFormat
{
    /// <summary>The frame that separates routing identities from the message.</summary>
    public static readonly byte[] Delimiter = "<IDS|MSG>"u8.ToArray();

    private readonly MessageSigner _signer;
    private readonly SignatureHistory _accepted = new();

    /// <summary>Creates a codec that signs and verifies with <paramref name="signer"/>.</summary>
    public WireFormat(MessageSigner signer) => _signer = signer;

    /// <summary>The frames of <paramref name="message"/>, signed.</summary>
    public List<byte[]> Encode(JupyterMessage message)
    {
        var header = Json(message.Header);
        var parent = Json(message.ParentHeader);
        var metadata = Json(message.Metadata);
        var content = Json(message.Content);
        var frames = new List<byte[]>(message.Identities.Count + 6 + message.Buffers.Count);
        frames.AddRange(message.Identities);
        frames.Add(Delimiter);
        frames.Add(Encoding.ASCII.GetBytes(_signer.Sign(header, parent, metadata, content)));
        frames.Add(header);
        frames.Add(parent);
        frames.Add(metadata);
        frames.Add(content);
        frames.AddRange(message.Buffers);
        return frames;
    }

    /// <summary>
    /// Parses and verifies <paramref name="frames"/>. Returns false, with the reason in <paramref name="error"/>,
    /// for a malformed message, one whose signature does not match, or one whose signature was accepted before (a
    /// replay): such a message must be dropped unread.
    /// </summary>
    public bool TryDecode(IReadOnlyList<byte[]> frames, out JupyterMessage? message, out string error)
    {
        message = null;
        var delimiter = -1;
        for (var i = 0; i < frames.Count; i++)
        {
            if (frames[i].AsSpan().SequenceEqual(Delimiter))
            {
                delimiter = i;
                break;
            }
        }
        if (delimiter < 0 || frames.Count < delimiter + 6)
        {
            error = $"malformed message: {frames.Count} frames, delimiter at {delimiter}";
            return false;
        }
        var signature = Encoding.ASCII.GetString(frames[delimiter + 1]);
        byte[] header = frames[delimiter + 2], parent = frames[delimiter + 3], metadata = frames[delimiter + 4], content = frames[delimiter + 5];
        if (!_signer.Verify(signature, header, parent, metadata, content))
        {
            error = "invalid signature";
            return false;
        }
        // Signed messages are unique: one whose signature was accepted before is a replay of a captured message.
        if (_signer.IsEnabled && !_accepted.TryAdd(signature.ToLowerInvariant()))
        {
            error = "replayed message (its signature was seen before)";
            return false;
        }
        try
        {
            message = new JupyterMessage
            {
                Identities = frames.Take(delimiter).ToList(),
                Header = ParseObject(header),
                ParentHeader = ParseObject(parent),
                Metadata = ParseObject(metadata),
                Content = ParseObject(content),
                Buffers = frames.Skip(delimiter + 6).ToList(),
            };
        }
        catch (JsonException e)
        {
            error = $"malformed JSON: {e.Message}";
            return false;
        }
        error = "";
        return true;
    }

    private static byte[] Json(JsonObject node) => JsonSerializer.SerializeToUtf8Bytes(node);

    private static JsonObject ParseObject(byte[] bytes)
        => JsonNode.Parse(bytes) as JsonObject ?? throw new JsonException("expected a JSON object");
}
