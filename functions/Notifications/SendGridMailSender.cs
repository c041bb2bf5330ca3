using System.Globalization;
using System.Net;
using Microsoft.Extensions.Options;
using SendGrid;
using SendGrid.Helpers.Mail;

namespace ReconnectionFunctions.Notifications;

/// <summary>Sends through SendGrid's v3 API with the official client over an injected HttpClient.</summary>
public sealed class SendGridMailSender(SendGridClient client, IOptions<NotificationSettings> settings, TimeProvider time) : IMailSender
{
    public const string HttpClientName = "SendGrid";

    public string Mode => "sendgrid";

    public async Task<MailOutcome> SendAsync(MailMessage message, CancellationToken cancellationToken)
    {
        var mail = new SendGridMessage
        {
            From = new EmailAddress(settings.Value.FromAddress, "Automatic Reconnection preview"),
            Subject = message.Subject,
            PlainTextContent = message.Text,
            HtmlContent = message.Html,
            CustomArgs = message.Tags.ToDictionary(t => t.Key, t => t.Value),
        };
        mail.AddTo(new EmailAddress(settings.Value.BetaAddress));
        if (message.ReplyTo is not null)
        {
            mail.ReplyTo = new EmailAddress(message.ReplyTo);
        }

        Response response;
        try
        {
            response = await client.SendEmailAsync(mail, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            return new MailOutcome.RetryLater($"SendGrid could not be reached: {e.Message}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new MailOutcome.RetryLater("SendGrid did not answer in time.");
        }

        var status = (int)response.StatusCode;
        if (response.IsSuccessStatusCode)
        {
            return new MailOutcome.Sent(response.Headers.TryGetValues("X-Message-Id", out var ids) ? ids.FirstOrDefault() : null);
        }
        var error = $"SendGrid answered {status} {response.StatusCode}";
        return response.StatusCode switch
        {
            HttpStatusCode.TooManyRequests => new MailOutcome.RetryLater(error, RateLimitReset(response)),
            HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden or HttpStatusCode.RequestTimeout => new MailOutcome.RetryLater(error),
            _ when status >= 500 => new MailOutcome.RetryLater(error),
            _ => new MailOutcome.Rejected(error),
        };
    }

    /// <summary>SendGrid's <c>X-RateLimit-Reset</c> (Unix seconds), or <c>Retry-After</c>.</summary>
    private DateTimeOffset? RateLimitReset(Response response)
    {
        if (response.Headers.TryGetValues("X-RateLimit-Reset", out var resets)
            && long.TryParse(resets.FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var unix))
        {
            return DateTimeOffset.FromUnixTimeSeconds(unix);
        }
        return response.Headers.RetryAfter?.Delta is { } delay ? time.GetUtcNow() + delay : null;
    }
}
