using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ReconnectionFunctions.Hosting;

/// <summary>
/// What both hosts answer when a function throws: 503 with <c>Retry-After</c> when storage is
/// unavailable, otherwise a 500 problem without any detail of the failure.
/// </summary>
public static partial class FailureResults
{
    public static readonly TimeSpan StorageRetryAfter = TimeSpan.FromSeconds(5);

    public static IResult For(Exception exception, ILogger logger)
    {
        if (StorageFailures.IsUnavailable(exception))
        {
            LogStorageUnavailable(logger, exception);
            return Problems.Status(StatusCodes.Status503ServiceUnavailable, "Storage is unavailable.",
                "The service could not reach its storage; nothing was saved. Try again shortly.", StorageRetryAfter);
        }
        LogUnexpected(logger, exception);
        return Problems.Status(StatusCodes.Status500InternalServerError, "Unexpected error.",
            "The service failed to answer this request. Try again; if it keeps failing, tell the preview team.");
    }

    [LoggerMessage(LogLevel.Warning, "Storage is unavailable")]
    private static partial void LogStorageUnavailable(ILogger logger, Exception exception);

    [LoggerMessage(LogLevel.Error, "A function failed")]
    private static partial void LogUnexpected(ILogger logger, Exception exception);
}
