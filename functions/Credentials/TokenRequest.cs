using System.Text.Json;
using System.Text.Json.Serialization;
using ReconnectionFunctions.OpenTok;

namespace ReconnectionFunctions.Credentials;

/// <summary>The body of <c>POST /api/token</c>: exactly one of sessionId and room, the rest optional.</summary>
public sealed class TokenRequest
{
    public string? SessionId { get; set; }
    public string? Room { get; set; }
    public string? Role { get; set; }
    public string? Data { get; set; }
    public int? ExpiresInSeconds { get; set; }
    public List<string>? InitialLayoutClassList { get; set; }

    /// <summary>
    /// Checks the request against the room rules and the token policy. Returns what to mint, or
    /// null with every field at fault in <paramref name="errors"/>.
    /// </summary>
    public TokenGrant? Review(TokenPolicy policy, Func<string, bool> ownsSession, out Dictionary<string, string[]> errors)
    {
        errors = [];
        var hasSession = !string.IsNullOrEmpty(SessionId);
        var hasRoom = Room is not null;
        if (hasSession == hasRoom)
        {
            errors[hasSession ? "sessionId" : "room"] = [hasSession
                ? "Give either sessionId or room, not both."
                : "Give the room to join, or the sessionId of a session of this service's project."];
        }
        else if (hasRoom && RoomNames.Problem(Room) is { } roomProblem)
        {
            errors["room"] = [roomProblem];
        }
        else if (hasSession && !ownsSession(SessionId!))
        {
            errors["sessionId"] = [SessionIds.TryGetApiKey(SessionId, out _)
                ? "This session belongs to another OpenTok project than this service's API key."
                : "This is not an OpenTok session id."];
        }

        var role = policy.DefaultRole;
        if (Role is not null && !Roles.TryParse(Role, out role))
        {
            errors["role"] = [$"Must be one of {Roles.ValidNames}."];
        }
        else if (!policy.Allows(role))
        {
            errors["role"] = [$"This service hands out at most '{policy.MaxRole.ToWireName()}' tokens; '{role.ToWireName()}' is above that."];
        }

        var ttl = policy.DefaultTtl;
        if (ExpiresInSeconds is { } seconds)
        {
            var maxSeconds = (long)policy.MaxTtl.TotalSeconds;
            if (seconds < 1 || seconds > maxSeconds)
            {
                errors["expiresInSeconds"] = [$"Must be between 1 and {maxSeconds} (this service's longest token lifetime)."];
            }
            ttl = TimeSpan.FromSeconds(seconds);
        }
        if (TokenGenerator.DataProblem(Data) is { } dataProblem)
        {
            errors["data"] = [dataProblem];
        }
        if (TokenGenerator.LayoutProblem(InitialLayoutClassList) is { } layoutProblem)
        {
            errors["initialLayoutClassList"] = [layoutProblem];
        }

        return errors.Count > 0 ? null : new TokenGrant(role, ttl, Data, InitialLayoutClassList);
    }
}

/// <summary>What a token may carry once the policy has agreed to it.</summary>
public sealed record TokenGrant(Role Role, TimeSpan Ttl, string? Data = null, IReadOnlyList<string>? InitialLayoutClassList = null)
{
    public TokenOptions ToOptions(DateTimeOffset now) => new()
    {
        Role = Role,
        ExpireTime = now + Ttl,
        Data = Data,
        InitialLayoutClassList = InitialLayoutClassList,
    };
}

// Strict: unknown fields, repeated fields and numbers written as strings are refused, not guessed at.
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    AllowDuplicateProperties = false, NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(TokenRequest))]
[JsonSerializable(typeof(CredentialsResponse))]
public sealed partial class CredentialsJson : JsonSerializerContext;
