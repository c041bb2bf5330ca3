using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Microsoft.AspNetCore.Http;

namespace ReconnectionFunctions.Hosting;

/// <summary>
/// A per-client fixed window (one hour) counted in Table Storage, so the limit holds across every
/// instance of the app. Clients are kept as a hash of their address, never the address itself.
/// </summary>
public sealed class ClientRateLimiter(AppTables tables, TimeProvider time)
{
    public const string TableName = "ratelimits";
    private static readonly TimeSpan Window = TimeSpan.FromHours(1);

    /// <summary>Counts one use; null when allowed, else how long until the window resets.</summary>
    public async Task<TimeSpan?> TryAcquireAsync(string scope, string client, int perHour, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var windowStart = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, 0, 0, TimeSpan.Zero);
        var clientKey = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(client)))[..32];
        var partition = $"{scope}-{clientKey[..2]}";
        var row = $"{clientKey}-{windowStart.ToString("yyyyMMddHH", CultureInfo.InvariantCulture)}";
        var table = await tables.GetAsync(TableName, cancellationToken);

        // Optimistic concurrency: requests racing on one counter retry, a little apart, until their increment lands.
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var existing = await table.GetEntityIfExistsAsync<TableEntity>(partition, row, cancellationToken: cancellationToken);
            try
            {
                if (!existing.HasValue)
                {
                    await table.AddEntityAsync(new TableEntity(partition, row) { ["Count"] = 1, ["WindowEnds"] = windowStart + Window }, cancellationToken);
                    return perHour >= 1 ? null : windowStart + Window - now;
                }
                var entity = existing.Value!;
                var count = entity.GetInt32("Count") ?? 0;
                if (count >= perHour)
                {
                    return windowStart + Window - now;
                }
                entity["Count"] = count + 1;
                await table.UpdateEntityAsync(entity, entity.ETag, TableUpdateMode.Replace, cancellationToken);
                return null;
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412)
            {
                // Another request counted first: read again after a short random pause, so racers spread out.
                await Task.Delay(Random.Shared.Next(1, 2 << Math.Min(attempt, 5)), cancellationToken);
            }
        }
        throw new InvalidOperationException("The rate limit counter stayed contended.");
    }
}

/// <summary>
/// The client's address. Behind the Functions host (or any local proxy) the direct peer is a
/// loopback address, and the client is the last address the trusted front end appended to
/// <c>X-Forwarded-For</c>; otherwise the client is the direct peer.
/// </summary>
public static class ClientAddress
{
    public static string Of(HttpRequest request)
    {
        var peer = request.HttpContext.Connection.RemoteIpAddress;
        if (peer is null || IPAddress.IsLoopback(peer))
        {
            var forwarded = request.Headers["X-Forwarded-For"].ToString().Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            if (forwarded.Length > 0 && Parse(forwarded[^1]) is { } client)
            {
                return client.ToString();
            }
        }
        return peer?.ToString() ?? "unknown";
    }

    /// <summary>"203.0.113.7", "203.0.113.7:5123", "[2001:db8::1]:443" or "2001:db8::1".</summary>
    private static IPAddress? Parse(string entry)
    {
        if (IPAddress.TryParse(entry, out var address))
        {
            return address;
        }
        return IPEndPoint.TryParse(entry, out var endpoint) ? endpoint.Address : null;
    }
}
