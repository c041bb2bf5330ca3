using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace ReconnectionFunctions.OpenTok;

/// <summary>
/// Mints OpenTok client tokens for one API key. Fields are laid out as the Node SDK 2.23.2 lays
/// them out (session_id, create_time, nonce, role, expire_time, connection_data,
/// initial_layout_class_list, scope), so a token can be compared byte for byte with one the
/// official SDK made from the same inputs.
/// </summary>
public sealed class TokenGenerator
{
    public const int MaxDataLength = 1000;
    public const int MaxLayoutClassListLength = 1000;
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromDays(30);
    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromDays(1);

    private static readonly JsonWriterOptions CompactJson = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly KeyedHmac _hmacSha1;
    private readonly KeyedHmac _hmacSha256;
    private readonly byte[] _t1HeaderStart;
    private readonly TimeProvider _time;
    private readonly Func<double> _nonce;

    /// <summary>The last session id found to belong to this key: the service mints for a few sessions, over and over.</summary>
    private string? _verifiedSession;

    /// <summary>Each thread's JSON buffer and writer, reset per token rather than allocated.</summary>
    [ThreadStatic]
    private static (ArrayBufferWriter<byte> Buffer, Utf8JsonWriter Writer)? _threadJson;

    /// <param name="nonceSource">Supplies the nonce; tests pass a fixed one to reproduce SDK output.</param>
    public TokenGenerator(string apiKey, string apiSecret, TimeProvider? timeProvider = null, Func<double>? nonceSource = null)
    {
        if (string.IsNullOrWhiteSpace(apiKey))
        {
            throw new OpenTokArgumentException(nameof(apiKey), "The API key is required.");
        }
        if (string.IsNullOrEmpty(apiSecret))
        {
            throw new OpenTokArgumentException(nameof(apiSecret), "The API secret is required.");
        }
        ApiKey = apiKey;
        var secret = Encoding.UTF8.GetBytes(apiSecret);
        _hmacSha1 = new KeyedHmac(HashAlgorithmName.SHA1, secret);
        _hmacSha256 = new KeyedHmac(HashAlgorithmName.SHA256, secret);
        _t1HeaderStart = T1Token.HeaderStart(apiKey);
        _time = timeProvider ?? TimeProvider.System;
        // A whole number, as the .NET and Java SDKs send: it formats several times faster than a fraction.
        _nonce = nonceSource ?? (() => Random.Shared.Next(1, 1_000_000_000));
    }

    public string ApiKey { get; }

    public ClientToken GenerateToken(string sessionId, TokenOptions? options = null, TokenFormat format = TokenFormat.T1) =>
        format switch
        {
            TokenFormat.T1 => GenerateT1Token(sessionId, options),
            TokenFormat.Jwt => GenerateJwtToken(sessionId, options),
            _ => throw new OpenTokArgumentException(nameof(format), $"Unknown token format: {(int)format}"),
        };

    public ClientToken GenerateT1Token(string sessionId, TokenOptions? options = null)
    {
        var fields = Validate(sessionId, options ?? new TokenOptions());
        Span<char> number = stackalloc char[32];

        var offset = T1Token.DataOffset(_t1HeaderStart);
        var capacity = offset + 200 + sessionId.Length
            + ((fields.Data?.Length ?? 0) + fields.LayoutClasses.Length) * FormEncoding.MaxBytesPerChar;
        var buffer = ArrayPool<byte>.Shared.Rent(capacity);
        try
        {
            var data = buffer.AsSpan(offset);
            var n = FormEncoding.AppendPair(data, 0, "session_id"u8, sessionId);
            n = FormEncoding.AppendPair(data, n, "create_time"u8, Format(fields.CreateTime, number));
            n = FormEncoding.AppendPair(data, n, "nonce"u8, Format(fields.Nonce, number));
            n = FormEncoding.AppendPair(data, n, "role"u8, fields.Role.ToWireName());
            n = FormEncoding.AppendPair(data, n, "expire_time"u8, Format(fields.ExpireTime, number));
            if (fields.Data is not null)
            {
                n = FormEncoding.AppendPair(data, n, "connection_data"u8, fields.Data);
            }
            n = FormEncoding.AppendPair(data, n, "initial_layout_class_list"u8, fields.LayoutClasses);
            n = FormEncoding.AppendPair(data, n, "scope"u8, "session.connect");

            return fields.ToToken(T1Token.Sign(_t1HeaderStart, _hmacSha1, buffer, n));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public ClientToken GenerateJwtToken(string sessionId, TokenOptions? options = null)
    {
        var fields = Validate(sessionId, options ?? new TokenOptions());
        var (buffer, json) = JsonWriter();
        {
            json.WriteStartObject();
            json.WriteString("iss"u8, ApiKey);
            json.WriteString("ist"u8, "project"u8);
            json.WriteNumber("iat"u8, fields.CreateTime);
            json.WriteNumber("exp"u8, fields.ExpireTime);
            json.WriteString("session_id"u8, sessionId);
            json.WriteNumber("create_time"u8, fields.CreateTime);
            if (IsWhole(fields.Nonce))
            {
                json.WriteNumber("nonce"u8, (long)fields.Nonce);
            }
            else
            {
                json.WriteNumber("nonce"u8, fields.Nonce);
            }
            json.WriteString("role"u8, fields.Role.ToWireName());
            json.WriteNumber("expire_time"u8, fields.ExpireTime);
            if (fields.Data is not null)
            {
                json.WriteString("connection_data"u8, fields.Data);
            }
            json.WriteString("initial_layout_class_list"u8, fields.LayoutClasses);
            json.WriteString("scope"u8, "session.connect"u8);
            json.WriteEndObject();
            json.Flush();
        }
        return fields.ToToken(Hs256Jwt.Sign(buffer.WrittenSpan, _hmacSha256));
    }

    /// <summary>
    /// The <c>X-OPENTOK-AUTH</c> JWT for one REST call: issuer the API key, <c>ist=project</c>,
    /// valid for five minutes (OpenTok's maximum).
    /// </summary>
    public string GenerateRestAuthToken()
    {
        var now = _time.GetUtcNow().ToUnixTimeSeconds();
        var (buffer, json) = JsonWriter();
        json.WriteStartObject();
        json.WriteString("iss"u8, ApiKey);
        json.WriteString("ist"u8, "project"u8);
        json.WriteNumber("iat"u8, now);
        json.WriteNumber("exp"u8, now + 300);
        json.WriteEndObject();
        json.Flush();
        return Hs256Jwt.Sign(buffer.WrittenSpan, _hmacSha256);
    }

    private static (ArrayBufferWriter<byte> Buffer, Utf8JsonWriter Writer) JsonWriter()
    {
        if (_threadJson is not { } json)
        {
            var buffer = new ArrayBufferWriter<byte>(512);
            json = (buffer, new Utf8JsonWriter(buffer, CompactJson));
            _threadJson = json;
        }
        json.Buffer.ResetWrittenCount();
        json.Writer.Reset(json.Buffer);
        return json;
    }

    private TokenFields Validate(string sessionId, TokenOptions options)
    {
        if (sessionId is null || !string.Equals(sessionId, _verifiedSession, StringComparison.Ordinal))
        {
            SessionIds.EnsureBelongsTo(sessionId, ApiKey);
            _verifiedSession = sessionId;
        }
        if (!Enum.IsDefined(options.Role))
        {
            throw new OpenTokArgumentException("role", $"Invalid role for token generation: {(int)options.Role}");
        }

        var now = _time.GetUtcNow();
        var createTime = now.ToUnixTimeSeconds();
        var expireTime = (options.ExpireTime ?? now + DefaultLifetime).ToUnixTimeSeconds();
        if (expireTime <= createTime)
        {
            throw new OpenTokArgumentException("expireTime", $"Expire time must be in the future: {expireTime} <= {createTime}.");
        }
        var latest = createTime + (long)MaxLifetime.TotalSeconds;
        if (expireTime > latest)
        {
            throw new OpenTokArgumentException("expireTime", $"Expire time must be within the next 30 days: {expireTime} > {latest}.");
        }

        if (DataProblem(options.Data) is { } dataProblem)
        {
            throw new OpenTokArgumentException("data", dataProblem);
        }
        if (LayoutProblem(options.InitialLayoutClassList) is { } layoutProblem)
        {
            throw new OpenTokArgumentException("initialLayoutClassList", layoutProblem);
        }
        var layoutClasses = options.InitialLayoutClassList is { Count: > 0 } classes ? string.Join(' ', classes) : "";

        return new TokenFields(options.Role, createTime, expireTime, _nonce(), options.Data, layoutClasses);
    }

    /// <summary>Why connection data cannot go into a token, or null when it can.</summary>
    public static string? DataProblem(string? data) => data switch
    {
        null => null,
        { Length: > MaxDataLength } => $"Connection data must be at most {MaxDataLength} characters; it has {data.Length}.",
        _ when !FormEncoding.IsEncodable(data) => "Connection data must be well-formed Unicode text.",
        _ => null,
    };

    /// <summary>Why a layout class list cannot go into a token, or null when it can.</summary>
    public static string? LayoutProblem(IReadOnlyList<string>? classes)
    {
        if (classes is null || classes.Count == 0)
        {
            return null;
        }
        if (classes.Any(name => string.IsNullOrEmpty(name) || name.Any(char.IsWhiteSpace) || !FormEncoding.IsEncodable(name)))
        {
            return "Layout class names must be non-empty Unicode text without spaces.";
        }
        var joined = classes.Sum(name => name.Length) + Math.Max(0, classes.Count - 1);
        return joined > MaxLayoutClassListLength
            ? $"The initial layout class list must be at most {MaxLayoutClassListLength} characters joined; it has {joined}."
            : null;
    }

    private static ReadOnlySpan<char> Format(long value, Span<char> destination)
    {
        value.TryFormat(destination, out var written, default, CultureInfo.InvariantCulture);
        return destination[..written];
    }

    /// <summary>Shortest round-trip form, which is what JavaScript prints for the same double.</summary>
    private static ReadOnlySpan<char> Format(double value, Span<char> destination)
    {
        if (IsWhole(value))
        {
            return Format((long)value, destination);
        }
        value.TryFormat(destination, out var written, "R", CultureInfo.InvariantCulture);
        return destination[..written];
    }

    private static bool IsWhole(double value) => Math.Abs(value) < 1e15 && value == Math.Floor(value);

    private readonly record struct TokenFields(Role Role, long CreateTime, long ExpireTime, double Nonce, string? Data, string LayoutClasses)
    {
        public ClientToken ToToken(string value) =>
            new(value, Role, DateTimeOffset.FromUnixTimeSeconds(CreateTime), DateTimeOffset.FromUnixTimeSeconds(ExpireTime));
    }
}
