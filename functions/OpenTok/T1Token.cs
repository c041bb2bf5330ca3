using System.Security.Cryptography;
using System.Text;

namespace ReconnectionFunctions.OpenTok;

/// <summary>
/// The legacy client token: <c>"T1==" + base64("partner_id=KEY&amp;sig=HEX:" + data)</c>, where
/// <c>HEX</c> is the lower-case HMAC-SHA1 of the form-encoded data string under the API secret.
/// </summary>
public static class T1Token
{
    public const string Prefix = "T1==";

    /// <summary>The signature's 40 hex characters and the ':' after them.</summary>
    private const int SignatureLength = 41;

    /// <summary>Encodes the given fields, in the given order, as a signed T1 token.</summary>
    public static string Encode(string apiKey, string apiSecret, IEnumerable<KeyValuePair<string, string>> fields)
    {
        var pairs = fields.ToList();
        var headerStart = HeaderStart(apiKey);
        var buffer = new byte[DataOffset(headerStart) + pairs.Sum(p => Encoding.UTF8.GetByteCount(p.Key) + 2 + p.Value.Length * FormEncoding.MaxBytesPerChar)];
        var data = buffer.AsSpan(DataOffset(headerStart));
        var length = 0;
        foreach (var (key, value) in pairs)
        {
            length = FormEncoding.AppendPair(data, length, Encoding.UTF8.GetBytes(key), value);
        }
        return Sign(headerStart, new KeyedHmac(HashAlgorithmName.SHA1, Encoding.UTF8.GetBytes(apiSecret)), buffer, length);
    }

    /// <summary>"partner_id=KEY&amp;sig=": the part of the signed header that does not change per token.</summary>
    internal static byte[] HeaderStart(string apiKey) => Encoding.ASCII.GetBytes($"partner_id={apiKey}&sig=");

    /// <summary>Where the data string starts in a token buffer: after the header, which is written last.</summary>
    internal static int DataOffset(ReadOnlySpan<byte> headerStart) => headerStart.Length + SignatureLength;

    /// <summary>
    /// Signs the data string already written at <see cref="DataOffset"/> of <paramref name="buffer"/>,
    /// writes the header in front of it, and wraps the whole as a token.
    /// </summary>
    internal static string Sign(ReadOnlySpan<byte> headerStart, KeyedHmac hmacSha1, byte[] buffer, int dataLength)
    {
        var offset = DataOffset(headerStart);
        Span<byte> mac = stackalloc byte[HMACSHA1.HashSizeInBytes];
        hmacSha1.Compute(buffer.AsSpan(offset, dataLength), mac);
        headerStart.CopyTo(buffer);
        Convert.TryToHexStringLower(mac, buffer.AsSpan(headerStart.Length, SignatureLength - 1), out _);
        buffer[offset - 1] = (byte)':';

        var total = offset + dataLength;
        var base64Length = (total + 2) / 3 * 4;
        return string.Create(Prefix.Length + base64Length, (buffer, total), static (chars, state) =>
        {
            Prefix.CopyTo(chars);
            Convert.TryToBase64Chars(state.buffer.AsSpan(0, state.total), chars[Prefix.Length..], out _);
        });
    }
}
