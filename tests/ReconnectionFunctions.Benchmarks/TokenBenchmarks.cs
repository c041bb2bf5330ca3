using System.Security.Cryptography;
using System.Text;
using BenchmarkDotNet.Attributes;
using ReconnectionFunctions.OpenTok;

namespace ReconnectionFunctions.Benchmarks;

/// <summary>
/// Minting a client token beside the bare HMAC over the very bytes that token signs: the floor
/// no token can beat, computed the fastest way .NET offers (an HMAC keyed once and reused). The
/// inputs are the ones the Node SDK is timed with (node/tokens.js).
/// </summary>
[MemoryDiagnoser]
public class TokenBenchmarks
{
    private const string ApiKey = "123456";
    private const string ApiSecret = "1234567890abcdef1234567890abcdef1234567890";
    private const string SessionId = "1_MX4xMjM0NTZ-flNhdCBNYXIgMTUgMTQ6NDI6MjMgUERUIDIwMTR-MC40OTAxMzAyNX4";

    private readonly TokenGenerator _generator = new(ApiKey, ApiSecret);
    private readonly IncrementalHash _hmacSha1 = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA1, Encoding.UTF8.GetBytes(ApiSecret));
    private readonly IncrementalHash _hmacSha256 = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(ApiSecret));
    private readonly byte[] _macSha1 = new byte[HMACSHA1.HashSizeInBytes];
    private readonly byte[] _macSha256 = new byte[HMACSHA256.HashSizeInBytes];
    private TokenOptions _options = null!;
    private byte[] _t1SignedBytes = null!;
    private byte[] _jwtSignedBytes = null!;

    [GlobalSetup]
    public void Setup()
    {
        _options = new TokenOptions { Role = Role.Publisher, ExpireTime = DateTimeOffset.UtcNow.AddHours(1) };
        // What each token format signs: the T1 data string, and the JWT's "header.payload".
        var t1 = Encoding.UTF8.GetString(Convert.FromBase64String(_generator.GenerateT1Token(SessionId, _options).Value[4..]));
        _t1SignedBytes = Encoding.UTF8.GetBytes(t1[(t1.IndexOf(':', StringComparison.Ordinal) + 1)..]);
        var jwt = _generator.GenerateJwtToken(SessionId, _options).Value;
        _jwtSignedBytes = Encoding.ASCII.GetBytes(jwt[..jwt.LastIndexOf('.')]);
    }

    [Benchmark(Description = "bare HMAC-SHA1 (T1 bytes)")]
    public int BareHmacSha1()
    {
        _hmacSha1.AppendData(_t1SignedBytes);
        return _hmacSha1.GetHashAndReset(_macSha1);
    }

    [Benchmark(Description = "T1 token")]
    public string T1Token() => _generator.GenerateT1Token(SessionId, _options).Value;

    [Benchmark(Description = "bare HMAC-SHA256 (JWT bytes)")]
    public int BareHmacSha256()
    {
        _hmacSha256.AppendData(_jwtSignedBytes);
        return _hmacSha256.GetHashAndReset(_macSha256);
    }

    [Benchmark(Description = "JWT token")]
    public string JwtToken() => _generator.GenerateJwtToken(SessionId, _options).Value;
}
