using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace ReconnectionFunctions.Notifications;

/// <summary>Says where submissions are mailed: SendGrid (its host) or the local mail drop (its folder). Never the key.</summary>
public sealed class EmailHealthCheck(IMailSender sender, IOptions<NotificationSettings> notifications, IOptions<SendGridSettings> sendGrid) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object>
        {
            ["mode"] = sender.Mode,
            ["betaAddress"] = notifications.Value.BetaAddress,
        };
        if (sender is MailDropSender drop)
        {
            data["mailDropDirectory"] = drop.Directory;
        }
        else
        {
            data["sendGridHost"] = sendGrid.Value.Host.AbsoluteUri;
        }
        return Task.FromResult(HealthCheckResult.Healthy(
            sender is MailDropSender ? "No SendGrid key: mail is written to the mail-drop folder." : "Mail goes through SendGrid.", data));
    }
}
