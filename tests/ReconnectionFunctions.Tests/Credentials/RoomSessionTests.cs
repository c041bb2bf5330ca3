using System.Net;
using Azure.Data.Tables;
using Microsoft.Extensions.Time.Testing;
using ReconnectionFunctions.Credentials;
using ReconnectionFunctions.Tests.Infrastructure;

namespace ReconnectionFunctions.Tests.Credentials;

/// <summary>
/// Rooms across instances, restarts and upstream failures: one session per room, handed out by
/// every instance, and nothing stored when OpenTok could not create one.
/// </summary>
public sealed class RoomSessionTests(AzuriteFixture storage) : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 4, 9, 0, 0, TimeSpan.Zero));
    private readonly string _room = "room-" + Guid.NewGuid().ToString("N")[..12];
    private OpenTokFake _openTok = null!;

    public async ValueTask InitializeAsync() => _openTok = await OpenTokFake.StartAsync(Fixture.ApiKey, Fixture.ApiSecret, _time);

    public async ValueTask DisposeAsync() => await _openTok.DisposeAsync();

    private Task<TestApp> StartAppAsync(string? secret = null)
    {
        var settings = TestApp.Settings(storage, _openTok);
        settings["OpenTok:RequestTimeout"] = "00:00:05";
        if (secret is not null)
        {
            settings["OpenTok:ApiSecret"] = secret;
        }
        return TestApp.StartAsync(settings, _time);
    }

    private async Task<string?> StoredSessionAsync()
    {
        var table = new TableClient(storage.ConnectionString, RoomStore.TableName);
        await table.CreateIfNotExistsAsync(TestContext.Current.CancellationToken);
        var row = await table.GetEntityIfExistsAsync<TableEntity>(_room, "room", cancellationToken: TestContext.Current.CancellationToken);
        return row.HasValue ? row.Value!.GetString("SessionId") : null;
    }

    [Fact]
    public async Task Twenty_concurrent_first_calls_on_two_instances_get_one_session()
    {
        await using var first = await StartAppAsync();
        await using var second = await StartAppAsync();
        // Both instances must reach OpenTok before either answers, so both race to store a session.
        _openTok.HoldCreatesUntil(2);

        var calls = Enumerable.Range(0, 20)
            .Select(i => (i % 2 == 0 ? first : second).Client.GetAsync($"/api/room/{_room}", TestContext.Current.CancellationToken))
            .ToArray();
        var answers = await Task.WhenAll(calls.Select(async call => await IssuedTokens.ReadCredentialsAsync(await call)));

        var handedOut = Assert.Single(answers.Select(a => a.SessionId).Distinct());
        Assert.Equal(2, _openTok.Created.Count);
        Assert.Contains(handedOut, _openTok.Created);
        Assert.Equal(handedOut, await StoredSessionAsync());
    }

    [Fact]
    public async Task A_room_keeps_its_session_across_a_restart()
    {
        string before;
        await using (var app = await StartAppAsync())
        {
            before = (await IssuedTokens.ReadCredentialsAsync(await app.Client.GetAsync($"/api/room/{_room}", TestContext.Current.CancellationToken))).SessionId;
        }
        await using var restarted = await StartAppAsync();

        var after = await IssuedTokens.ReadCredentialsAsync(await restarted.Client.GetAsync($"/api/room/{_room}", TestContext.Current.CancellationToken));

        Assert.Equal(before, after.SessionId);
        Assert.Single(_openTok.Created);
    }

    [Fact]
    public async Task An_opentok_outage_answers_502_with_retry_after_and_stores_nothing_then_recovers()
    {
        await using var app = await StartAppAsync();
        _openTok.Failure = (503, """{"code":-1,"message":"maintenance"}""");

        var failed = await app.Client.GetAsync($"/api/room/{_room}", TestContext.Current.CancellationToken);

        var problem = await ProblemAssert.StatusAsync(failed, HttpStatusCode.BadGateway);
        Assert.Equal("The video service is unavailable.", problem.GetProperty("title").GetString());
        Assert.DoesNotContain("maintenance", problem.ToString(), StringComparison.Ordinal);
        Assert.NotNull(failed.Headers.RetryAfter?.Delta);
        Assert.Null(await StoredSessionAsync());

        _openTok.Failure = null;
        var recovered = await IssuedTokens.ReadCredentialsAsync(await app.Client.GetAsync($"/api/room/{_room}", TestContext.Current.CancellationToken));
        Assert.Equal(recovered.SessionId, await StoredSessionAsync());
    }

    [Fact]
    public async Task Credentials_opentok_rejects_answer_502_saying_so_and_store_nothing()
    {
        await using var app = await StartAppAsync(secret: "a-secret-that-opentok-does-not-know-at-all");

        var response = await app.Client.GetAsync($"/api/room/{_room}", TestContext.Current.CancellationToken);

        var problem = await ProblemAssert.StatusAsync(response, HttpStatusCode.BadGateway);
        Assert.Equal("The video service rejected the server credentials.", problem.GetProperty("title").GetString());
        Assert.Equal("Invalid signature", Assert.Single(_openTok.Refusals));
        Assert.Null(await StoredSessionAsync());
        Assert.Contains(app.Logs.Lines, line => line.Contains("Invalid signature", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_silent_opentok_answers_504_after_the_configured_timeout_and_stores_nothing()
    {
        await using var app = await StartAppAsync();
        _openTok.Hang = true;

        var call = app.Client.GetAsync($"/api/room/{_room}", TestContext.Current.CancellationToken);
        await _openTok.RequestArrived.Task.WaitAsync(TestContext.Current.CancellationToken);
        _time.Advance(TimeSpan.FromSeconds(5));
        var response = await call;

        await ProblemAssert.StatusAsync(response, HttpStatusCode.GatewayTimeout);
        Assert.NotNull(response.Headers.RetryAfter?.Delta);
        Assert.Null(await StoredSessionAsync());
    }

    [Fact]
    public async Task An_unusable_opentok_answer_is_a_502()
    {
        await using var app = await StartAppAsync();
        _openTok.Failure = (200, "<sessions><Session/></sessions>");

        await ProblemAssert.StatusAsync(await app.Client.GetAsync($"/api/room/{_room}", TestContext.Current.CancellationToken), HttpStatusCode.BadGateway);
        Assert.Null(await StoredSessionAsync());
    }
}
