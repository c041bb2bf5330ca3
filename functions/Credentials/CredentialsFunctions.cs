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

    private TokenGrant DefaultGrant => new(policy.DefaultRole, policy.DefaultTtl);

    [Function("GetSession")]
    public async Task<IResult> GetSession(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "session")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        if (Refuse(request) is { } refusal)
        {
            return refusal;
        }
        return issuer.FixedSessionId is { } fixedSession
            ? Mint(fixedSession, DefaultGrant)
            : await ForRoomAsync(RoomNames.Default, DefaultGrant, cancellationToken);
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
        return RoomNames.Problem(name) is { } problem
            ? Problems.Validation("name", problem)
            : await ForRoomAsync(name, DefaultGrant, cancellationToken);
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
            return body.Problem.ToResult();
        }
        var tokenRequest = body.Value!;
        if (tokenRequest.Review(policy, issuer.OwnsSession, out var errors) is not { } grant)
        {
            return Problems.Validation(errors);
        }
        return tokenRequest.Room is { } room
            ? await ForRoomAsync(room, grant, cancellationToken)
            : Mint(tokenRequest.SessionId!, grant);
    }

    /// <summary>The passcode gate, and 503 while the service has no OpenTok credentials.</summary>
    private IResult? Refuse(HttpRequest request)
    {
        if (!policy.AdmitsPasscode(request.Headers[TokenPolicy.PasscodeHeader]))
        {
            return Problems.Status(StatusCodes.Status401Unauthorized, "Passcode required.",
                $"This preview server hands out credentials only with the {TokenPolicy.PasscodeHeader} header carrying the passcode you were given.");
        }
        return issuer.HasCredentials
            ? null
            : Problems.Status(StatusCodes.Status503ServiceUnavailable, "Video service not configured.",
                "This server has no OpenTok API key and secret yet: set OpenTok:ApiKey and OpenTok:ApiSecret.");
    }

    private async Task<IResult> ForRoomAsync(string room, TokenGrant grant, CancellationToken cancellationToken)
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
        return Mint(sessionId, grant);
    }

    private IResult Mint(string sessionId, TokenGrant grant)
    {
        try
        {
            var credentials = issuer.Issue(sessionId, grant.ToOptions(time.GetUtcNow()));
            return TypedResults.Json(credentials, CredentialsJson.Default.CredentialsResponse);
        }
        catch (OpenTokArgumentException e)
        {
            // The review above should have caught it; if not, it is still the caller's input.
            return Problems.Validation(e.ParamName, e.Message);
        }
    }
}
