using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;
using Microsoft.Extensions.Logging;

namespace ReconnectionFunctions.Hosting;

/// <summary>
/// Under the Functions host: runs the <see cref="IResult"/> an HTTP function returns against the
/// request's <see cref="HttpContext"/>, exactly as the local server does, and turns exceptions into
/// the same problem answers. (The ASP.NET Core integration itself executes only IActionResult.)
/// </summary>
public sealed class ResultExecutionMiddleware(ILogger<ResultExecutionMiddleware> logger) : IFunctionsWorkerMiddleware
{
    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        var http = context.GetHttpContext();
        if (http is null)
        {
            await next(context);
            return;
        }

        IResult? result;
        try
        {
            await next(context);
            result = context.GetInvocationResult().Value as IResult;
        }
        catch (Exception e) when (!http.RequestAborted.IsCancellationRequested)
        {
            result = FailureResults.For(e, logger);
        }

        if (result is not null)
        {
            await result.ExecuteAsync(http);
            context.GetInvocationResult().Value = null;
        }
    }
}
