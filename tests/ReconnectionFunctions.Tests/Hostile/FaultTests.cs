using System.Net;
using System.Text.Json;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using ReconnectionFunctions.Hosting;
using ReconnectionFunctions.Notifications;
using ReconnectionFunctions.PreviewProgram;
using ReconnectionFunctions.Tests.Infrastructure;

namespace ReconnectionFunctions.Tests.Hostile;

/// <summary>The service under faults: storage stopping mid-load, OpenTok slow or down, SendGrid failing half the time.</summary>
public class FaultTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private sealed record Submission(string Route, string Body, string Key);

    private sealed record Answer(HttpStatusCode Status, string? Id, bool HasRetryAfter);

    private static async Task<Answer> SendAsync(TestApp app, Submission submission)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, submission.Route) { Content = new StringContent(submission.Body, System.Text.Encoding.UTF8, "application/json") };
        request.Headers.Add("Idempotency-Key", submission.Key);
        using var response = await app.Client.SendAsync(request, Cancellation);
        var body = await response.Content.ReadAsStringAsync(Cancellation);
        var id = response.StatusCode == HttpStatusCode.Accepted ? JsonDocument.Parse(body).RootElement.GetProperty("id").GetString() : null;
        return new Answer(response.StatusCode, id, response.Headers.RetryAfter?.Delta is not null);
    }

    [Fact]
    public async Task Storage_stopping_mid_load_gets_503s_not_500s_loses_nothing_and_the_app_recovers_by_itself()
    {
        var executable = AzuriteProcess.FindExecutable()!;
        var port = AzuriteFixture.FreePort();
        var folder = Directory.CreateTempSubdirectory("reconnection-storage-").FullName;
        var azurite = await AzuriteProcess.StartAsync(executable, port, folder, Cancellation);
        var settings = TestApp.Settings(new ConnectionOnly(azurite.ConnectionString));
        await using var app = await TestApp.StartAsync(settings);

        var tag = Guid.NewGuid().ToString("N");
        var submissions = Enumerable.Range(0, 100).Select(i => i % 3 == 0
                ? new Submission("/api/join-requests", Submissions.JoinJson($"fault.{tag}.{i}@example.com"), $"{tag}-{i}")
                : new Submission("/api/feedback", Submissions.FeedbackJson($"{tag} #{i}"), $"{tag}-{i}"))
            .ToList();
        var answers = new Answer?[submissions.Count];
        var stopped = Task.CompletedTask;
        var done = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, submissions.Count), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = Cancellation }, async (i, _) =>
        {
            answers[i] = await SendAsync(app, submissions[i]);
            if (Interlocked.Increment(ref done) == 30)
            {
                stopped = azurite.DisposeAsync().AsTask(); // storage goes away while requests are in flight
            }
        });
        await stopped;

        Assert.All(answers, a => Assert.True(a!.Status is HttpStatusCode.Accepted or HttpStatusCode.ServiceUnavailable, $"got {a.Status}"));
        Assert.All(answers.Where(a => a!.Status == HttpStatusCode.ServiceUnavailable), a => Assert.True(a!.HasRetryAfter));
        Assert.Contains(answers, a => a!.Status == HttpStatusCode.ServiceUnavailable);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await app.Client.GetAsync("/api/health", Cancellation)).StatusCode);

        // Storage comes back on the same port with the same data; the running app carries on.
        azurite = await AzuriteProcess.StartAsync(executable, port, folder, Cancellation);
        try
        {
            Assert.Equal(HttpStatusCode.OK, (await app.Client.GetAsync("/api/health", Cancellation)).StatusCode);
            for (var i = 0; i < submissions.Count; i++)
            {
                if (answers[i]!.Status != HttpStatusCode.Accepted)
                {
                    answers[i] = await SendAsync(app, submissions[i]); // the client's retry, same key
                }
            }
            Assert.All(answers, a => Assert.Equal(HttpStatusCode.Accepted, a!.Status));

            // Every accepted submission is stored exactly once, under the id its answer gave; no half-stored join request.
            var feedback = await Submissions.RowsAsync(azurite.ConnectionString, Forms.Feedback, r => r.GetString("comments")?.StartsWith(tag, StringComparison.Ordinal) == true);
            var joins = await Submissions.RowsAsync(azurite.ConnectionString, Forms.JoinRequest, r => r.GetString("email")?.Contains(tag, StringComparison.Ordinal) == true);
            var expected = submissions.Select((s, i) => (s, answers[i]!.Id)).ToList();
            Assert.Equal(expected.Where(e => e.s.Route == "/api/feedback").Select(e => e.Id).Order(), feedback.Select(r => r.RowKey).Order());
            Assert.Equal(expected.Where(e => e.s.Route == "/api/join-requests").Select(e => e.Id).Order(), joins.Select(r => r.RowKey).Order());
            var index = new TableClient(azurite.ConnectionString, Forms.JoinRequest.TableName);
            await foreach (var row in index.QueryAsync<TableEntity>(r => r.RowKey.CompareTo("email-") >= 0 && r.RowKey.CompareTo("email.") < 0, cancellationToken: Cancellation))
            {
                Assert.Contains(joins, j => j.RowKey == row.GetString("SubmissionId") && j.PartitionKey == row.PartitionKey);
            }
        }
        finally
        {
            await azurite.DisposeAsync();
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task A_silent_opentok_under_concurrent_load_times_every_request_out_at_the_configured_limit()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var storage = new OwnAzuriteFixture();
        await storage.InitializeAsync();
        await using var openTok = await OpenTokFake.StartAsync(Fixture.ApiKey, Fixture.ApiSecret, time);
        var settings = TestApp.Settings(storage, openTok);
        settings["OpenTok:RequestTimeout"] = "00:00:08";
        await using var app = await TestApp.StartAsync(settings, time);
        openTok.Hang = true;

        var calls = Enumerable.Range(0, 20).Select(i => app.Client.GetAsync($"/api/room/silent-{i}", Cancellation)).ToList();
        await openTok.WaitForRequestsAsync(20, Cancellation);
        time.Advance(TimeSpan.FromSeconds(8));
        var responses = await Task.WhenAll(calls);

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.GatewayTimeout, r.StatusCode));
        Assert.All(responses, r => Assert.NotNull(r.Headers.RetryAfter?.Delta));
        var rooms = new TableClient(storage.ConnectionString, ReconnectionFunctions.Credentials.RoomStore.TableName);
        await rooms.CreateIfNotExistsAsync(Cancellation);
        Assert.Empty(rooms.Query<TableEntity>(cancellationToken: Cancellation));
    }

    [Fact]
    public async Task An_unreachable_opentok_under_concurrent_load_gets_502s_at_once()
    {
        await using var storage = new OwnAzuriteFixture();
        await storage.InitializeAsync();
        var settings = TestApp.Settings(storage);
        settings["OpenTok:ApiUrl"] = $"http://127.0.0.1:{AzuriteFixture.FreePort()}";
        await using var app = await TestApp.StartAsync(settings);

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => app.Client.GetAsync($"/api/room/down-{i}", Cancellation)));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.BadGateway, r.StatusCode));
        var rooms = new TableClient(storage.ConnectionString, ReconnectionFunctions.Credentials.RoomStore.TableName);
        await rooms.CreateIfNotExistsAsync(Cancellation);
        Assert.Empty(rooms.Query<TableEntity>(cancellationToken: Cancellation));
    }

    [Fact]
    public async Task A_thousand_submissions_while_sendgrid_fails_half_the_time_are_each_mailed_exactly_once()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 4, 12, 0, 0, TimeSpan.Zero));
        await using var storage = new OwnAzuriteFixture();
        await storage.InitializeAsync();
        await using var sendGrid = await SendGridFake.StartAsync(TestApp.SendGridKey);
        // Every other request fails with a 503; and every hundredth opens a minute in which, as SendGrid
        // does when a rate limit is hit, every request gets a 429 until X-RateLimit-Reset.
        var limitedUntil = DateTimeOffset.MinValue;
        var gate = new Lock();
        sendGrid.Failure = n =>
        {
            lock (gate)
            {
                var now = time.GetUtcNow();
                if (n % 100 == 0)
                {
                    limitedUntil = now.AddMinutes(1);
                }
                if (now < limitedUntil)
                {
                    return (429, new Dictionary<string, string> { ["X-RateLimit-Reset"] = limitedUntil.ToUnixTimeSeconds().ToString() });
                }
                return n % 2 == 0 ? (503, new Dictionary<string, string>()) : null;
            }
        };
        await using var app = await TestApp.StartAsync(TestApp.Settings(storage, sendGrid: sendGrid), time);

        var ids = new System.Collections.Concurrent.ConcurrentBag<string>();
        await Parallel.ForEachAsync(Enumerable.Range(0, 1000), new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = Cancellation }, async (i, _) =>
        {
            var route = i % 4 == 0 ? "/api/join-requests" : "/api/feedback";
            var body = i % 4 == 0 ? Submissions.JoinJson($"storm.{i}@example.com") : Submissions.FeedbackJson($"storm #{i}");
            ids.Add(await Submissions.ReceiptIdAsync(await app.PostJsonAsync(route, body)));
        });
        await app.Services.GetRequiredService<MailDispatcher>().WhenIdleAsync(Cancellation);

        var delivery = app.Services.GetRequiredService<MailDelivery>();
        for (var round = 0; round < 100 && sendGrid.Accepted.Select(m => m.SubmissionId).Distinct().Count() < 1000; round++)
        {
            time.Advance(MailDelivery.LongestRetry);
            await delivery.DeliverDueAsync(Cancellation);
        }

        var mailed = sendGrid.Accepted.GroupBy(m => m.SubmissionId).ToDictionary(g => g.Key!, g => g.Count());
        Assert.Equal(1000, ids.Distinct().Count());
        Assert.Equal(ids.Order(), mailed.Keys.Order());
        Assert.All(mailed, m => Assert.Equal(1, m.Value));
        Assert.Empty(sendGrid.Refusals);
        var rows = (await Submissions.RowsAsync(storage, Forms.Feedback)).Concat(await Submissions.RowsAsync(storage, Forms.JoinRequest)).ToList();
        Assert.Equal(1000, rows.Count);
        Assert.All(rows, r => Assert.Equal(MailColumns.Sent, r.GetString(MailColumns.State)));
    }

    /// <summary>Storage given by connection string alone, for apps on an Azurite the test controls itself.</summary>
    private sealed class ConnectionOnly(string connectionString) : AzuriteFixture
    {
        public override string ConnectionString => connectionString;
    }
}
