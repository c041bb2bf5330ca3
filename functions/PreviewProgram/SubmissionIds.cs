using System.Security.Cryptography;

namespace ReconnectionFunctions.PreviewProgram;

/// <summary>
/// Submission ids: 26 characters of Crockford base32 (a ULID) whose first ten encode the
/// millisecond they were made, so ids, and the row keys made from them, sort by time.
/// </summary>
public static class SubmissionIds
{
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    public static string New(DateTimeOffset now)
    {
        Span<byte> random = stackalloc byte[10];
        RandomNumberGenerator.Fill(random);
        Span<char> id = stackalloc char[26];
        var milliseconds = now.ToUnixTimeMilliseconds();
        for (var i = 9; i >= 0; i--)
        {
            id[i] = Alphabet[(int)(milliseconds & 31)];
            milliseconds >>= 5;
        }
        // 80 random bits → 16 characters of 5 bits.
        var bits = new System.Numerics.BigInteger(random, isUnsigned: true, isBigEndian: true);
        for (var i = 25; i >= 10; i--)
        {
            id[i] = Alphabet[(int)(bits & 31)];
            bits >>= 5;
        }
        return new string(id);
    }

    public static bool IsValid(string? id) =>
        id is { Length: 26 } && id.All(c => Alphabet.Contains(c, StringComparison.Ordinal));
}
