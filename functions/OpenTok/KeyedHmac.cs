using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace ReconnectionFunctions.OpenTok;

/// <summary>
/// HMAC under one fixed key, computed with keyed instances that are reused: keying an HMAC costs
/// as much as hashing a whole token, so a token minter keeps its keyed instances instead of
/// keying again per call. Instances are pooled because one is not safe on two threads at once.
/// </summary>
public sealed class KeyedHmac(HashAlgorithmName algorithm, byte[] key)
{
    private readonly ConcurrentBag<IncrementalHash> _pool = [];

    public int Compute(ReadOnlySpan<byte> data, Span<byte> mac)
    {
        if (!_pool.TryTake(out var hmac))
        {
            hmac = IncrementalHash.CreateHMAC(algorithm, key);
        }
        hmac.AppendData(data);
        var written = hmac.GetHashAndReset(mac);
        _pool.Add(hmac);
        return written;
    }
}
