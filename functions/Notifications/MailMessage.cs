using System.Text;

namespace ReconnectionFunctions.Notifications;

/// <summary>
/// One notification to the beta team. The recipient and sender come from settings, never from
/// here: a submitter's address can only ever be the Reply-To.
/// </summary>
/// <param name="Reference">Stable per message (kind, id, revision): names its mail-drop file and tags it at SendGrid.</param>
public sealed record MailMessage(string Reference, string Subject, string Text, string Html, string? ReplyTo, IReadOnlyDictionary<string, string> Tags);

/// <summary>What became of one send.</summary>
public abstract record MailOutcome
{
    public sealed record Sent(string? MessageId) : MailOutcome;

    /// <summary>Failed for now; try again, not before <paramref name="NotBefore"/> when the provider says so.</summary>
    public sealed record RetryLater(string Error, DateTimeOffset? NotBefore = null) : MailOutcome;

    /// <summary>The provider refused this message; sending it again unchanged will not help.</summary>
    public sealed record Rejected(string Error) : MailOutcome;
}

public interface IMailSender
{
    /// <summary>"sendgrid" or "maildrop", for the health check.</summary>
    string Mode { get; }

    Task<MailOutcome> SendAsync(MailMessage message, CancellationToken cancellationToken);
}

/// <summary>Turns user text into safe mail parts: a header-safe one-liner, or encoded HTML.</summary>
public static class MailText
{
    /// <summary>For subjects: control characters (CR and LF among them) become spaces, runs of space collapse, length capped.</summary>
    public static string OneLine(string? text, int maxLength)
    {
        var builder = new StringBuilder(Math.Min(text?.Length ?? 0, maxLength));
        var lastWasSpace = false;
        foreach (var c in text ?? "")
        {
            var space = char.IsControl(c) || char.IsWhiteSpace(c) || c is '\u2028' or '\u2029';
            if (space && (lastWasSpace || builder.Length == 0))
            {
                continue;
            }
            builder.Append(space ? ' ' : c);
            lastWasSpace = space;
        }
        var line = builder.ToString().TrimEnd();
        if (line.Length <= maxLength)
        {
            return line;
        }
        var cut = maxLength - 1;
        if (char.IsHighSurrogate(line[cut - 1]))
        {
            cut--;
        }
        return line[..cut] + "…";
    }
}
