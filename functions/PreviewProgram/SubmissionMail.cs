using System.Text;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using Azure.Data.Tables;
using ReconnectionFunctions.Notifications;

namespace ReconnectionFunctions.PreviewProgram;

/// <summary>
/// Writes the beta team's mail for a stored submission, from the row alone (so a retry days later
/// sends the same message). The subject is a fixed template with a little user text made safe for
/// a header; user text is HTML-encoded in the HTML part and plain in the text part.
/// </summary>
public sealed class SubmissionMail(SubmissionKind kind) : IMailSource
{
    public const int MaxSubjectLength = 120;
    private const string SubjectPrefix = "[Automatic Reconnection preview] ";

    public string TableName => kind.TableName;

    public MailMessage Compose(TableEntity row)
    {
        var id = row.GetString(SubmissionStore.Columns.Id) ?? row.RowKey;
        var revision = row.GetInt32(SubmissionStore.Columns.Revision) ?? 1;
        var submittedAt = row.GetDateTimeOffset(SubmissionStore.Columns.SubmittedAt);
        var replyTo = row.GetString("email") is { } email && MailAddresses.IsPlain(email) ? email : null;

        var heading = kind == Forms.JoinRequest
            ? (revision > 1 ? $"Join request updated (revision {revision})" : "Join request")
            : "Feedback";
        var subject = MailText.OneLine(SubjectPrefix + heading + ": " + Summary(row), MaxSubjectLength);

        var text = new StringBuilder()
            .Append(heading).Append('\n')
            .Append("Reference: ").Append(id).Append('\n')
            .Append("Submitted: ").Append(submittedAt?.ToString("u")).Append("\n\n");
        var html = new StringBuilder()
            .Append("<!doctype html><html><body style=\"font-family:sans-serif\">")
            .Append("<h1 style=\"font-size:1.2em\">").Append(Encode(heading)).Append("</h1>")
            .Append("<p>Reference: ").Append(Encode(id)).Append("<br>Submitted: ").Append(Encode(submittedAt?.ToString("u") ?? "")).Append("</p>")
            .Append("<table cellpadding=\"6\" style=\"border-collapse:collapse\">");
        foreach (var field in kind.Fields)
        {
            var value = Display(field, row);
            if (value is null)
            {
                continue;
            }
            text.Append(field.Label).Append('\n').Append(Indent(value)).Append("\n\n");
            html.Append("<tr><th align=\"left\" valign=\"top\" style=\"border-top:1px solid #ccc\">").Append(Encode(field.Label))
                .Append("</th><td style=\"border-top:1px solid #ccc;white-space:pre-wrap\">").Append(Encode(value)).Append("</td></tr>");
        }
        html.Append("</table>");
        if (replyTo is not null)
        {
            text.Append("Reply to this mail to answer ").Append(replyTo).Append('\n');
            html.Append("<p>Reply to this mail to answer ").Append(Encode(replyTo)).Append(".</p>");
        }
        html.Append("</body></html>");

        var tags = new Dictionary<string, string> { ["kind"] = kind.Name, ["submissionId"] = id, ["revision"] = revision.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        return new MailMessage($"{kind.Name}-{id}-r{revision}", subject, text.ToString(), html.ToString(), replyTo, tags);
    }

    /// <summary>The subject's only user text: who asked (join) or the three answers (feedback).</summary>
    private string Summary(TableEntity row)
    {
        if (kind == Forms.JoinRequest)
        {
            var who = MailText.OneLine(row.GetString("name") ?? row.GetString("email"), 40);
            var company = MailText.OneLine(row.GetString("company"), 30);
            var platforms = row.GetString("platforms");
            return who + (company.Length > 0 ? $" ({company})" : "") + (platforms is null ? "" : $" [{platforms}]");
        }
        return $"connectivity {row.GetString("solvesConnectivity") ?? "-"}, API {row.GetString("apiFitsUseCase") ?? "-"}, " +
               $"performance {row.GetString("performsAsExpected") ?? "-"}" + (row.GetString("platform") is { } platform ? $" on {platform}" : "");
    }

    private static string? Display(FieldSpec field, TableEntity row) => field.Kind switch
    {
        FieldKind.Consent => row.GetBoolean(field.Name) == true ? "Yes" : null,
        FieldKind.Choices => row.GetString(field.Name) is { } list
            ? string.Join(", ", list.Split(',').Select(v => field.Choices!.FirstOrDefault(c => c.Value == v)?.Label ?? v))
            : null,
        FieldKind.Choice => row.GetString(field.Name) is { } value ? field.Choices!.FirstOrDefault(c => c.Value == value)?.Label ?? value : null,
        _ => row.GetString(field.Name),
    };

    private static string Indent(string value) => "  " + value.Replace("\n", "\n  ", StringComparison.Ordinal);

    private static readonly HtmlEncoder Html = HtmlEncoder.Create(UnicodeRanges.All);

    private static string Encode(string value) => Html.Encode(value);
}
