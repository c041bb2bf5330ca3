using System.Net;
using Microsoft.Extensions.Time.Testing;
using ReconnectionFunctions.PreviewProgram;
using ReconnectionFunctions.Tests.Infrastructure;

namespace ReconnectionFunctions.Tests.PreviewProgram;

/// <summary>The per-client limit holds across instances sharing storage, per client, per hour.</summary>
public class RateLimitTests(AzuriteFixture storage)
{
    private static Task<HttpResponseMessage> PostAsClientAsync(TestApp app, string client, string json, string route = "/api/feedback")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, route) { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Forwarded-For", $"198.51.100.250, {client}");
        return app.Client.SendAsync(request, TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task The_limit_holds_across_two_instances_and_resets_the_next_hour()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 4, 9, 40, 0, TimeSpan.Zero));
        var settings = TestApp.Settings(storage);
        settings["Submissions:PerClientPerHour"] = "3";
        await using var first = await TestApp.StartAsync(settings, time);
        await using var second = await TestApp.StartAsync(settings, time);
        var client = $"203.0.113.{Random.Shared.Next(1, 250)}:{Random.Shared.Next(1024, 65000)}";
        var tag = Guid.NewGuid().ToString("N");

        await Submissions.ReceiptIdAsync(await PostAsClientAsync(first, client, Submissions.FeedbackJson($"{tag} 1")));
        await Submissions.ReceiptIdAsync(await PostAsClientAsync(second, client, Submissions.FeedbackJson($"{tag} 2")));
        await Submissions.ReceiptIdAsync(await PostAsClientAsync(first, client, Submissions.FeedbackJson($"{tag} 3")));
        var limited = await PostAsClientAsync(second, client, Submissions.FeedbackJson($"{tag} 4"));
        var joinLimited = await PostAsClientAsync(first, client, Submissions.JoinJson(Submissions.UniqueEmail()), "/api/join-requests");

        await ProblemAssert.StatusAsync(limited, HttpStatusCode.TooManyRequests);
        Assert.Equal(TimeSpan.FromMinutes(20), limited.Headers.RetryAfter?.Delta);
        await ProblemAssert.StatusAsync(joinLimited, HttpStatusCode.TooManyRequests);
        Assert.Equal(3, (await Submissions.RowsAsync(storage, Forms.Feedback, r => r.GetString("comments")?.StartsWith(tag, StringComparison.Ordinal) == true)).Count);

        // Another client is not affected; the same client may send again once the hour turns.
        await Submissions.ReceiptIdAsync(await PostAsClientAsync(first, "2001:db8::" + Random.Shared.Next(1, 9999).ToString("x"), Submissions.FeedbackJson($"{tag} other")));
        time.Advance(TimeSpan.FromMinutes(20));
        await Submissions.ReceiptIdAsync(await PostAsClientAsync(second, client, Submissions.FeedbackJson($"{tag} 5")));
    }

    [Fact]
    public async Task A_limited_form_post_gets_the_form_again_saying_when_to_retry()
    {
        var settings = TestApp.Settings(storage);
        settings["Submissions:PerClientPerHour"] = "1";
        await using var app = await TestApp.StartAsync(settings);
        var client = $"192.0.2.{Random.Shared.Next(1, 250)}";

        await Submissions.ReceiptIdAsync(await PostAsClientAsync(app, client, Submissions.FeedbackJson("first")));
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/feedback") { Content = new FormUrlEncodedContent([new("comments", "kept text")]) };
        request.Headers.Add("X-Forwarded-For", client);
        var response = await app.Client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
        var html = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Contains("Too many submissions.", html, StringComparison.Ordinal);
        Assert.Contains(">kept text</textarea>", html, StringComparison.Ordinal);
    }
}
