using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace ReconnectionFunctions.Hosting;

/// <summary>
/// A failure to tell the caller about (RFC 9457): a title that names the kind of failure, a detail
/// that says what to do, for bad input the fields at fault with the reason for each, and when
/// waiting helps, how long. JSON callers get it as problem+json; the web forms render it as HTML.
/// </summary>
public sealed record Problem(int Status, string Title, string Detail, IReadOnlyDictionary<string, string[]>? Errors = null, TimeSpan? RetryAfter = null)
{
    public static Problem Invalid(IReadOnlyDictionary<string, string[]> errors) =>
        new(StatusCodes.Status400BadRequest, "The request is not valid.", "See errors for each field that was refused and why.", errors);

    public static Problem Invalid(string field, string message) => Invalid(new Dictionary<string, string[]> { [field] = [message] });

    public IResult ToResult()
    {
        // ASP.NET Core names a type for most statuses, but not for 429.
        var type = Status == StatusCodes.Status429TooManyRequests ? "https://www.rfc-editor.org/rfc/rfc6585#section-4" : null;
        IResult result = Errors is null
            ? TypedResults.Problem(detail: Detail, statusCode: Status, title: Title, type: type)
            : TypedResults.ValidationProblem(Errors, detail: Detail, title: Title);
        return RetryAfter is { } wait ? new RetryAfterResult(result, wait) : result;
    }

    /// <summary><c>Retry-After</c> in whole seconds, at least one.</summary>
    public string? RetryAfterSeconds => RetryAfter is { } wait
        ? Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture)
        : null;

    private sealed class RetryAfterResult(IResult inner, TimeSpan wait) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            return inner.ExecuteAsync(httpContext);
        }
    }
}

/// <summary>Shorthands for the problem answers the functions return directly.</summary>
public static class Problems
{
    public static IResult Validation(IReadOnlyDictionary<string, string[]> errors) => Problem.Invalid(errors).ToResult();

    public static IResult Validation(string field, string message) => Problem.Invalid(field, message).ToResult();

    public static IResult Status(int status, string title, string detail, TimeSpan? retryAfter = null) =>
        new Problem(status, title, detail, RetryAfter: retryAfter).ToResult();
}
