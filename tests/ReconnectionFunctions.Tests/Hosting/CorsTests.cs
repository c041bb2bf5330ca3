using ReconnectionFunctions.Tests.Infrastructure;

namespace ReconnectionFunctions.Tests.Hosting;

/// <summary>The local server lets the configured browser origins call the API, and no others.</summary>
public class CorsTests(AzuriteFixture storage)
{
    [Fact]
    public async Task Only_configured_origins_may_call_from_a_browser()
    {
        var settings = TestApp.Settings(storage);
        settings["Cors:AllowedOrigins"] = "https://samples.example, http://localhost:8080/";
        await using var app = await TestApp.StartAsync(settings);

        foreach (var (origin, allowed) in new[] { ("https://samples.example", true), ("http://localhost:8080", true), ("https://elsewhere.example", false) })
        {
            using var preflight = new HttpRequestMessage(HttpMethod.Options, "/api/session")
            {
                Headers = { { "Origin", origin }, { "Access-Control-Request-Method", "GET" } },
            };
            var response = await app.Client.SendAsync(preflight, TestContext.Current.CancellationToken);
            var answered = response.Headers.TryGetValues("Access-Control-Allow-Origin", out var values) ? values.Single() : null;
            Assert.Equal(allowed ? origin : null, answered);
        }
    }

    [Fact]
    public async Task Without_the_setting_no_cross_origin_call_is_allowed()
    {
        await using var app = await TestApp.StartAsync(TestApp.Settings(storage));

        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/session") { Headers = { { "Origin", "https://samples.example" } } };
        var response = await app.Client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }
}
