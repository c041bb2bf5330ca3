using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using ReconnectionFunctions.Hosting;
using ReconnectionFunctions.Notifications;

namespace ReconnectionFunctions.PreviewProgram;

/// <summary>The <c>Submissions:*</c> settings.</summary>
public sealed class SubmissionSettings
{
    public const string Section = "Submissions";

    /// <summary>Join requests and feedback accepted per client address per hour, across all instances.</summary>
    public int PerClientPerHour { get; set; } = 30;
}

/// <summary>What a JSON caller gets once its submission is stored.</summary>
public sealed record SubmissionReceipt(string Id, string Status);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(SubmissionReceipt))]
public sealed partial class PreviewProgramJson : JsonSerializerContext;

/// <summary>
/// <c>POST /api/join-requests</c> and <c>POST /api/feedback</c>: JSON (202 with the id once stored)
/// or a plain form post (a thank-you page, or the form again with its errors and the input kept).
/// </summary>
public sealed class SubmissionFunctions(
    SubmissionValidator validator,
    SubmissionStore store,
    ClientRateLimiter limiter,
    MailDispatcher mail,
    IOptions<SubmissionSettings> settings,
    TimeProvider time)
{
    public const string IdempotencyHeader = "Idempotency-Key";
    public const string ReplayedHeader = "Idempotent-Replayed";

    [Function("SubmitJoinRequest")]
    public Task<IResult> SubmitJoinRequest(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "join-requests")] HttpRequest request,
        CancellationToken cancellationToken) => SubmitAsync(Forms.JoinRequest, request, cancellationToken);

    [Function("SubmitFeedback")]
    public Task<IResult> SubmitFeedback(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "feedback")] HttpRequest request,
        CancellationToken cancellationToken) => SubmitAsync(Forms.Feedback, request, cancellationToken);

    private async Task<IResult> SubmitAsync(SubmissionKind kind, HttpRequest request, CancellationToken cancellationToken)
    {
        var isForm = FormBody.IsForm(request.ContentType);
        if (!isForm && !JsonBody.IsJson(request.ContentType))
        {
            return JsonBody.UnsupportedType("Send application/json (UTF-8), or post the web form (application/x-www-form-urlencoded).").ToResult();
        }
        var answer = new Answer(kind, isForm);

        var idempotencyKey = request.Headers[IdempotencyHeader].ToString();
        if (idempotencyKey.Length > 0 && (idempotencyKey.Length > 255 || idempotencyKey.Any(c => c is < '!' or > '~')))
        {
            return answer.Refused(Problem.Invalid(IdempotencyHeader, "Must be 1 to 255 visible ASCII characters, such as a UUID."));
        }

        SubmissionCheck check;
        if (isForm)
        {
            var form = await FormBody.ReadAsync(request, cancellationToken);
            if (form.Problem is not null)
            {
                return answer.Refused(form.Problem);
            }
            answer.Posted = form.Value;
            check = validator.FromForm(kind, form.Value!);
        }
        else
        {
            var json = await JsonBody.ReadObjectAsync(request, cancellationToken);
            if (json.Problem is not null)
            {
                return answer.Refused(json.Problem);
            }
            using var document = json.Value!;
            check = validator.FromJson(kind, document.RootElement);
        }

        if (check.IsHoneypot)
        {
            // Answer as if stored, so the bot learns nothing; keep nothing.
            return answer.Accepted(SubmissionIds.New(time.GetUtcNow()));
        }
        if (check.Submission is not { } submission)
        {
            return answer.Refused(Problem.Invalid(check.Errors));
        }

        try
        {
            var key = idempotencyKey.Length > 0 ? idempotencyKey : null;
            // A retry of a stored submission gets its first answer, and does not count against the limit.
            if (key is not null && await store.FindReplayAsync(submission, key, cancellationToken) is { } firstId)
            {
                request.HttpContext.Response.Headers[ReplayedHeader] = "true";
                return answer.Accepted(firstId);
            }
            if (await limiter.TryAcquireAsync("submissions", ClientAddress.Of(request), settings.Value.PerClientPerHour, cancellationToken) is { } wait)
            {
                return answer.Refused(new Problem(StatusCodes.Status429TooManyRequests, "Too many submissions.",
                    $"This address has sent {settings.Value.PerClientPerHour} submissions this hour. Try again in {Math.Ceiling(wait.TotalMinutes)} minutes.",
                    RetryAfter: wait));
            }

            switch (await store.StoreAsync(submission, key, cancellationToken))
            {
                case StoreOutcome.Stored stored:
                    if (stored.MailDue)
                    {
                        mail.Enqueue(kind.TableName, stored.PartitionKey, stored.RowKey);
                    }
                    return answer.Accepted(stored.Id);
                case StoreOutcome.Replayed replayed:
                    request.HttpContext.Response.Headers[ReplayedHeader] = "true";
                    return answer.Accepted(replayed.Id);
                default:
                    return answer.Refused(new Problem(StatusCodes.Status422UnprocessableEntity, "Idempotency-Key already used.",
                        "This Idempotency-Key was sent before with a different submission. Use a new key for a new submission."));
            }
        }
        catch (Exception e) when (StorageFailures.IsUnavailable(e))
        {
            return answer.Refused(new Problem(StatusCodes.Status503ServiceUnavailable, "Storage is unavailable.",
                "Your submission could not be saved, so nothing was kept. Please send it again in a moment.", RetryAfter: FailureResults.StorageRetryAfter));
        }
    }

    /// <summary>Answers in the caller's language: JSON for API callers, HTML for a form post.</summary>
    private sealed class Answer(SubmissionKind kind, bool isForm)
    {
        public IReadOnlyDictionary<string, StringValues>? Posted { get; set; }

        public IResult Accepted(string id) => isForm
            ? FormPages.Received(kind, id)
            : TypedResults.Json(new SubmissionReceipt(id, "received"), PreviewProgramJson.Default.SubmissionReceipt, statusCode: StatusCodes.Status202Accepted);

        public IResult Refused(Problem problem) => isForm ? FormPages.Form(kind, Posted, problem, answeringPost: true) : problem.ToResult();
    }
}

/// <summary><c>GET /api/forms/join</c> and <c>GET /api/forms/feedback</c>: the web forms.</summary>
public sealed class FormFunctions
{
    [Function("JoinForm")]
    public IResult JoinForm([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "forms/join")] HttpRequest request) =>
        FormPages.Form(Forms.JoinRequest);

    [Function("FeedbackForm")]
    public IResult FeedbackForm([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "forms/feedback")] HttpRequest request) =>
        FormPages.Form(Forms.Feedback);
}
