using System.Text.Json;
using System.Text.Json.Serialization;

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
}

// Strict: unknown fields, repeated fields and numbers written as strings are refused, not guessed at.
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    AllowDuplicateProperties = false, NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(TokenRequest))]
[JsonSerializable(typeof(CredentialsResponse))]
public sealed partial class CredentialsJson : JsonSerializerContext;
