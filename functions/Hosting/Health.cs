using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ReconnectionFunctions.Hosting;

/// <summary><c>GET /api/health</c>: 200 when every check passes, else 503, with each check listed and no secrets.</summary>
public sealed class HealthFunction(HealthCheckService health)
{
    [Function("Health")]
    public async Task<IResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        var report = await health.CheckHealthAsync(cancellationToken);
        var checks = new JsonObject();
        foreach (var (name, entry) in report.Entries)
        {
            var check = new JsonObject { ["status"] = StatusName(entry.Status) };
            if (entry.Description is not null)
            {
                check["description"] = entry.Description;
            }
            foreach (var (key, value) in entry.Data)
            {
                check[key] = JsonValue.Create(value);
            }
            checks[name] = check;
        }
        var body = new JsonObject { ["status"] = StatusName(report.Status), ["checks"] = checks };
        var status = report.Status == HealthStatus.Healthy ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable;
        return TypedResults.Text(body.ToJsonString(), "application/json", statusCode: status);
    }

    private static string StatusName(HealthStatus status) => status switch
    {
        HealthStatus.Healthy => "healthy",
        HealthStatus.Degraded => "degraded",
        _ => "unhealthy",
    };
}

/// <summary>Storage answers a table listing within a few seconds.</summary>
public sealed class StorageHealthCheck(AppTables tables) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(5));
        try
        {
            await foreach (var _ in tables.Service.QueryAsync(maxPerPage: 1, cancellationToken: deadline.Token).AsPages())
            {
                break;
            }
            return HealthCheckResult.Healthy("Table Storage answered.");
        }
        catch (Exception e) when (StorageFailures.IsUnavailable(e) || e is OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("Table Storage did not answer.");
        }
    }
}
