using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ReconnectionFunctions.Tests.Credentials;

/// <summary>The success body of the credential routes, as a sample reads it.</summary>
public sealed record Credentials(string ApiKey, string SessionId, string Token, string Role, DateTime ExpiresAt);

/// <summary>Independent checks of issued tokens: plain HMAC for T1, a standard JWT library for JWT.</summary>
public static class IssuedTokens
{
    public static async Task<Credentials> ReadCredentialsAsync(HttpResponseMessage response)
    {
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var raw = await response.Content.ReadAsStringAsync();
        using var json = JsonDocument.Parse(raw);
        // Field names and order as learning-opentok, and the API key as a JSON string for the iOS sample.
        Assert.Equal(["apiKey", "sessionId", "token", "role", "expiresAt"], json.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal(JsonValueKind.String, json.RootElement.GetProperty("apiKey").ValueKind);
        return JsonSerializer.Deserialize<Credentials>(raw, JsonSerializerOptions.Web)!;
    }

    /// <summary>Verifies the T1 signature with HMAC-SHA1 and returns the signed fields.</summary>
    public static Dictionary<string, string> VerifyT1(string token, string apiKey, string apiSecret)
    {
        Assert.StartsWith("T1==", token, StringComparison.Ordinal);
        var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(token[4..]));
        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        var header = QueryHelpers.ParseQuery(decoded[..colon]);
        var data = decoded[(colon + 1)..];

        Assert.Equal(apiKey, header["partner_id"].ToString());
        var signature = Convert.ToHexStringLower(HMACSHA1.HashData(Encoding.UTF8.GetBytes(apiSecret), Encoding.UTF8.GetBytes(data)));
        Assert.Equal(signature, header["sig"].ToString());
        return QueryHelpers.ParseQuery(data).ToDictionary(p => p.Key, p => p.Value.ToString());
    }

    /// <summary>Validates a JWT client token's signature and issuer with Microsoft.IdentityModel; returns it.</summary>
    public static async Task<JsonWebToken> VerifyJwtAsync(string token, string apiKey, string apiSecret)
    {
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            IssuerSigningKey = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(apiSecret)),
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            ValidIssuer = apiKey,
            ValidateAudience = false,
            ValidateLifetime = false, // the tests compare iat/exp with their own clock
        });
        Assert.True(result.IsValid, result.Exception?.Message);
        return (JsonWebToken)result.SecurityToken;
    }
}
