using System.Security.Cryptography;

namespace Phosphene.Kernel.Protocol;

/// <summary>
/// HMAC-SHA256 signatures over the four JSON frames of a message (header, parent header, metadata, content),
/// as the Jupyter wire protocol defines them. An empty key means messages are neither signed nor checked.
/// </summary>
public sealed class MessageSigner
{
    private readonly byte[] _key;

    /// <summary>Creates a signer for <paramref name="key"/> (the connection file's <c>key</c>, UTF-8).</summary>
    public MessageSigner(string key) => _key = System.Text.Encoding.UTF8.GetBytes(key);

    /// <summary>True when a key is set, so signatures are produced and required.</summary>
    public bool IsEnabled => _key.Length > 0;

    /// <summary>The lowercase hex signature of the frames, or the empty string when signing is disabled.</summary>
    public string Sign(ReadOnlySpan<byte> header, ReadOnlySpan<byte> parentHeader, ReadOnlySpan<byte> metadata, ReadOnlySpan<byte> content)
        => IsEnabled ? Convert.ToHexStringLower(Digest(header, parentHeader, metadata, content)) : "";

    /// <summary>
    /// True when <paramref name="signature"/> (hex) is the signature of the frames. The digests are compared in
    /// constant time so the comparison leaks nothing about how many leading bytes matched.
    /// </summary>
    public bool Verify(string signature, ReadOnlySpan<byte> header, ReadOnlySpan<byte> parentHeader, ReadOnlySpan<byte> metadata, ReadOnlySpan<byte> content)
    {
        if (!IsEnabled)
            return true;
        byte[] claimed;
        try
        {
            claimed = Convert.FromHexString(signature);
        }
        catch (FormatException)
        {
            return false;
        }
        return CryptographicOperations.FixedTimeEquals(claimed, Digest(header, parentHeader, metadata, content));
    }

    private byte[] Digest(ReadOnlySpan<byte> header, ReadOnlySpan<byte> parentHeader, ReadOnlySpan<byte> metadata, ReadOnlySpan<byte> content)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, _key);
        hmac.AppendData(header);
        hmac.AppendData(parentHeader);
        hmac.AppendData(metadata);
        hmac.AppendData(content);
        return hmac.GetHashAndReset();
    }
}
