using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Azure.Data.Tables;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using ReconnectionFunctions.Benchmarks;

// The measuring half of ./run: token benchmarks, a trivial endpoint to compare against, seeding a
// room, and raw AddEntity load on the same Azurite the app uses.
return args switch
{
    ["tokens", var nodeResults, var output] => Tokens(nodeResults, output),
    ["trivial", "--urls", var urls] => await TrivialAsync(urls),
    ["seed-room", var connection, var room, var sessionId] => await SeedRoomAsync(connection, room, sessionId),
    ["addentity", var connection, var seconds, var concurrency] => await AddEntityAsync(connection, int.Parse(seconds, CultureInfo.InvariantCulture), int.Parse(concurrency, CultureInfo.InvariantCulture)),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: tokens <node-results.json> <output.md> | trivial --urls <url> | seed-room <connection> <room> <session> | addentity <connection> <seconds> <concurrency>");
    return 2;
}

static int Tokens(string nodeResultsPath, string outputPath)
{
    var config = DefaultConfig.Instance.AddJob(Job.Default.WithWarmupCount(5).WithIterationCount(30)).WithOptions(ConfigOptions.DisableLogFile);
    var summary = BenchmarkRunner.Run<TokenBenchmarks>(config);
    using var node = JsonDocument.Parse(File.ReadAllText(nodeResultsPath));
    var nodeT1 = node.RootElement.GetProperty("t1PerSecond").GetDouble();
    var nodeJwt = node.RootElement.GetProperty("jwtPerSecond").GetDouble();

    double PerSecond(string description) => 1e9 / Report(summary, description).ResultStatistics!.Mean;
    long Allocated(string description) => Report(summary, description).GcStats.GetBytesAllocatedPerOperation(Report(summary, description).BenchmarkCase) ?? 0;

    var t1 = PerSecond(nameof(TokenBenchmarks.T1Token));
    var sha1 = PerSecond(nameof(TokenBenchmarks.BareHmacSha1));
    var jwt = PerSecond(nameof(TokenBenchmarks.JwtToken));
    var sha256 = PerSecond(nameof(TokenBenchmarks.BareHmacSha256));
    var table = string.Join('\n',
        "| Token minting | per second | bytes allocated | ratio | target |",
        "|---|---:|---:|---|---|",
        $"| bare HMAC-SHA1 over the T1 data string | {sha1:N0} | {Allocated(nameof(TokenBenchmarks.BareHmacSha1))} | floor | |",
        $"| **T1 token** (this service) | {t1:N0} | {Allocated(nameof(TokenBenchmarks.T1Token))} | {t1 / sha1:P0} of bare HMAC-SHA1; {t1 / nodeT1:N1}x Node SDK | ≥ 50%; ≥ 8x |",
        $"| T1 token, Node SDK `opentok@2.23.2` ({node.RootElement.GetProperty("node").GetString()}) | {nodeT1:N0} | | | |",
        $"| bare HMAC-SHA256 over the JWT's header.payload | {sha256:N0} | {Allocated(nameof(TokenBenchmarks.BareHmacSha256))} | floor | |",
        $"| **JWT token** (this service) | {jwt:N0} | {Allocated(nameof(TokenBenchmarks.JwtToken))} | {jwt / sha256:P0} of bare HMAC-SHA256; {jwt / nodeJwt:N1}x Node SDK | ≥ 40% |",
        $"| JWT token, Node SDK `opentok@2.23.2` | {nodeJwt:N0} | | | |");
    File.WriteAllText(outputPath, table + "\n");
    Console.WriteLine(table);
    return 0;
}

static BenchmarkReport Report(Summary summary, string description) =>
    summary.Reports.Single(r => r.BenchmarkCase.Descriptor.WorkloadMethod.Name == description);

// The comparison point for HTTP throughput: the least an ASP.NET Core endpoint can do.
static async Task<int> TrivialAsync(string urls)
{
    var builder = WebApplication.CreateSlimBuilder();
    builder.WebHost.UseUrls(urls);
    builder.Logging.ClearProviders();
    var app = builder.Build();
    app.MapGet("/trivial", () => TypedResults.Text("""{"apiKey":"123456","sessionId":"1_MX4","token":"T1==","role":"publisher"}""", "application/json"));
    await app.RunAsync();
    return 0;
}

static async Task<int> SeedRoomAsync(string connection, string room, string sessionId)
{
    var table = new TableClient(connection, "rooms");
    await table.CreateIfNotExistsAsync();
    await table.UpsertEntityAsync(new TableEntity(room, "room") { ["SessionId"] = sessionId, ["MediaMode"] = "routed", ["CreatedAt"] = DateTimeOffset.UtcNow });
    return 0;
}

// Raw AddEntity of a feedback-sized row from many workers: the storage floor for POST /api/feedback.
static async Task<int> AddEntityAsync(string connection, int seconds, int concurrency)
{
    var table = new TableClient(connection, "addentityfloor");
    await table.CreateIfNotExistsAsync();
    var latencies = new List<double>[concurrency];
    var until = Stopwatch.StartNew();
    var workers = Enumerable.Range(0, concurrency).Select(async worker =>
    {
        latencies[worker] = [];
        while (until.Elapsed.TotalSeconds < seconds)
        {
            var started = Stopwatch.GetTimestamp();
            await table.AddEntityAsync(new TableEntity(Guid.NewGuid().ToString("N")[..1], Guid.NewGuid().ToString("N"))
            {
                ["comments"] = "Reconnected after the train left the tunnel; the subscriber came back in about three seconds.",
                ["solvesConnectivity"] = "yes",
                ["platform"] = "android",
                ["MailState"] = "pending",
            });
            latencies[worker].Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
    }).ToList();
    await Task.WhenAll(workers);
    var all = latencies.SelectMany(l => l).Order().ToList();
    var result = new
    {
        requestsPerSecond = all.Count / until.Elapsed.TotalSeconds,
        p50 = all[all.Count / 2],
        p99 = all[(int)(all.Count * 0.99)],
    };
    Console.WriteLine(JsonSerializer.Serialize(result));
    return 0;
}
