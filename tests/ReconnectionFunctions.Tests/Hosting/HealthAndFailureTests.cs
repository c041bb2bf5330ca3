using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using ReconnectionFunctions.Notifications;
using ReconnectionFunctions.Tests.Infrastructure;

namespace ReconnectionFunctions.Tests.Hosting;

/// <summary>The health route, storage outages, and what never reaches an answer or a log.</summary>
public class HealthAndFailureTests(AzuriteFixture storage)
{
    /// <summary>Storage that is not the development emulator (so nothing starts it) on a port nobody listens on.</summary>
    private static string UnreachableStorage() =>
        $"DefaultEndpointsProtocol=http;AccountName=nostorage;AccountKey={Convert.ToBase64String(new byte[64])};TableEndpoint=http://127.0.0.1:{AzuriteFixture.FreePort()}/nostorage;";

    [Fact]
    public async Task Health_is_200_with_every_check_when_storage_and_settings_are_complete()
    {
        await using var app = await TestApp.StartAsync(TestApp.Settings(storage));

        var response = await app.Client.GetAsync("/api/health", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var health = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;
        Assert.Equal("healthy", health.GetProperty("status").GetString());
        var checks = health.GetProperty("checks");
        Assert.Equal("healthy", checks.GetProperty("storage").GetProperty("status").GetString());
        Assert.Equal("healthy", checks.GetProperty("videoService").GetProperty("status").GetString());
        Assert.Equal("open", checks.GetProperty("tokenAccess").GetProperty("mode").GetString());
        Assert.Equal(86400, checks.GetProperty("tokenAccess").GetProperty("maxTtlSeconds").GetInt32());
    }

    [Fact]
    public async Task Health_is_503_naming_storage_when_storage_is_down()
    {
        var settings = TestApp.Settings(storage);
        settings["AzureWebJobsStorage"] = UnreachableStorage();
        await using var app = await TestApp.StartAsync(settings);

        var response = await app.Client.GetAsync("/api/health", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var checks = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement.GetProperty("checks");
        Assert.Equal("unhealthy", checks.GetProperty("storage").GetProperty("status").GetString());
        Assert.Equal("healthy", checks.GetProperty("videoService").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Health_is_503_naming_the_video_service_without_credentials_and_shows_passcode_mode()
    {
        var settings = TestApp.Settings(storage);
        settings["OpenTok:ApiKey"] = "";
        settings["OpenTok:ApiSecret"] = "";
        settings["OpenTok:SessionId"] = "";
        settings["Tokens:Passcode"] = "a-long-enough-passcode";
        await using var app = await TestApp.StartAsync(settings);

        var response = await app.Client.GetAsync("/api/health", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        var checks = JsonDocument.Parse(body).RootElement.GetProperty("checks");
        Assert.Equal("unhealthy", checks.GetProperty("videoService").GetProperty("status").GetString());
        Assert.Equal("passcode", checks.GetProperty("tokenAccess").GetProperty("mode").GetString());
        Assert.DoesNotContain("a-long-enough-passcode", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_room_call_with_storage_down_is_503_with_retry_after_not_500()
    {
        var settings = TestApp.Settings(storage);
        settings["AzureWebJobsStorage"] = UnreachableStorage();
        await using var app = await TestApp.StartAsync(settings);

        var response = await app.Client.GetAsync("/api/room/demo", TestContext.Current.CancellationToken);

        var problem = await ProblemAssert.StatusAsync(response, HttpStatusCode.ServiceUnavailable);
        Assert.Equal("Storage is unavailable.", problem.GetProperty("title").GetString());
        Assert.NotNull(response.Headers.RetryAfter?.Delta);
        Assert.DoesNotContain("at ", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Submissions_with_storage_down_are_503_with_retry_after_for_json_and_forms()
    {
        var settings = TestApp.Settings(storage);
        settings["AzureWebJobsStorage"] = UnreachableStorage();
        await using var app = await TestApp.StartAsync(settings);

        var json = await app.PostJsonAsync("/api/feedback", """{"comments":"hello"}""");
        var form = await app.Client.PostAsync("/api/join-requests", new FormUrlEncodedContent([new("email", "ada@example.com"), new("consent", "true")]), TestContext.Current.CancellationToken);

        await ProblemAssert.StatusAsync(json, HttpStatusCode.ServiceUnavailable);
        Assert.NotNull(json.Headers.RetryAfter?.Delta);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, form.StatusCode);
        Assert.NotNull(form.Headers.RetryAfter?.Delta);
        var html = await form.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Contains("Storage is unavailable.", html, StringComparison.Ordinal);
        Assert.Contains("value=\"ada@example.com\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Secrets_reach_neither_answers_nor_logs()
    {
        const string secret = "s3cret-that-must-never-be-printed-0123456789";
        const string passcode = "passcode-that-must-never-be-printed";
        await using var openTok = await OpenTokFake.StartAsync(Fixture.ApiKey, "the-service-expects-another-secret-entirely");
        var settings = TestApp.Settings(storage, openTok);
        settings["OpenTok:ApiSecret"] = secret;
        settings["OpenTok:SessionId"] = "";
        settings["Tokens:Passcode"] = passcode;
        settings["SendGrid:ApiKey"] = "SG.sendgrid-key-that-must-never-be-printed";
        settings["SendGrid:Host"] = "http://127.0.0.1:9";
        await using var app = await TestApp.StartAsync(settings);
        app.Client.DefaultRequestHeaders.Add("X-Preview-Passcode", passcode);

        var answers = new List<string>();
        foreach (var response in new[]
                 {
                     await app.Client.GetAsync("/api/health", TestContext.Current.CancellationToken),
                     await app.Client.GetAsync("/api/session", TestContext.Current.CancellationToken),
                     await app.Client.GetAsync("/api/room/demo", TestContext.Current.CancellationToken),
                     await app.PostJsonAsync("/api/token", """{"room":"demo","role":"moderator"}"""),
                     await app.PostJsonAsync("/api/feedback", """{"comments":"mail me"}"""),
                 })
        {
            answers.Add(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        }

        await app.Services.GetRequiredService<MailDispatcher>().WhenIdleAsync(TestContext.Current.CancellationToken);
        Assert.Contains(app.Logs.Lines, line => line.Contains("Could not create an OpenTok session", StringComparison.Ordinal));
        Assert.Contains(app.Logs.Lines, line => line.Contains("SendGrid could not be reached", StringComparison.Ordinal));
        foreach (var text in answers.Concat(app.Logs.Lines))
        {
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
            Assert.DoesNotContain(passcode, text, StringComparison.Ordinal);
            Assert.DoesNotContain("sendgrid-key-that-must-never-be-printed", text, StringComparison.Ordinal);
        }
    }
}
