using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using ReconnectionFunctions.Tests.Infrastructure;

namespace ReconnectionFunctions.Tests.Credentials;

/// <summary>The credential routes over HTTP, as the samples call them, with the sample settings.</summary>
public sealed class CredentialsApiTests(AzuriteFixture storage) : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 12, 4, 9, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(Start);
    private OpenTokFake _openTok = null!;

    public async ValueTask InitializeAsync() => _openTok = await OpenTokFake.StartAsync(Fixture.ApiKey, Fixture.ApiSecret, _time);

    public async ValueTask DisposeAsync() => await _openTok.DisposeAsync();

    private Task<TestApp> StartAppAsync(params (string Key, string? Value)[] overrides)
    {
        var settings = TestApp.Settings(storage, _openTok);
        foreach (var (key, value) in overrides)
        {
            settings[key] = value;
        }
        return TestApp.StartAsync(settings, _time);
    }

    private static string NewRoom() => "room-" + Guid.NewGuid().ToString("N")[..12];

    [Fact]
    public async Task Get_session_answers_offline_with_a_t1_token_for_the_fixed_session()
    {
        await using var app = await StartAppAsync();

        var credentials = await IssuedTokens.ReadCredentialsAsync(await app.Client.GetAsync("/api/session", TestContext.Current.CancellationToken));

        Assert.Equal(Fixture.ApiKey, credentials.ApiKey);
        Assert.Equal(Fixture.SessionId, credentials.SessionId);
        Assert.Equal("publisher", credentials.Role);
        var fields = IssuedTokens.VerifyT1(credentials.Token, Fixture.ApiKey, Fixture.ApiSecret);
        Assert.Equal(Fixture.SessionId, fields["session_id"]);
        Assert.Equal("publisher", fields["role"]);
        Assert.Equal(Start.ToUnixTimeSeconds().ToString(), fields["create_time"]);
        Assert.Equal(Start.AddHours(1).ToUnixTimeSeconds().ToString(), fields["expire_time"]);
        Assert.Equal(Start.AddHours(1).UtcDateTime, credentials.ExpiresAt);
        Assert.Empty(_openTok.Created);
    }

    [Fact]
    public async Task Jwt_tokens_verify_with_a_standard_jwt_library()
    {
        await using var app = await StartAppAsync(("OpenTok:TokenFormat", "JWT"));
        var room = NewRoom();

        var credentials = await IssuedTokens.ReadCredentialsAsync(await app.Client.GetAsync($"/api/room/{room}", TestContext.Current.CancellationToken));

        var jwt = await IssuedTokens.VerifyJwtAsync(credentials.Token, Fixture.ApiKey, Fixture.ApiSecret);
        Assert.Equal(credentials.SessionId, jwt.GetPayloadValue<string>("session_id"));
        Assert.Equal("publisher", jwt.GetPayloadValue<string>("role"));
        Assert.Equal("project", jwt.GetPayloadValue<string>("ist"));
        Assert.Equal("session.connect", jwt.GetPayloadValue<string>("scope"));
        Assert.Equal(Start.ToUnixTimeSeconds(), jwt.GetPayloadValue<long>("iat"));
        Assert.Equal(Start.ToUnixTimeSeconds(), jwt.GetPayloadValue<long>("create_time"));
        Assert.Equal(Start.AddHours(1).ToUnixTimeSeconds(), jwt.GetPayloadValue<long>("exp"));
        Assert.Equal(Start.AddHours(1).ToUnixTimeSeconds(), jwt.GetPayloadValue<long>("expire_time"));
        Assert.Equal(Start.AddHours(1).UtcDateTime, jwt.ValidTo);
    }

    [Fact]
    public async Task A_new_room_creates_one_session_and_keeps_it()
    {
        await using var app = await StartAppAsync();
        var room = NewRoom();

        var first = await IssuedTokens.ReadCredentialsAsync(await app.Client.GetAsync($"/api/room/{room}", TestContext.Current.CancellationToken));
        var second = await IssuedTokens.ReadCredentialsAsync(await app.Client.GetAsync($"/api/room/{room}", TestContext.Current.CancellationToken));

        Assert.Equal(first.SessionId, Assert.Single(_openTok.Created));
        Assert.Equal(first.SessionId, second.SessionId);
        Assert.NotEqual(first.Token, second.Token);
        Assert.Empty(_openTok.Refusals);
        IssuedTokens.VerifyT1(second.Token, Fixture.ApiKey, Fixture.ApiSecret);
    }

    [Fact]
    public async Task Without_a_fixed_session_get_session_serves_the_room_named_session()
    {
        await using var app = await StartAppAsync(("OpenTok:SessionId", ""));

        var viaSession = await IssuedTokens.ReadCredentialsAsync(await app.Client.GetAsync("/api/session", TestContext.Current.CancellationToken));
        var viaRoom = await IssuedTokens.ReadCredentialsAsync(await app.Client.GetAsync("/api/room/session", TestContext.Current.CancellationToken));

        Assert.Equal(viaRoom.SessionId, viaSession.SessionId);
        Assert.Contains(viaSession.SessionId, _openTok.Created);
    }

    [Fact]
    public async Task Post_token_mints_within_policy_for_a_room_or_a_session()
    {
        await using var app = await StartAppAsync();
        var room = NewRoom();

        var forRoom = await IssuedTokens.ReadCredentialsAsync(await app.PostJsonAsync("/api/token",
            $$"""{"room":"{{room}}","role":"subscriber","data":"name=Ada","expiresInSeconds":600,"initialLayoutClassList":["focus","full"]}"""));
        var fields = IssuedTokens.VerifyT1(forRoom.Token, Fixture.ApiKey, Fixture.ApiSecret);
        Assert.Equal("subscriber", fields["role"]);
        Assert.Equal("name=Ada", fields["connection_data"]);
        Assert.Equal("focus full", fields["initial_layout_class_list"]);
        Assert.Equal(Start.AddMinutes(10).ToUnixTimeSeconds().ToString(), fields["expire_time"]);
        Assert.Equal(Start.AddMinutes(10).UtcDateTime, forRoom.ExpiresAt);

        var forSession = await IssuedTokens.ReadCredentialsAsync(await app.PostJsonAsync("/api/token",
            $$"""{"sessionId":"{{forRoom.SessionId}}","role":"publisheronly"}"""));
        Assert.Equal(forRoom.SessionId, forSession.SessionId);
        Assert.Equal("publisheronly", forSession.Role);
        Assert.Equal(Start.AddHours(1).UtcDateTime, forSession.ExpiresAt);
    }

    [Theory]
    [InlineData("a%20b")]
    [InlineData("a*b")]
    [InlineData("semi%3Bcolon")]
    [InlineData("caf%C3%A9")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    public async Task Bad_room_names_are_refused_with_the_reason(string name)
    {
        await using var app = await StartAppAsync();

        var response = await app.Client.GetAsync($"/api/room/{name}", TestContext.Current.CancellationToken);

        var errors = await ProblemAssert.ValidationAsync(response, "name");
        Assert.Contains("room name", errors[0], StringComparison.Ordinal);
        Assert.Empty(_openTok.Created);
    }

    [Theory]
    [InlineData("{", "body")]
    [InlineData("[]", "body")]
    [InlineData("null", "body")]
    [InlineData("\"room\"", "body")]
    [InlineData("""{"room":5}""", "room")]
    [InlineData("""{"room":"x","expiresInSeconds":"60"}""", "expiresInSeconds")]
    [InlineData("""{"room":"x","expiresInSeconds":1.5}""", "expiresInSeconds")]
    [InlineData("""{"room":"x","initialLayoutClassList":"focus"}""", "initialLayoutClassList")]
    [InlineData("""{"room":"x","admin":true}""", "admin")]
    [InlineData("""{"room":"x","room":"y"}""", "room")]
    [InlineData("""{}""", "room")]
    [InlineData("""{"room":"x","sessionId":"1_MX4xMjM0NTZ-flNhdCBNYXIgMTUgMTQ6NDI6MjMgUERUIDIwMTR-MC40OTAxMzAyNX4"}""", "sessionId")]
    [InlineData("""{"sessionId":"1_MX42NTQzMjF-flNhdCBNYXIgMTUgMTQ6NDI6MjMgUERUIDIwMTR-MC40OTAxMzAyNX4"}""", "sessionId")]
    [InlineData("""{"sessionId":"not a session"}""", "sessionId")]
    [InlineData("""{"room":"x y"}""", "room")]
    [InlineData("""{"room":"x","role":"admin"}""", "role")]
    [InlineData("""{"room":"x","role":"moderator"}""", "role")]
    [InlineData("""{"room":"x","expiresInSeconds":86401}""", "expiresInSeconds")]
    [InlineData("""{"room":"x","expiresInSeconds":0}""", "expiresInSeconds")]
    [InlineData("""{"room":"x","initialLayoutClassList":["two words"]}""", "initialLayoutClassList")]
    [InlineData("""{"room":"x","data":"\ud800"}""", "data")]
    public async Task Bad_token_requests_get_a_400_naming_the_field(string body, string field)
    {
        await using var app = await StartAppAsync();

        var response = await app.PostJsonAsync("/api/token", body);

        await ProblemAssert.ValidationAsync(response, field);
        Assert.Empty(_openTok.Created);
    }

    [Fact]
    public async Task Connection_data_over_1000_characters_is_refused()
    {
        await using var app = await StartAppAsync();

        var response = await app.PostJsonAsync("/api/token", JsonSerializer.Serialize(new { room = "x", data = new string('d', 1001) }));

        var errors = await ProblemAssert.ValidationAsync(response, "data");
        Assert.Contains("1001", errors[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Other_content_types_get_415_and_oversized_bodies_413()
    {
        await using var app = await StartAppAsync();

        await ProblemAssert.StatusAsync(await app.PostJsonAsync("/api/token", "room=x", "application/x-www-form-urlencoded"), HttpStatusCode.UnsupportedMediaType);
        await ProblemAssert.StatusAsync(await app.PostJsonAsync("/api/token", """{"room":"x"}""", "application/json; charset=latin1"), HttpStatusCode.UnsupportedMediaType);
        var huge = JsonSerializer.Serialize(new { room = "x", data = new string('d', 70_000) });
        await ProblemAssert.StatusAsync(await app.PostJsonAsync("/api/token", huge), HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task A_ceiling_of_subscriber_lowers_the_default_role_and_refuses_publishing_roles()
    {
        await using var app = await StartAppAsync(("Tokens:MaxRole", "subscriber"));

        var credentials = await IssuedTokens.ReadCredentialsAsync(await app.Client.GetAsync("/api/session", TestContext.Current.CancellationToken));
        Assert.Equal("subscriber", credentials.Role);

        foreach (var role in new[] { "publisher", "publisheronly", "moderator" })
        {
            await ProblemAssert.ValidationAsync(await app.PostJsonAsync("/api/token", $$"""{"room":"x","role":"{{role}}"}"""), "role");
        }
    }

    [Fact]
    public async Task With_a_passcode_only_callers_who_present_it_get_credentials()
    {
        const string passcode = "reconnect-preview-2026";
        await using var app = await StartAppAsync(("Tokens:Passcode", passcode), ("Tokens:MaxRole", "moderator"));

        var missing = await app.Client.GetAsync("/api/session", TestContext.Current.CancellationToken);
        using var wrongRequest = new HttpRequestMessage(HttpMethod.Get, "/api/session") { Headers = { { "X-Preview-Passcode", "reconnect-preview-2025" } } };
        var wrong = await app.Client.SendAsync(wrongRequest, TestContext.Current.CancellationToken);
        var wrongPost = await app.PostJsonAsync("/api/token", "{not json");

        await ProblemAssert.StatusAsync(missing, HttpStatusCode.Unauthorized);
        await ProblemAssert.StatusAsync(wrong, HttpStatusCode.Unauthorized);
        await ProblemAssert.StatusAsync(wrongPost, HttpStatusCode.Unauthorized);
        Assert.Equal(await missing.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), await wrong.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));

        app.Client.DefaultRequestHeaders.Add("X-Preview-Passcode", passcode);
        await IssuedTokens.ReadCredentialsAsync(await app.Client.GetAsync("/api/session", TestContext.Current.CancellationToken));
        var moderator = await IssuedTokens.ReadCredentialsAsync(await app.PostJsonAsync("/api/token", $$"""{"sessionId":"{{Fixture.SessionId}}","role":"moderator"}"""));
        Assert.Equal("moderator", moderator.Role);
    }

    [Fact]
    public async Task Without_credentials_the_routes_answer_503_and_say_which_settings_to_set()
    {
        await using var app = await StartAppAsync(("OpenTok:ApiKey", ""), ("OpenTok:ApiSecret", ""), ("OpenTok:SessionId", ""));

        foreach (var response in new[]
                 {
                     await app.Client.GetAsync("/api/session", TestContext.Current.CancellationToken),
                     await app.Client.GetAsync("/api/room/demo", TestContext.Current.CancellationToken),
                     await app.PostJsonAsync("/api/token", """{"room":"demo"}"""),
                 })
        {
            var problem = await ProblemAssert.StatusAsync(response, HttpStatusCode.ServiceUnavailable);
            Assert.Contains("OpenTok:ApiKey", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }
    }
}
