using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace ReconnectionFunctions.Hosting;

/// <summary>
/// The problem+json answers (RFC 9457) every route uses: a title that names the kind of failure,
/// a detail that says what to do, and for bad input the fields at fault with the reason for each.
/// </summary>
public static class Problems
{
    public static IResult Validation(IDictionary<string, string[]> errors) =>
        TypedResults.ValidationProblem(errors,
            title: "The request is not valid.",
            detail: "See errors for each field that was refused and why.");

    public static IResult Validation(string field, string message) =>
        Validation(new Dictionary<string, string[]> { [field] = [message] });

    public static IResult Status(int status, string title, string detail, TimeSpan? retryAfter = null)
    {
        var problem = TypedResults.Problem(detail: detail, statusCode: status, title: title);
        return retryAfter is { } wait ? new RetryAfterResult(problem, wait) : problem;
    }

    /// <summary>Adds <c>Retry-After</c> (whole seconds) to a problem answer.</summary>
    private sealed class RetryAfterResult(IResult inner, TimeSpan wait) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
            httpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            return inner.ExecuteAsync(httpContext);
        }
    }
}
