using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace ReconnectionFunctions.OpenTok;

/// <summary>Compact JWS with HMAC-SHA256, the only algorithm OpenTok's API-key credentials use.</summary>
public static class Hs256Jwt
{
    /// <summary>base64url of <c>{"alg":"HS256","typ":"JWT"}</c>, the header every OpenTok SDK sends.</summary>
    private static ReadOnlySpan<byte> EncodedHeader => "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"u8;

    /// <summary>Signs the exact payload bytes given (claim order and spacing are part of the signature).</summary>
    public static string Sign(ReadOnlySpan<byte> payloadJson, KeyedHmac hmacSha256)
    {
        var payloadLength = Base64Url.GetEncodedLength(payloadJson.Length);
        var signatureLength = Base64Url.GetEncodedLength(HMACSHA256.HashSizeInBytes);
        var signedLength = EncodedHeader.Length + 1 + payloadLength;
        var total = signedLength + 1 + signatureLength;

        var rented = ArrayPool<byte>.Shared.Rent(total);
        try
        {
            var token = rented.AsSpan(0, total);
            EncodedHeader.CopyTo(token);
            token[EncodedHeader.Length] = (byte)'.';
            Base64Url.EncodeToUtf8(payloadJson, token[(EncodedHeader.Length + 1)..]);

            Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
            hmacSha256.Compute(token[..signedLength], mac);
            token[signedLength] = (byte)'.';
            Base64Url.EncodeToUtf8(mac, token[(signedLength + 1)..]);
            return Encoding.ASCII.GetString(token);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }
}
