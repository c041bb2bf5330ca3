using Microsoft.Extensions.Options;
using ReconnectionFunctions.OpenTok;

namespace ReconnectionFunctions.Credentials;

/// <summary>The <c>OpenTok:*</c> settings: which project to mint for and where its REST API is.</summary>
public sealed class OpenTokSettings
{
    public const string Section = "OpenTok";

    /// <summary>The preview environment the seed README points server code at.</summary>
    public static readonly Uri PreviewApiUrl = new("https://anvil-preview.opentok.com");

    public string? ApiKey { get; set; }
    public string? ApiSecret { get; set; }
    public Uri ApiUrl { get; set; } = PreviewApiUrl;
    public TokenFormat TokenFormat { get; set; } = TokenFormat.T1;

    /// <summary>A fixed session for <c>GET /api/session</c>, as the preview samples hard-code one.</summary>
    public string? SessionId { get; set; }

    public MediaMode MediaMode { get; set; } = MediaMode.Routed;

    /// <summary>How long one REST call to OpenTok may take before the caller gets a 504.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    public bool HasCredentials => !string.IsNullOrWhiteSpace(ApiKey) && !string.IsNullOrEmpty(ApiSecret);
}

/// <summary>Start-up checks, so a bad setting stops the app with its name instead of failing a request.</summary>
public sealed class OpenTokSettingsValidator : IValidateOptions<OpenTokSettings>
{
    public ValidateOptionsResult Validate(string? name, OpenTokSettings settings)
    {
        var failures = new List<string>();
        var hasKey = !string.IsNullOrWhiteSpace(settings.ApiKey);
        var hasSecret = !string.IsNullOrEmpty(settings.ApiSecret);
        if (hasKey && !settings.ApiKey!.All(char.IsAsciiDigit))
        {
            failures.Add("OpenTok:ApiKey must be the numeric API key of an OpenTok project.");
        }
        if (hasKey != hasSecret)
        {
            failures.Add("OpenTok:ApiKey and OpenTok:ApiSecret must be set together.");
        }
        if (settings.ApiUrl is not { IsAbsoluteUri: true } url || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp)
            || !string.IsNullOrEmpty(url.Query))
        {
            failures.Add("OpenTok:ApiUrl must be an absolute http(s) URL without a query, such as https://anvil-preview.opentok.com.");
        }
        if (!Enum.IsDefined(settings.TokenFormat))
        {
            failures.Add("OpenTok:TokenFormat must be T1 or JWT.");
        }
        if (!Enum.IsDefined(settings.MediaMode))
        {
            failures.Add("OpenTok:MediaMode must be routed or relayed.");
        }
        if (settings.RequestTimeout <= TimeSpan.Zero || settings.RequestTimeout > TimeSpan.FromMinutes(2))
        {
            failures.Add("OpenTok:RequestTimeout must be more than 0 and at most 00:02:00.");
        }
        if (!string.IsNullOrEmpty(settings.SessionId))
        {
            if (!hasKey)
            {
                failures.Add("OpenTok:SessionId needs OpenTok:ApiKey and OpenTok:ApiSecret.");
            }
            else if (!SessionIds.BelongsTo(settings.SessionId, settings.ApiKey!))
            {
                failures.Add("OpenTok:SessionId is not a session of the project OpenTok:ApiKey names.");
            }
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
