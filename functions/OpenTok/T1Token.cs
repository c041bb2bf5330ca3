using System.Buffers;
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

    /// <summary>Encodes the given fields, in the given order, as a signed T1 token.</summary>
    public static string Encode(string apiKey, string apiSecret, IEnumerable<KeyValuePair<string, string>> fields)
    {
        var pairs = fields.ToList();
        var capacity = pairs.Sum(p => Encoding.UTF8.GetByteCount(p.Key) + 2 + p.Value.Length * FormEncoding.MaxBytesPerChar);
        var data = new byte[capacity];
        var length = 0;
        foreach (var (key, value) in pairs)
        {
            length = FormEncoding.AppendPair(data, length, Encoding.UTF8.GetBytes(key), value);
        }
        return Sign(HeaderStart(apiKey), Encoding.UTF8.GetBytes(apiSecret), data.AsSpan(0, length));
    }

    /// <summary>"partner_id=KEY&amp;sig=": the part of the signed header that does not change per token.</summary>
    internal static byte[] HeaderStart(string apiKey) => Encoding.ASCII.GetBytes($"partner_id={apiKey}&sig=");

    /// <summary>Signs an already-encoded data string and wraps it as a token.</summary>
    internal static string Sign(ReadOnlySpan<byte> headerStart, ReadOnlySpan<byte> secret, ReadOnlySpan<byte> data)
    {
        const int hexLength = 40;
        var total = headerStart.Length + hexLength + 1 + data.Length;
        var rented = ArrayPool<byte>.Shared.Rent(total);
        try
        {
            var plain = rented.AsSpan(0, total);
            headerStart.CopyTo(plain);
            Span<byte> mac = stackalloc byte[HMACSHA1.HashSizeInBytes];
            HMACSHA1.HashData(secret, data, mac);
            WriteLowerHex(mac, plain.Slice(headerStart.Length, hexLength));
            plain[headerStart.Length + hexLength] = (byte)':';
            data.CopyTo(plain[(headerStart.Length + hexLength + 1)..]);

            var base64Length = (total + 2) / 3 * 4;
            return string.Create(Prefix.Length + base64Length, (rented, total), static (chars, state) =>
            {
                Prefix.CopyTo(chars);
                Convert.TryToBase64Chars(state.rented.AsSpan(0, state.total), chars[Prefix.Length..], out _);
            });
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static void WriteLowerHex(ReadOnlySpan<byte> bytes, Span<byte> destination)
    {
        ReadOnlySpan<byte> hex = "0123456789abcdef"u8;
        for (var i = 0; i < bytes.Length; i++)
        {
            destination[2 * i] = hex[bytes[i] >> 4];
            destination[2 * i + 1] = hex[bytes[i] & 0xF];
        }
    }
}
