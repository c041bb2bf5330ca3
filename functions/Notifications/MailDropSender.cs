using System.Text;
using Microsoft.Extensions.Options;

namespace ReconnectionFunctions.Notifications;

/// <summary>
/// Without a SendGrid key: each message becomes one .eml file (readable as text, opens in a mail
/// client) in the mail-drop folder, named by its reference so a retry rewrites rather than doubles.
/// </summary>
public sealed class MailDropSender(IOptions<NotificationSettings> settings, TimeProvider time) : IMailSender
{
    public string Mode => "maildrop";

    public string Directory => Path.GetFullPath(settings.Value.MailDropDirectory);

    public async Task<MailOutcome> SendAsync(MailMessage message, CancellationToken cancellationToken)
    {
        System.IO.Directory.CreateDirectory(Directory);
        var path = Path.Combine(Directory, message.Reference + ".eml");
        var boundary = "=_" + Guid.NewGuid().ToString("N");
        var eml = new StringBuilder()
            .Append("Date: ").Append(time.GetUtcNow().ToString("r")).Append("\r\n")
            .Append("From: ").Append(settings.Value.FromAddress).Append("\r\n")
            .Append("To: ").Append(settings.Value.BetaAddress).Append("\r\n");
        if (message.ReplyTo is not null)
        {
            eml.Append("Reply-To: ").Append(message.ReplyTo).Append("\r\n");
        }
        eml.Append("Subject: =?utf-8?B?").Append(Convert.ToBase64String(Encoding.UTF8.GetBytes(message.Subject))).Append("?=\r\n")
            .Append("X-Reference: ").Append(message.Reference).Append("\r\n")
            .Append("MIME-Version: 1.0\r\n")
            .Append("Content-Type: multipart/alternative; boundary=\"").Append(boundary).Append("\"\r\n\r\n")
            .Append("--").Append(boundary).Append("\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n")
            .Append(message.Text.ReplaceLineEndings("\r\n")).Append("\r\n")
            .Append("--").Append(boundary).Append("\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n")
            .Append(message.Html.ReplaceLineEndings("\r\n")).Append("\r\n")
            .Append("--").Append(boundary).Append("--\r\n");

        // Write then move, so a reader never sees half a message.
        var temporary = path + ".tmp";
        await File.WriteAllTextAsync(temporary, eml.ToString(), new UTF8Encoding(false), cancellationToken);
        File.Move(temporary, path, overwrite: true);
        return new MailOutcome.Sent(path);
    }
}
