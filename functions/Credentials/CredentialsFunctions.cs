using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using ReconnectionFunctions.Hosting;
using ReconnectionFunctions.OpenTok;

namespace ReconnectionFunctions.Credentials;

/// <summary>
/// The routes the Android, iOS and JS samples call for <c>{apiKey, sessionId, token}</c>.
/// Every answer is either those credentials or a problem saying what to change.
/// </summary>
public sealed class CredentialsFunctions(CredentialIssuer issuer, TokenPolicy policy, TimeProvider time)
{
    /// <summary>Retry hint for an upstream outage: long enough for a blip to pass.</summary>
    private static readonly TimeSpan UpstreamRetryAfter = TimeSpan.FromSeconds(10);

    [Function("GetSession")]
    public async Task<IResult> GetSession(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "session")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        if (Refuse(request) is { } refusal)
        {
            return refusal;
        }
        if (issuer.FixedSessionId is { } fixedSession)
        {
            return Mint(fixedSession, policy.DefaultRole, policy.DefaultTtl, data: null, layout: null);
        }
        return await ForRoomAsync(RoomNames.Default, cancellationToken);
    }

    [Function("GetRoom")]
    public async Task<IResult> GetRoom(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "room/{name}")] HttpRequest request,
        string name,
        CancellationToken cancellationToken)
    {
        if (Refuse(request) is { } refusal)
        {
            return refusal;
        }
        if (RoomNames.Problem(name) is { } problem)
        {
            return Problems.Validation("name", problem);
        }
        return await ForRoomAsync(name, cancellationToken);
    }

    [Function("CreateToken")]
    public async Task<IResult> CreateToken(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "token")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        if (Refuse(request) is { } refusal)
        {
            return refusal;
        }
        var body = await JsonBody.ReadAsync(request, CredentialsJson.Default.TokenRequest, cancellationToken);
        if (body.Problem is not null)
        {
            return body.Problem;
        }
        var tokenRequest = body.Value!;

        var errors = new Dictionary<string, string[]>();
        var hasSession = !string.IsNullOrEmpty(tokenRequest.SessionId);
        var hasRoom = tokenRequest.Room is not null;
        if (hasSession == hasRoom)
        {
            errors[hasSession ? "sessionId" : "room"] = [hasSession
                ? "Give either sessionId or room, not both."
                : "Give the room to join, or the sessionId of a session of this service's project."];
        }
        else if (hasRoom && RoomNames.Problem(tokenRequest.Room) is { } roomProblem)
        {
            errors["room"] = [roomProblem];
        }
        else if (hasSession && !issuer.OwnsSession(tokenRequest.SessionId!))
        {
            errors["sessionId"] = [SessionIds.TryGetApiKey(tokenRequest.SessionId, out _)
                ? "This session belongs to another OpenTok project than this service's API key."
                : "This is not an OpenTok session id."];
        }

        var role = policy.DefaultRole;
        if (tokenRequest.Role is not null)
        {
            if (!Roles.TryParse(tokenRequest.Role, out role))
            {
                errors["role"] = [$"Must be one of {Roles.ValidNames}."];
            }
            else if (!policy.Allows(role))
            {
                errors["role"] = [$"This service hands out at most '{policy.MaxRole.ToWireName()}' tokens; '{role.ToWireName()}' is above that."];
            }
        }

        var ttl = policy.DefaultTtl;
        if (tokenRequest.ExpiresInSeconds is { } seconds)
        {
            var maxSeconds = (long)policy.MaxTtl.TotalSeconds;
            if (seconds < 1 || seconds > maxSeconds)
            {
                errors["expiresInSeconds"] = [$"Must be between 1 and {maxSeconds} (this service's longest token lifetime)."];
            }
            ttl = TimeSpan.FromSeconds(seconds);
        }

        if (tokenRequest.Data is { } data)
        {
            if (data.Length > TokenGenerator.MaxDataLength)
            {
                errors["data"] = [$"Must be at most {TokenGenerator.MaxDataLength} characters; it has {data.Length}."];
            }
            else if (!FormEncoding.IsEncodable(data))
            {
                errors["data"] = ["Must be well-formed Unicode text."];
            }
        }
        if (tokenRequest.InitialLayoutClassList is { } classes
            && (classes.Any(c => string.IsNullOrEmpty(c) || c.Any(char.IsWhiteSpace) || !FormEncoding.IsEncodable(c))
                || string.Join(' ', classes).Length > TokenGenerator.MaxLayoutClassListLength))
        {
            errors["initialLayoutClassList"] =
                [$"Each class name must be non-empty and without spaces, and together they must be at most {TokenGenerator.MaxLayoutClassListLength} characters."];
        }

        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }
        if (!issuer.HasCredentials)
        {
            return NotConfigured();
        }
        if (hasRoom)
        {
            return await ForRoomAsync(tokenRequest.Room!, cancellationToken, role, ttl, tokenRequest.Data, tokenRequest.InitialLayoutClassList);
        }
        return Mint(tokenRequest.SessionId!, role, ttl, tokenRequest.Data, tokenRequest.InitialLayoutClassList);
    }

    /// <summary>The passcode gate, and 503 while the service has no OpenTok credentials.</summary>
    private IResult? Refuse(HttpRequest request)
    {
        if (!policy.AdmitsPasscode(request.Headers[TokenPolicy.PasscodeHeader]))
        {
            return Problems.Status(StatusCodes.Status401Unauthorized, "Passcode required.",
                $"This preview server hands out credentials only with the {TokenPolicy.PasscodeHeader} header carrying the passcode you were given.");
        }
        return issuer.HasCredentials ? null : NotConfigured();
    }

    private static IResult NotConfigured() =>
        Problems.Status(StatusCodes.Status503ServiceUnavailable, "Video service not configured.",
            "This server has no OpenTok API key and secret yet: set OpenTok:ApiKey and OpenTok:ApiSecret.");

    private async Task<IResult> ForRoomAsync(string room, CancellationToken cancellationToken,
        Role? role = null, TimeSpan? ttl = null, string? data = null, IReadOnlyList<string>? layout = null)
    {
        string sessionId;
        try
        {
            sessionId = await issuer.SessionForRoomAsync(room, cancellationToken);
        }
        catch (OpenTokAuthenticationException)
        {
            return Problems.Status(StatusCodes.Status502BadGateway, "The video service rejected the server credentials.",
                "OpenTok refused this server's API key or secret, so the room could not be created. Check OpenTok:ApiKey, OpenTok:ApiSecret and OpenTok:ApiUrl.");
        }
        catch (OpenTokTimeoutException)
        {
            return Problems.Status(StatusCodes.Status504GatewayTimeout, "The video service did not answer in time.",
                "OpenTok did not answer the session request in time; the room was not created. Try again shortly.", UpstreamRetryAfter);
        }
        catch (OpenTokServiceException e)
        {
            var transient = e.StatusCode is null or >= 500;
            return Problems.Status(StatusCodes.Status502BadGateway, "The video service is unavailable.",
                transient
                    ? "OpenTok could not create a session for this room right now; the room was not created. Try again shortly."
                    : "OpenTok refused to create a session for this room; check OpenTok:ApiUrl.",
                transient ? UpstreamRetryAfter : null);
        }
        return Mint(sessionId, role ?? policy.DefaultRole, ttl ?? policy.DefaultTtl, data, layout);
    }

    private IResult Mint(string sessionId, Role role, TimeSpan ttl, string? data, IReadOnlyList<string>? layout)
    {
        var credentials = issuer.Issue(sessionId, new TokenOptions
        {
            Role = role,
            ExpireTime = time.GetUtcNow() + ttl,
            Data = data,
            InitialLayoutClassList = layout,
        });
        return TypedResults.Json(credentials, CredentialsJson.Default.CredentialsResponse);
    }
}
