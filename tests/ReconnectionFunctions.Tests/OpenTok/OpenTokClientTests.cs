using Microsoft.Extensions.Time.Testing;
using ReconnectionFunctions.OpenTok;
using ReconnectionFunctions.Tests.Infrastructure;

namespace ReconnectionFunctions.Tests.OpenTok;

/// <summary>Session creation over REST, against the loopback OpenTok fake.</summary>
public sealed class OpenTokClientTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly HttpClient _http = new() { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
    private OpenTokFake _fake = null!;

    public async ValueTask InitializeAsync() => _fake = await OpenTokFake.StartAsync(Fixture.ApiKey, Fixture.ApiSecret, _time);

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _fake.DisposeAsync();
    }

    private OpenTokClient Client(string secret = Fixture.ApiSecret, Uri? apiUrl = null) =>
        new(_http, new TokenGenerator(Fixture.ApiKey, secret, _time), apiUrl ?? _fake.ApiUrl, Timeout, _time);

    [Fact]
    public async Task Creates_a_routed_session_with_an_explicit_p2p_preference()
    {
        var sessionId = await Client().CreateSessionAsync(new SessionProperties(), TestContext.Current.CancellationToken);

        Assert.Equal(sessionId, Assert.Single(_fake.Created));
        Assert.True(SessionIds.BelongsTo(sessionId, Fixture.ApiKey));
        var form = Assert.Single(_fake.Forms);
        Assert.Equal("disabled", form["p2p.preference"]);
        Assert.Equal("manual", form["archiveMode"]);
        Assert.Empty(_fake.Refusals);
    }

    [Fact]
    public async Task Sends_relayed_location_and_encryption_when_asked()
    {
        await Client().CreateSessionAsync(new SessionProperties { MediaMode = MediaMode.Relayed, Location = "12.34.56.78" }, TestContext.Current.CancellationToken);
        await Client().CreateSessionAsync(new SessionProperties { EndToEndEncryption = true, ArchiveMode = ArchiveMode.Manual }, TestContext.Current.CancellationToken);

        var forms = _fake.Forms.ToArray();
        Assert.Equal("enabled", forms[0]["p2p.preference"]);
        Assert.Equal("12.34.56.78", forms[0]["location"]);
        Assert.Equal("true", forms[1]["e2ee"]);
        Assert.Empty(_fake.Refusals);
    }

    [Fact]
    public async Task A_wrong_secret_is_rejected_by_the_service_as_an_authentication_error()
    {
        var error = await Assert.ThrowsAsync<OpenTokAuthenticationException>(() =>
            Client(secret: "not-the-secret-not-the-secret-not-the").CreateSessionAsync(new SessionProperties(), TestContext.Current.CancellationToken));

        Assert.Equal(403, error.StatusCode);
        Assert.Equal("Invalid signature", error.UpstreamMessage);
        Assert.DoesNotContain("Invalid signature", error.Message, StringComparison.Ordinal);
        Assert.Empty(_fake.Created);
    }

    [Theory]
    [InlineData(500, """{"code":-1,"message":"boom"}""")]
    [InlineData(503, "")]
    [InlineData(404, "Not Found")]
    [InlineData(400, """{"code":-1,"message":"bad"}""")]
    public async Task Error_answers_become_service_errors_with_their_status(int status, string body)
    {
        _fake.Failure = (status, body);
        var error = await Assert.ThrowsAsync<OpenTokServiceException>(() => Client().CreateSessionAsync(new SessionProperties(), TestContext.Current.CancellationToken));
        Assert.Equal(status, error.StatusCode);
    }

    [Theory]
    [InlineData("<sessions/>")]
    [InlineData("[]")]
    [InlineData("""[{"session_id":42}]""")]
    [InlineData("""[{"session_id":"1_MX42NTQzMjF-flNhdCBNYXIgMTUgMTQ6NDI6MjMgUERUIDIwMTR-MC40OTAxMzAyNX4"}]""")]
    public async Task Unusable_success_bodies_are_service_errors(string body)
    {
        _fake.Failure = (200, body);
        var error = await Assert.ThrowsAsync<OpenTokServiceException>(() => Client().CreateSessionAsync(new SessionProperties(), TestContext.Current.CancellationToken));
        Assert.Equal(200, error.StatusCode);
    }

    [Fact]
    public async Task A_service_that_does_not_answer_times_out_on_the_injected_clock()
    {
        _fake.Hang = true;
        var call = Client().CreateSessionAsync(new SessionProperties(), TestContext.Current.CancellationToken);
        await _fake.RequestArrived.Task.WaitAsync(TestContext.Current.CancellationToken);

        _time.Advance(Timeout);

        var error = await Assert.ThrowsAsync<OpenTokTimeoutException>(() => call);
        Assert.Equal(Timeout, error.Timeout);
    }

    [Fact]
    public async Task An_unreachable_service_is_a_service_error_without_status()
    {
        var closed = new Uri($"http://127.0.0.1:{AzuriteFixture.FreePort()}");
        var error = await Assert.ThrowsAsync<OpenTokServiceException>(() =>
            Client(apiUrl: closed).CreateSessionAsync(new SessionProperties(), TestContext.Current.CancellationToken));
        Assert.Null(error.StatusCode);
    }

    [Theory]
    [InlineData(MediaMode.Relayed, ArchiveMode.Always, null, false, "archiveMode")]
    [InlineData(MediaMode.Routed, ArchiveMode.Manual, "localhost", false, "location")]
    [InlineData(MediaMode.Routed, ArchiveMode.Manual, "::1", false, "location")]
    [InlineData(MediaMode.Routed, ArchiveMode.Manual, "10.1", false, "location")]
    [InlineData(MediaMode.Relayed, ArchiveMode.Manual, null, true, "endToEndEncryption")]
    [InlineData(MediaMode.Routed, ArchiveMode.Always, null, true, "endToEndEncryption")]
    public async Task Impossible_session_properties_are_refused_before_any_request(MediaMode media, ArchiveMode archive, string? location, bool e2ee, string param)
    {
        var properties = new SessionProperties { MediaMode = media, ArchiveMode = archive, Location = location, EndToEndEncryption = e2ee };
        var error = await Assert.ThrowsAsync<OpenTokArgumentException>(() => Client().CreateSessionAsync(properties, TestContext.Current.CancellationToken));
        Assert.Equal(param, error.ParamName);
        Assert.Empty(_fake.Forms);
    }
}
