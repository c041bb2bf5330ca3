using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace ReconnectionFunctions.OpenTok;

/// <summary>
/// The OpenTok REST calls this service needs: today, creating a session. Each call carries a
/// freshly minted <c>X-OPENTOK-AUTH</c> JWT and asks for JSON; failures come back as
/// <see cref="OpenTokException"/> subtypes with the upstream text left out of the message.
/// </summary>
public sealed class OpenTokClient
{
    public const string UserAgent = "ReconnectionFunctions/1.0 (OpenTok REST; .NET)";

    private readonly HttpClient _http;
    private readonly TokenGenerator _tokens;
    private readonly Uri _createSessionUri;
    private readonly TimeSpan _timeout;
    private readonly TimeProvider _time;

    /// <param name="http">A client with no timeout of its own: <paramref name="timeout"/> governs each call.</param>
    public OpenTokClient(HttpClient http, TokenGenerator tokens, Uri apiUrl, TimeSpan timeout, TimeProvider? timeProvider = null)
    {
        if (!apiUrl.IsAbsoluteUri || (apiUrl.Scheme != Uri.UriSchemeHttps && apiUrl.Scheme != Uri.UriSchemeHttp))
        {
            throw new OpenTokArgumentException(nameof(apiUrl), "The API URL must be an absolute http or https URL.");
        }
        if (timeout <= TimeSpan.Zero)
        {
            throw new OpenTokArgumentException(nameof(timeout), "The timeout must be positive.");
        }
        _http = http;
        _tokens = tokens;
        _createSessionUri = new Uri(apiUrl.AbsoluteUri.TrimEnd('/') + "/session/create");
        _timeout = timeout;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Creates a session and returns its id, checked to belong to this API key.</summary>
    public async Task<string> CreateSessionAsync(SessionProperties properties, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, _createSessionUri)
        {
            Content = new FormUrlEncodedContent(properties.ToFormFields()),
        };
        request.Headers.Add("X-OPENTOK-AUTH", _tokens.GenerateRestAuthToken());
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.UserAgent.ParseAdd(UserAgent);

        using var timeout = new CancellationTokenSource(_timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, linked.Token);
            var body = await response.Content.ReadAsByteArrayAsync(linked.Token);
            return ReadCreatedSession(response.StatusCode, body);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new OpenTokTimeoutException(_timeout);
        }
        catch (HttpRequestException e)
        {
            throw new OpenTokServiceException(null, "OpenTok could not be reached.", e);
        }
    }

    private string ReadCreatedSession(HttpStatusCode status, byte[] body)
    {
        var code = (int)status;
        switch (code)
        {
            case 401 or 403:
                throw new OpenTokAuthenticationException(code, "OpenTok rejected the API key or secret.", UpstreamMessage(body));
            case 200:
                break;
            default:
                throw new OpenTokServiceException(code, $"OpenTok answered session creation with HTTP {code}.", upstreamMessage: UpstreamMessage(body));
        }

        string? sessionId = null;
        try
        {
            using var json = JsonDocument.Parse(body);
            if (json.RootElement is { ValueKind: JsonValueKind.Array } array && array.GetArrayLength() > 0
                && array[0].ValueKind == JsonValueKind.Object
                && array[0].TryGetProperty("session_id", out var id) && id.ValueKind == JsonValueKind.String)
            {
                sessionId = id.GetString();
            }
        }
        catch (JsonException e)
        {
            throw new OpenTokServiceException(code, "OpenTok answered session creation with a body that is not JSON.", e);
        }

        if (!SessionIds.BelongsTo(sessionId, _tokens.ApiKey))
        {
            throw new OpenTokServiceException(code, "OpenTok answered session creation without a session id for this API key.");
        }
        return sessionId!;
    }

    /// <summary>The <c>message</c> of OpenTok's JSON error body (<c>{code, message, description}</c>), capped.</summary>
    private static string? UpstreamMessage(byte[] body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            if (json.RootElement.ValueKind == JsonValueKind.Object
                && json.RootElement.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String)
            {
                var text = message.GetString()!;
                return text.Length <= 200 ? text : text[..200];
            }
        }
        catch (JsonException)
        {
            // Not JSON: nothing worth logging.
        }
        return null;
    }
}
