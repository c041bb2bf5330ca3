using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using ReconnectionFunctions.OpenTok;

namespace ReconnectionFunctions.Credentials;

/// <summary>The OpenTok settings are complete enough to mint tokens; says where sessions are created.</summary>
public sealed class VideoServiceHealthCheck(IOptions<OpenTokSettings> options) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var settings = options.Value;
        var data = new Dictionary<string, object>
        {
            ["apiUrl"] = settings.ApiUrl.AbsoluteUri,
            ["apiKey"] = settings.ApiKey ?? "",
            ["tokenFormat"] = settings.TokenFormat == TokenFormat.Jwt ? "JWT" : "T1",
            ["mediaMode"] = settings.MediaMode.ToString().ToLowerInvariant(),
            ["fixedSession"] = !string.IsNullOrEmpty(settings.SessionId),
        };
        return Task.FromResult(settings.HasCredentials
            ? HealthCheckResult.Healthy("OpenTok API key and secret are set.", data)
            : HealthCheckResult.Unhealthy("OpenTok:ApiKey and OpenTok:ApiSecret are not set; credential routes answer 503.", data: data));
    }
}

/// <summary>Reports who can get tokens: anyone (open) or callers with the passcode; never the passcode itself.</summary>
public sealed class TokenAccessHealthCheck(TokenPolicy policy) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object>
        {
            ["mode"] = policy.RequiresPasscode ? "passcode" : "open",
            ["maxRole"] = policy.MaxRole.ToWireName(),
            ["defaultTtlSeconds"] = (long)policy.DefaultTtl.TotalSeconds,
            ["maxTtlSeconds"] = (long)policy.MaxTtl.TotalSeconds,
        };
        var description = policy.RequiresPasscode
            ? $"Credential routes need the {TokenPolicy.PasscodeHeader} header."
            : "Credential routes are open to anyone who can reach this service.";
        return Task.FromResult(HealthCheckResult.Healthy(description, data));
    }
}
