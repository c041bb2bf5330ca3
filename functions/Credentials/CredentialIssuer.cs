using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ReconnectionFunctions.OpenTok;

namespace ReconnectionFunctions.Credentials;

/// <summary>What a sample gets back: names and order as learning-opentok, plus role and expiry.</summary>
public sealed record CredentialsResponse(string ApiKey, string SessionId, string Token, string Role, DateTime ExpiresAt);

/// <summary>
/// Resolves rooms to sessions (creating them on OpenTok the first time) and mints tokens for the
/// configured project. Holds no per-request state; one instance serves the app.
/// </summary>
public sealed partial class CredentialIssuer
{
    private readonly OpenTokSettings _settings;
    private readonly RoomStore _rooms;
    private readonly IHttpClientFactory _http;
    private readonly TimeProvider _time;
    private readonly ILogger<CredentialIssuer> _logger;
    private readonly TokenGenerator? _tokens;

    /// <summary>Rooms being created by this instance, so concurrent first calls share one REST call.</summary>
    private readonly ConcurrentDictionary<string, Lazy<Task<string>>> _creating = new(StringComparer.Ordinal);

    public CredentialIssuer(IOptions<OpenTokSettings> settings, RoomStore rooms, IHttpClientFactory http, TimeProvider time, ILogger<CredentialIssuer> logger)
    {
        _settings = settings.Value;
        _rooms = rooms;
        _http = http;
        _time = time;
        _logger = logger;
        if (_settings.HasCredentials)
        {
            _tokens = new TokenGenerator(_settings.ApiKey!, _settings.ApiSecret!, time);
        }
    }

    public const string HttpClientName = "OpenTok";

    public bool HasCredentials => _tokens is not null;

    /// <summary>The fixed session of <c>GET /api/session</c>, when configured.</summary>
    public string? FixedSessionId => string.IsNullOrEmpty(_settings.SessionId) ? null : _settings.SessionId;

    /// <summary>True when the session was issued for this service's API key.</summary>
    public bool OwnsSession(string sessionId) => _tokens is not null && SessionIds.BelongsTo(sessionId, _tokens.ApiKey);

    /// <summary>The room's session, created on OpenTok and stored on first use.</summary>
    public async Task<string> SessionForRoomAsync(string room, CancellationToken cancellationToken)
    {
        var stored = await _rooms.FindSessionAsync(room, cancellationToken);
        if (stored is not null)
        {
            return stored;
        }

        var creation = _creating.GetOrAdd(room, name => new Lazy<Task<string>>(() => CreateRoomAsync(name)));
        try
        {
            // The creation is shared, so one caller giving up must not cancel it for the others.
            return await creation.Value.WaitAsync(cancellationToken);
        }
        finally
        {
            _creating.TryRemove(KeyValuePair.Create(room, creation));
        }
    }

    public CredentialsResponse Issue(string sessionId, TokenOptions options)
    {
        var tokens = _tokens ?? throw new InvalidOperationException("OpenTok credentials are not configured.");
        var token = tokens.GenerateToken(sessionId, options, _settings.TokenFormat);
        return new CredentialsResponse(tokens.ApiKey, sessionId, token.Value, token.Role.ToWireName(), token.ExpiresAt.UtcDateTime);
    }

    private async Task<string> CreateRoomAsync(string room)
    {
        var client = new OpenTokClient(_http.CreateClient(HttpClientName), _tokens!, _settings.ApiUrl, _settings.RequestTimeout, _time);
        string created;
        try
        {
            created = await client.CreateSessionAsync(new SessionProperties { MediaMode = _settings.MediaMode });
        }
        catch (OpenTokException e)
        {
            LogCreateFailed(room, e.Message, e switch
            {
                OpenTokAuthenticationException auth => auth.UpstreamMessage,
                OpenTokServiceException service => service.UpstreamMessage ?? service.InnerException?.Message,
                _ => null,
            });
            throw;
        }
        var standing = await _rooms.AddOrGetAsync(room, created, _settings.MediaMode, CancellationToken.None);
        if (standing == created)
        {
            LogRoomCreated(room);
        }
        else
        {
            // Another instance stored its session first; ours is never handed out.
            LogRoomRaceLost(room);
        }
        return standing;
    }

    [LoggerMessage(LogLevel.Warning, "Could not create an OpenTok session for room {Room}: {Reason} (upstream: {Upstream})")]
    private partial void LogCreateFailed(string room, string reason, string? upstream);

    [LoggerMessage(LogLevel.Information, "Created an OpenTok session for room {Room}")]
    private partial void LogRoomCreated(string room);

    [LoggerMessage(LogLevel.Information, "Room {Room} was created by another instance first; using its session")]
    private partial void LogRoomRaceLost(string room);
}
