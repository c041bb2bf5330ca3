using System.Net.Mail;
using Microsoft.Extensions.Options;

namespace ReconnectionFunctions.Notifications;

/// <summary>The <c>Notifications:*</c> settings: who receives submissions, and how hard to try.</summary>
public sealed class NotificationSettings
{
    public const string Section = "Notifications";

    public string BetaAddress { get; set; } = "automatic-reconnection-beta@tokbox.com";
    public string FromAddress { get; set; } = "no-reply@tokbox.com";

    /// <summary>Where mail goes when no SendGrid key is set: one .eml file per message.</summary>
    public string MailDropDirectory { get; set; } = ".maildrop";

    /// <summary>Attempts per message before automatic retries stop (about two days with the backoff).</summary>
    public int MaxAttempts { get; set; } = 50;
}

/// <summary>The <c>SendGrid:*</c> settings.</summary>
public sealed class SendGridSettings
{
    public const string Section = "SendGrid";

    public string? ApiKey { get; set; }
    public Uri Host { get; set; } = new("https://api.sendgrid.com");

    public bool IsConfigured => !string.IsNullOrWhiteSpace(ApiKey);
}

public sealed class NotificationSettingsValidator : IValidateOptions<NotificationSettings>, IValidateOptions<SendGridSettings>
{
    public ValidateOptionsResult Validate(string? name, NotificationSettings settings)
    {
        var failures = new List<string>();
        if (!MailAddresses.IsPlain(settings.BetaAddress))
        {
            failures.Add("Notifications:BetaAddress must be one plain email address.");
        }
        if (!MailAddresses.IsPlain(settings.FromAddress))
        {
            failures.Add("Notifications:FromAddress must be one plain email address.");
        }
        if (string.IsNullOrWhiteSpace(settings.MailDropDirectory))
        {
            failures.Add("Notifications:MailDropDirectory must name a folder.");
        }
        if (settings.MaxAttempts is < 1 or > 1000)
        {
            failures.Add("Notifications:MaxAttempts must be between 1 and 1000.");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    public ValidateOptionsResult Validate(string? name, SendGridSettings settings) =>
        settings.Host is { IsAbsoluteUri: true } host && (host.Scheme == Uri.UriSchemeHttps || host.Scheme == Uri.UriSchemeHttp)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail("SendGrid:Host must be an absolute http(s) URL such as https://api.sendgrid.com.");
}

/// <summary>Email addresses as this service accepts them: one bare address, nothing that could smuggle a header.</summary>
public static class MailAddresses
{
    public const int MaxLength = 254;

    public static bool IsPlain(string? address)
    {
        if (string.IsNullOrEmpty(address) || address.Length > MaxLength || address.Any(c => char.IsControl(c) || char.IsWhiteSpace(c))
            || address.IndexOfAny(['<', '>', '"', ',', ';', '(', ')', '[', ']', '\\']) >= 0)
        {
            return false;
        }
        if (!MailAddress.TryCreate(address, out var parsed) || parsed.Address != address || !string.IsNullOrEmpty(parsed.DisplayName))
        {
            return false;
        }
        var at = address.LastIndexOf('@');
        var domain = address[(at + 1)..];
        return at > 0 && domain.Contains('.', StringComparison.Ordinal) && !domain.StartsWith('.') && !domain.EndsWith('.');
    }

    /// <summary>The form two submissions from one person share: trimmed and lower-cased.</summary>
    public static string Normalize(string address) => address.Trim().ToLowerInvariant();
}
