using System.Text;
using System.Text.Json.Nodes;
using Phosphene.Kernel.Protocol;

namespace Phosphene.Kernel.Tests;

public class MessageSignerTests
{
    private static readonly byte[] Header = Encoding.UTF8.GetBytes("{\"msg_id\":\"1\"}");
    private static readonly byte[] Empty = Encoding.UTF8.GetBytes("{}");
    private static readonly byte[] Content = Encoding.UTF8.GetBytes("{\"code\":\"1+1\"}");

    [Fact]
    public void SignatureIsHmacSha256OfTheFourFramesInHex()
    {
        // Reference value from Python: hmac.new(b'secret', header + parent + metadata + content, hashlib.sha256).hexdigest()
        var signer = new MessageSigner("secret");
        Assert.Equal("8b401df890f3e1a0a11fe0065dc9c527656a04e4c12230f675f0a5b83a2f600c", signer.Sign(Header, Empty, Empty, Content));
    }

    [Fact]
    public void VerifyAcceptsTheSignatureAndRejectsTamperedFramesOrKeys()
    {
        var signer = new MessageSigner("secret");
        var signature = signer.Sign(Header, Empty, Empty, Content);
        Assert.True(signer.Verify(signature, Header, Empty, Empty, Content));
        Assert.True(signer.Verify(signature.ToUpperInvariant(), Header, Empty, Empty, Content));
        Assert.False(signer.Verify(signature, Header, Empty, Empty, Encoding.UTF8.GetBytes("{\"code\":\"1+2\"}")));
        Assert.False(new MessageSigner("other").Verify(signature, Header, Empty, Empty, Content));
        Assert.False(signer.Verify("not hex", Header, Empty, Empty, Content));
        Assert.False(signer.Verify("", Header, Empty, Empty, Content));
    }

    [Fact]
    public void EmptyKeyNeitherSignsNorChecks()
    {
        var signer = new MessageSigner("");
        Assert.Equal("", signer.Sign(Header, Empty, Empty, Content));
        Assert.True(signer.Verify("", Header, Empty, Empty, Content));
    }

    [Fact]
    public void EncodedMessageDecodesToTheSameParts()
    {
        var wire = new WireFormat(new MessageSigner("k"));
        var message = JupyterMessage.Create("execute_request", new JsonObject { ["code"] = "x" }, "s", identities: [[1, 2, 3]]);
        var frames = wire.Encode(message);
        Assert.Equal(new byte[] { 1, 2, 3 }, frames[0]);
        Assert.Equal("<IDS|MSG>", Encoding.ASCII.GetString(frames[1]));
        Assert.True(wire.TryDecode(frames, out var decoded, out var error), error);
        Assert.Equal("execute_request", decoded!.MessageType);
        Assert.Equal(message.MessageId, decoded.MessageId);
        Assert.Equal("x", (string?)decoded.Content["code"]);
        Assert.Equal([1, 2, 3], decoded.Identities.Single());
    }

    [Fact]
    public void TamperedMessageIsRejectedWithTheReason()
    {
        var wire = new WireFormat(new MessageSigner("k"));
        var frames = wire.Encode(JupyterMessage.Create("execute_request", new JsonObject { ["code"] = "1" }, "s"));
        frames[^1] = Encoding.UTF8.GetBytes("{\"code\":\"File.Delete(\\\"x\\\")\"}");
        Assert.False(wire.TryDecode(frames, out var decoded, out var error));
        Assert.Null(decoded);
        Assert.Equal("invalid signature", error);
    }

    [Fact]
    public void MessageWithoutDelimiterIsRejected()
    {
        var wire = new WireFormat(new MessageSigner("k"));
        Assert.False(wire.TryDecode([Encoding.UTF8.GetBytes("{}")], out _, out var error));
        Assert.StartsWith("malformed message", error);
    }

    [Fact]
    public void ReplayedSignedMessageIsRejectedTheSecondTime()
    {
        var wire = new WireFormat(new MessageSigner("k"));
        var frames = wire.Encode(JupyterMessage.Create("execute_request", new JsonObject { ["code"] = "1" }, "s"));
        Assert.True(wire.TryDecode(frames, out _, out var first), first);
        // Upper-case hex is the same signature: it must not get past the history either.
        frames[1] = Encoding.ASCII.GetBytes(Encoding.ASCII.GetString(frames[1]).ToUpperInvariant());
        Assert.False(wire.TryDecode(frames, out var replayed, out var error));
        Assert.Null(replayed);
        Assert.Equal("replayed message (its signature was seen before)", error);
        // A new message (new id and date, so a new signature) is accepted.
        Assert.True(wire.TryDecode(wire.Encode(JupyterMessage.Create("execute_request", new JsonObject { ["code"] = "1" }, "s")), out _, out error), error);
    }

    [Fact]
    public void SignatureHistoryForgetsTheOldestBeyondItsCapacity()
    {
        var history = new SignatureHistory();
        for (int i = 0; i <= SignatureHistory.Capacity; i++)
            Assert.True(history.TryAdd($"s{i}"));
        Assert.False(history.TryAdd($"s{SignatureHistory.Capacity}"));
        Assert.True(history.TryAdd("s0"));
    }
}
