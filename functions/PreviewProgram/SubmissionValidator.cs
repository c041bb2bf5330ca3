using System.Text.Json;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using ReconnectionFunctions.Credentials;
using ReconnectionFunctions.Notifications;
using ReconnectionFunctions.OpenTok;

namespace ReconnectionFunctions.PreviewProgram;

/// <summary>What reading a submission gave: the submission, a filled honeypot, or the fields at fault.</summary>
public sealed record SubmissionCheck(Submission? Submission, bool IsHoneypot, IReadOnlyDictionary<string, string[]> Errors);

/// <summary>
/// Turns a JSON body or a form post into a <see cref="Submission"/>, with one message per field at
/// fault. Both paths meet in the same rules, so a form post and a JSON post carry the same data.
/// </summary>
public sealed class SubmissionValidator(IOptions<OpenTokSettings> openTok)
{
    public SubmissionCheck FromJson(SubmissionKind kind, JsonElement body)
    {
        var raw = new Dictionary<string, object?>(StringComparer.Ordinal);
        var errors = new Dictionary<string, string[]>();
        foreach (var property in body.EnumerateObject())
        {
            var name = CanonicalName(kind, property.Name);
            if (name is null)
            {
                errors[property.Name] = ["This field is not part of the request."];
                continue;
            }
            if (raw.ContainsKey(name))
            {
                errors[name] = ["This field appears more than once."];
                continue;
            }
            var fieldKind = kind.Field(name)?.Kind ?? FieldKind.Line;
            var value = property.Value;
            switch (fieldKind)
            {
                case FieldKind.Choices when value.ValueKind == JsonValueKind.Array && value.EnumerateArray().All(v => v.ValueKind == JsonValueKind.String):
                    raw[name] = value.EnumerateArray().Select(v => TextOf(v) ?? "").ToList();
                    break;
                case FieldKind.Choices when value.ValueKind != JsonValueKind.Null:
                    errors[name] = ["Must be an array of strings."];
                    break;
                case FieldKind.Consent when value.ValueKind is JsonValueKind.True or JsonValueKind.False:
                    raw[name] = value.GetBoolean();
                    break;
                case FieldKind.Consent when value.ValueKind != JsonValueKind.Null:
                    errors[name] = ["Must be true or false."];
                    break;
                case not (FieldKind.Choices or FieldKind.Consent) when value.ValueKind == JsonValueKind.String && TextOf(value) is null:
                    errors[name] = ["This text is not valid Unicode."];
                    break;
                case not (FieldKind.Choices or FieldKind.Consent) when value.ValueKind == JsonValueKind.String:
                    raw[name] = TextOf(value);
                    break;
                case not (FieldKind.Choices or FieldKind.Consent) when value.ValueKind != JsonValueKind.Null:
                    errors[name] = ["Must be a string."];
                    break;
                default:
                    raw[name] = null;
                    break;
            }
        }
        return Check(kind, raw, errors);
    }

    public SubmissionCheck FromForm(SubmissionKind kind, IReadOnlyDictionary<string, StringValues> form)
    {
        var raw = new Dictionary<string, object?>(StringComparer.Ordinal);
        var errors = new Dictionary<string, string[]>();
        foreach (var (key, values) in form)
        {
            var name = CanonicalName(kind, key);
            if (name is null)
            {
                errors[key] = ["This field is not part of the form."];
                continue;
            }
            switch (kind.Field(name)?.Kind ?? FieldKind.Line)
            {
                case FieldKind.Choices:
                    raw[name] = values.Where(v => !string.IsNullOrEmpty(v)).Select(v => v!).ToList();
                    break;
                case FieldKind.Consent:
                    raw[name] = values.ToString().ToLowerInvariant() is "on" or "true" or "yes" or "1";
                    break;
                case var _ when values.Count > 1:
                    errors[name] = ["This field was sent more than once."];
                    break;
                default:
                    raw[name] = values.ToString();
                    break;
            }
        }
        return Check(kind, raw, errors);
    }

    private SubmissionCheck Check(SubmissionKind kind, Dictionary<string, object?> raw, Dictionary<string, string[]> errors)
    {
        // A filled honeypot is a bot: accept it without a word, store and mail nothing.
        if (raw.GetValueOrDefault(SubmissionKind.Honeypot) is string trap && trap.Trim().Length > 0)
        {
            return new SubmissionCheck(null, true, errors);
        }

        var values = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var field in kind.Fields)
        {
            if (errors.ContainsKey(field.Name))
            {
                continue;
            }
            var (value, problem) = Normalize(field, raw.GetValueOrDefault(field.Name));
            if (problem is not null)
            {
                errors[field.Name] = [problem];
            }
            else if (value is not null)
            {
                values[field.Name] = value;
            }
        }

        if (kind == Forms.Feedback)
        {
            if (!Forms.FeedbackAnswers.Any(values.ContainsKey) && !Forms.FeedbackAnswers.Any(errors.ContainsKey))
            {
                errors["comments"] = ["Answer at least one question or leave a comment."];
            }
            if (values.GetValueOrDefault("sessionId") is string sessionId && SessionProblem(sessionId) is { } sessionProblem)
            {
                errors["sessionId"] = [sessionProblem];
            }
        }

        return errors.Count > 0
            ? new SubmissionCheck(null, false, errors)
            : new SubmissionCheck(new Submission(kind, values), false, errors);
    }

    /// <summary>The canonical value of a field, or why it is refused. Null value and null problem: not given.</summary>
    private static (object? Value, string? Problem) Normalize(FieldSpec field, object? raw)
    {
        switch (field.Kind)
        {
            case FieldKind.Consent:
                return raw is true ? (true, null) : (null, field.Required ? "Tick this box to continue." : null);

            case FieldKind.Choices:
                var picked = new List<string>();
                foreach (var item in raw as List<string> ?? [])
                {
                    var choice = field.Choices!.FirstOrDefault(c => string.Equals(c.Value, item.Trim(), StringComparison.OrdinalIgnoreCase));
                    if (choice is null)
                    {
                        return (null, $"Choose from {string.Join(", ", field.Choices!.Select(c => c.Value))}.");
                    }
                    if (!picked.Contains(choice.Value))
                    {
                        picked.Add(choice.Value);
                    }
                }
                return picked.Count > 0 ? (picked.ToArray(), null) : (null, field.Required ? "Choose at least one." : null);
        }

        var text = (raw as string)?.ReplaceLineEndings("\n").Trim();
        if (string.IsNullOrEmpty(text))
        {
            return (null, field.Required ? "This field is required." : null);
        }
        if (!OpenTok.FormEncoding.IsEncodable(text))
        {
            return (null, "This text is not valid Unicode.");
        }
        if (text.Any(c => char.IsControl(c) && (field.Kind != FieldKind.Text || c is not ('\n' or '\t'))))
        {
            return (null, field.Kind == FieldKind.Text ? "This text contains control characters." : "This field takes a single line of text.");
        }
        if (text.Length > field.MaxLength)
        {
            return (null, $"At most {field.MaxLength} characters; this has {text.Length}.");
        }

        switch (field.Kind)
        {
            case FieldKind.Email:
                return MailAddresses.IsPlain(text) ? (MailAddresses.Normalize(text), null) : (null, "Enter an email address such as name@example.com.");
            case FieldKind.Choice:
                var choice = field.Choices!.FirstOrDefault(c => string.Equals(c.Value, text, StringComparison.OrdinalIgnoreCase));
                return choice is null ? (null, $"Choose one of {string.Join(", ", field.Choices!.Select(c => c.Value))}.") : (choice.Value, null);
            default:
                return (text, null);
        }
    }

    /// <summary>Feedback may name a session only if it is one of this service's project.</summary>
    private string? SessionProblem(string sessionId)
    {
        if (!SessionIds.TryGetApiKey(sessionId, out var apiKey))
        {
            return "This is not an OpenTok session id.";
        }
        var ours = openTok.Value.ApiKey;
        return string.IsNullOrEmpty(ours) || apiKey == ours ? null : "This session was not created by this service.";
    }

    /// <summary>A JSON string's text, or null when it escapes a lone surrogate (not text at all).</summary>
    private static string? TextOf(JsonElement value)
    {
        try
        {
            return value.GetString();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    private static string? CanonicalName(SubmissionKind kind, string name) =>
        string.Equals(name, SubmissionKind.Honeypot, StringComparison.OrdinalIgnoreCase) ? SubmissionKind.Honeypot : kind.Field(name)?.Name;
}
