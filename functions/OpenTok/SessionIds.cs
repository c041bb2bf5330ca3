using System.Buffers;
using System.Text;

namespace ReconnectionFunctions.OpenTok;

/// <summary>
/// Reads OpenTok session ids: a two-character prefix ("1_" or "2_"), then unpadded base64 with
/// '-' for '+' and '_' for '/', decoding to '~'-separated fields whose second is the API key.
/// </summary>
public static class SessionIds
{
    /// <summary>Longer ids than this are not session ids; the bound keeps decoding cheap.</summary>
    public const int MaxLength = 512;

    /// <summary>Decodes the API key (project id) a session id was issued for.</summary>
    public static bool TryGetApiKey(string? sessionId, out string apiKey)
    {
        apiKey = "";
        if (sessionId is null || sessionId.Length < 3 || sessionId.Length > MaxLength)
        {
            return false;
        }

        var body = sessionId.AsSpan(2);
        if (body.Length % 4 == 1)
        {
            return false;
        }

        // Map the URL-safe alphabet back and restore the padding the ids leave off.
        Span<char> base64 = stackalloc char[body.Length + 3];
        var length = 0;
        foreach (var c in body)
        {
            base64[length++] = c switch
            {
                '-' => '+',
                '_' => '/',
                >= 'A' and <= 'Z' or >= 'a' and <= 'z' or >= '0' and <= '9' => c,
                _ => '\0',
            };
            if (base64[length - 1] == '\0')
            {
                return false;
            }
        }
        while (length % 4 != 0)
        {
            base64[length++] = '=';
        }

        Span<byte> decoded = stackalloc byte[length / 4 * 3];
        if (!Convert.TryFromBase64Chars(base64[..length], decoded, out var written))
        {
            return false;
        }

        // Fields: [0] version, [1] API key, then opaque ones.
        var payload = decoded[..written];
        var first = payload.IndexOf((byte)'~');
        if (first < 0)
        {
            return false;
        }
        var rest = payload[(first + 1)..];
        var second = rest.IndexOf((byte)'~');
        var key = second < 0 ? rest : rest[..second];
        if (key.IsEmpty || key.IndexOfAnyExcept(AsciiPrintable) >= 0)
        {
            return false;
        }
        apiKey = Encoding.ASCII.GetString(key);
        return true;
    }

    /// <summary>True when the id decodes and was issued for <paramref name="apiKey"/>.</summary>
    public static bool BelongsTo(string? sessionId, string apiKey) =>
        TryGetApiKey(sessionId, out var owner) && string.Equals(owner, apiKey, StringComparison.Ordinal);

    /// <summary>Throws the argument error the token minter reports for an id it cannot use.</summary>
    public static void EnsureBelongsTo(string? sessionId, string apiKey, string paramName = "sessionId")
    {
        if (string.IsNullOrEmpty(sessionId))
        {
            throw new OpenTokArgumentException(paramName, "Token cannot be generated without a session id.");
        }
        if (!TryGetApiKey(sessionId, out var owner))
        {
            throw new OpenTokArgumentException(paramName, "The session id is not a valid OpenTok session id.");
        }
        if (!string.Equals(owner, apiKey, StringComparison.Ordinal))
        {
            throw new OpenTokArgumentException(paramName, "Token cannot be generated unless the session belongs to the API key.");
        }
    }

    private static readonly SearchValues<byte> AsciiPrintable =
        SearchValues.Create(Enumerable.Range(0x21, 0x7E - 0x21 + 1).Select(b => (byte)b).ToArray());
}
