using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using ReconnectionFunctions.Notifications;
using ReconnectionFunctions.PreviewProgram;
using ReconnectionFunctions.Tests.Infrastructure;

namespace ReconnectionFunctions.Tests.PreviewProgram;

/// <summary>Join requests and feedback over HTTP: stored before the answer, mailed once, bad input refused.</summary>
public sealed class SubmissionApiTests(OwnAzuriteFixture storage) : IAsyncLifetime, IClassFixture<OwnAzuriteFixture>
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 4, 9, 0, 0, TimeSpan.Zero));
    private SendGridFake _sendGrid = null!;
    private TestApp _app = null!;

    public async ValueTask InitializeAsync()
    {
        _sendGrid = await SendGridFake.StartAsync(TestApp.SendGridKey);
        var settings = TestApp.Settings(storage, sendGrid: _sendGrid);
        _app = await TestApp.StartAsync(settings, _time);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        await _sendGrid.DisposeAsync();
    }

    private CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_join_request_is_stored_before_the_202_and_mailed_to_the_beta_address()
    {
        var email = Submissions.UniqueEmail("ada");

        var id = await Submissions.ReceiptIdAsync(await _app.PostJsonAsync("/api/join-requests", Submissions.JoinJson(email.ToUpperInvariant())));

        var row = await Submissions.RowAsync(storage, Forms.JoinRequest, id);
        Assert.NotNull(row);
        Assert.Equal(email, row["email"]);
        Assert.Equal("android,web", row["platforms"]);
        Assert.Equal(true, row["consent"]);
        Assert.Equal(1, row["Revision"]);

        await _app.Services.GetRequiredService<MailDispatcher>().WhenIdleAsync(Cancellation);
        var mail = Assert.Single(_sendGrid.Accepted);
        Assert.Equal(["automatic-reconnection-beta@tokbox.com"], mail.To);
        Assert.Empty(mail.CcAndBcc);
        Assert.Equal(email, mail.ReplyTo);
        Assert.Equal(id, mail.SubmissionId);
        Assert.StartsWith("[Automatic Reconnection preview] Join request: Ada Lovelace", mail.Subject, StringComparison.Ordinal);
        Assert.Contains("Calls drop when moving from Wi-Fi to LTE.", mail.Text, StringComparison.Ordinal);
        Assert.Contains("Android, Web", mail.Html, StringComparison.Ordinal);
        Assert.Empty(_sendGrid.Refusals);

        var sent = await Submissions.RowAsync(storage, Forms.JoinRequest, id);
        Assert.Equal(MailColumns.Sent, sent![MailColumns.State]);
        Assert.Equal(1, sent[MailColumns.Attempts]);
    }

    [Fact]
    public async Task Feedback_is_stored_and_mailed_with_its_answers()
    {
        var comment = "Reconnected after a tunnel " + Guid.NewGuid();

        var id = await Submissions.ReceiptIdAsync(await _app.PostJsonAsync("/api/feedback", Submissions.FeedbackJson(comment)));

        var row = await Submissions.RowAsync(storage, Forms.Feedback, id);
        Assert.Equal(comment, row!["comments"]);
        await _sendGrid.WaitForAcceptedAsync(1, Cancellation);
        var mail = Assert.Single(_sendGrid.Accepted);
        Assert.Equal("[Automatic Reconnection preview] Feedback: connectivity yes, API partly, performance no on ios", mail.Subject);
        Assert.Null(mail.ReplyTo);
        Assert.Contains(comment, mail.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_second_join_request_from_the_same_email_updates_the_first()
    {
        var email = Submissions.UniqueEmail("grace");
        var first = await Submissions.ReceiptIdAsync(await _app.PostJsonAsync("/api/join-requests", Submissions.JoinJson(email)));
        await _sendGrid.WaitForAcceptedAsync(1, Cancellation);

        var second = await Submissions.ReceiptIdAsync(await _app.PostJsonAsync("/api/join-requests",
            $$"""{"email":"  {{email.ToUpperInvariant()}} ","platforms":["ios"],"consent":true}"""));

        Assert.Equal(first, second);
        var row = Assert.Single(await Submissions.RowsAsync(storage, Forms.JoinRequest, r => Equals(r.GetString("email"), email)));
        Assert.Equal(2, row["Revision"]);
        Assert.Equal("ios", row["platforms"]);
        Assert.False(row.ContainsKey("name"), "answers left out of the update are gone");
        await _sendGrid.WaitForAcceptedAsync(2, Cancellation);
        Assert.Contains("updated (revision 2)", _sendGrid.Accepted.Last().Subject, StringComparison.Ordinal);

        // The very same request once more changes nothing and mails nothing.
        Assert.Equal(first, await Submissions.ReceiptIdAsync(await _app.PostJsonAsync("/api/join-requests",
            $$"""{"email":"{{email}}","platforms":["ios"],"consent":true}""")));
        await _app.Services.GetRequiredService<MailDelivery>().DeliverDueAsync(Cancellation);
        Assert.Equal(2, _sendGrid.Accepted.Count);
    }

    [Fact]
    public async Task A_retried_post_with_an_idempotency_key_gets_the_first_answer_and_stores_and_mails_once()
    {
        var comment = "retry me " + Guid.NewGuid();
        var key = Guid.NewGuid().ToString();

        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => PostWithKeyAsync("/api/feedback", Submissions.FeedbackJson(comment), key)));

        var ids = await Task.WhenAll(answers.Select(Submissions.ReceiptIdAsync));
        Assert.Single(ids.Distinct());
        Assert.Single(await Submissions.RowsAsync(storage, Forms.Feedback, r => Equals(r.GetString("comments"), comment)));
        Assert.Contains(answers, a => a.Headers.Contains("Idempotent-Replayed"));
        await _sendGrid.WaitForAcceptedAsync(1, Cancellation);
        await _app.Services.GetRequiredService<MailDelivery>().DeliverDueAsync(Cancellation);
        Assert.Single(_sendGrid.Accepted, m => m.SubmissionId == ids[0]);
    }

    [Fact]
    public async Task An_idempotency_key_reused_for_another_submission_is_refused_with_422()
    {
        var key = Guid.NewGuid().ToString();
        var email = Submissions.UniqueEmail("key");
        await Submissions.ReceiptIdAsync(await PostWithKeyAsync("/api/join-requests", Submissions.JoinJson(email), key));

        var reused = await PostWithKeyAsync("/api/join-requests", Submissions.JoinJson(email, ""","company":"Other" """.TrimEnd()), key);

        await ProblemAssert.StatusAsync(reused, HttpStatusCode.UnprocessableEntity);
        var row = Assert.Single(await Submissions.RowsAsync(storage, Forms.JoinRequest, r => Equals(r.GetString("email"), email)));
        Assert.False(row.ContainsKey("company"));
    }

    [Theory]
    [InlineData("abc def")]
    [InlineData("k\u0001")]
    public async Task A_malformed_idempotency_key_is_refused(string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/feedback") { Content = new StringContent(Submissions.FeedbackJson("x"), System.Text.Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation("Idempotency-Key", key);

        await ProblemAssert.ValidationAsync(await _app.Client.SendAsync(request, Cancellation), "Idempotency-Key");
    }

    [Fact]
    public async Task A_filled_honeypot_is_accepted_silently_and_neither_stored_nor_mailed()
    {
        var email = Submissions.UniqueEmail("bot");

        var id = await Submissions.ReceiptIdAsync(await _app.PostJsonAsync("/api/join-requests", Submissions.JoinJson(email, ""","website":"http://spam.example" """.TrimEnd())));

        Assert.Null(await Submissions.RowAsync(storage, Forms.JoinRequest, id));
        Assert.Empty(await Submissions.RowsAsync(storage, Forms.JoinRequest, r => Equals(r.GetString("email"), email)));
        await _app.Services.GetRequiredService<MailDelivery>().DeliverDueAsync(Cancellation);
        Assert.DoesNotContain(_sendGrid.Accepted, m => m.SubmissionId == id);
    }

    [Theory]
    [InlineData("join-requests", """{"name":"x","consent":true}""", "email")]
    [InlineData("join-requests", """{"email":"not an email","consent":true}""", "email")]
    [InlineData("join-requests", """{"email":"a@b.example","consent":true,"email":"c@d.example"}""", "email")]
    [InlineData("join-requests", """{"email":"Ada <ada@example.com>","consent":true}""", "email")]
    [InlineData("join-requests", """{"email":"ada@example.com\r\nBcc: evil@example.com","consent":true}""", "email")]
    [InlineData("join-requests", """{"email":"ada@example.com"}""", "consent")]
    [InlineData("join-requests", """{"email":"ada@example.com","consent":"yes"}""", "consent")]
    [InlineData("join-requests", """{"email":"ada@example.com","consent":false}""", "consent")]
    [InlineData("join-requests", """{"email":"ada@example.com","consent":true,"platforms":["beos"]}""", "platforms")]
    [InlineData("join-requests", """{"email":"ada@example.com","consent":true,"platforms":"android"}""", "platforms")]
    [InlineData("join-requests", """{"email":"ada@example.com","consent":true,"disconnectionsCommon":"often"}""", "disconnectionsCommon")]
    [InlineData("join-requests", """{"email":"ada@example.com","consent":true,"name":"Ada\r\nBcc: evil@example.com"}""", "name")]
    [InlineData("join-requests", """{"email":"ada@example.com","consent":true,"name":42}""", "name")]
    [InlineData("join-requests", """{"email":"ada@example.com","consent":true,"problems":"a\u0000b"}""", "problems")]
    [InlineData("join-requests", """{"email":"ada@example.com","consent":true,"problems":"\ud800"}""", "problems")]
    [InlineData("join-requests", """{"email":"ada@example.com","consent":true,"admin":true}""", "admin")]
    [InlineData("join-requests", """[]""", "body")]
    [InlineData("join-requests", """{"email":""", "body")]
    [InlineData("feedback", """{}""", "comments")]
    [InlineData("feedback", """{"email":"ada@example.com"}""", "comments")]
    [InlineData("feedback", """{"comments":"ok","solvesConnectivity":"maybe"}""", "solvesConnectivity")]
    [InlineData("feedback", """{"comments":"ok","sessionId":"not-a-session"}""", "sessionId")]
    [InlineData("feedback", """{"comments":"ok","sessionId":"1_MX42NTQzMjF-flNhdCBNYXIgMTUgMTQ6NDI6MjMgUERUIDIwMTR-MC40OTAxMzAyNX4"}""", "sessionId")]
    [InlineData("feedback", """{"comments":"ok","platform":["ios"]}""", "platform")]
    public async Task Bad_submissions_get_400_naming_the_field_and_store_nothing(string route, string body, string field)
    {
        var before = (await Submissions.RowsAsync(storage, route == "feedback" ? Forms.Feedback : Forms.JoinRequest)).Count;

        await ProblemAssert.ValidationAsync(await _app.PostJsonAsync($"/api/{route}", body), field);

        Assert.Equal(before, (await Submissions.RowsAsync(storage, route == "feedback" ? Forms.Feedback : Forms.JoinRequest)).Count);
    }

    [Fact]
    public async Task Text_up_to_4000_characters_is_kept_and_longer_refused()
    {
        var longest = string.Concat(Enumerable.Repeat("Wi-Fi→LTE 🚇 ", 400))[..4000];
        var id = await Submissions.ReceiptIdAsync(await _app.PostJsonAsync("/api/feedback", JsonSerializer.Serialize(new { comments = longest })));
        Assert.Equal(longest, (await Submissions.RowAsync(storage, Forms.Feedback, id))!["comments"]);

        var errors = await ProblemAssert.ValidationAsync(await _app.PostJsonAsync("/api/feedback", JsonSerializer.Serialize(new { comments = longest + "x" })), "comments");
        Assert.Contains("4001", errors[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bodies_over_64_KiB_get_413_and_other_content_types_415()
    {
        var huge = JsonSerializer.Serialize(new { comments = new string('x', 70_000) });
        await ProblemAssert.StatusAsync(await _app.PostJsonAsync("/api/feedback", huge), HttpStatusCode.RequestEntityTooLarge);
        var form = await _app.PostJsonAsync("/api/feedback", "comments=" + new string('x', 70_000), "application/x-www-form-urlencoded");
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, form.StatusCode);
        Assert.Contains("Bodies are limited to 64 KiB.", await form.Content.ReadAsStringAsync(Cancellation), StringComparison.Ordinal);
        await ProblemAssert.StatusAsync(await _app.PostJsonAsync("/api/feedback", "comments: hi", "text/plain"), HttpStatusCode.UnsupportedMediaType);
        await ProblemAssert.StatusAsync(await _app.PostJsonAsync("/api/join-requests", "<x/>", "application/xml"), HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task Hostile_text_is_encoded_in_the_html_part_plain_in_the_text_part_and_kept_out_of_headers()
    {
        var email = Submissions.UniqueEmail("mallory");
        var hostile = "<script>alert('x')</script>\r\nBcc: victim@example.com\r\n\r\n<img src=x onerror=alert(1)> Привет 你好 مرحبا";
        var body = JsonSerializer.Serialize(new
        {
            email,
            name = "Mallory <b>bold</b>",
            company = "Evil & Co \"quoted\"",
            problems = hostile,
            consent = true,
        });

        var id = await Submissions.ReceiptIdAsync(await _app.PostJsonAsync("/api/join-requests", body));

        await _sendGrid.WaitForAcceptedAsync(1, Cancellation);
        var mail = Assert.Single(_sendGrid.Accepted, m => m.SubmissionId == id);
        Assert.Equal(["automatic-reconnection-beta@tokbox.com"], mail.To);
        Assert.Empty(mail.CcAndBcc);
        Assert.Equal(email, mail.ReplyTo);
        Assert.DoesNotContain("<script>", mail.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("<img", mail.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>", mail.Html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;", mail.Html, StringComparison.Ordinal);
        Assert.Contains("Привет 你好 مرحبا", mail.Html, StringComparison.Ordinal);
        Assert.Contains(hostile.ReplaceLineEndings("\n").Replace("\n", "\n  ", StringComparison.Ordinal), mail.Text, StringComparison.Ordinal);
        Assert.Contains("Mallory <b>bold</b>", mail.Subject, StringComparison.Ordinal);
        Assert.True(mail.Subject.Length <= SubmissionMail.MaxSubjectLength);
    }

    [Fact]
    public async Task A_plain_form_post_stores_the_same_data_and_answers_with_a_thank_you_page()
    {
        var email = Submissions.UniqueEmail("form");
        var form = new FormUrlEncodedContent(
        [
            new("email", email), new("name", "Form Person"), new("platforms", "ios"), new("platforms", "react-native"),
            new("disconnectionsCommon", "yes"), new("problems", "line one\r\nline two"), new("consent", "true"), new("website", ""),
        ]);

        var response = await _app.Client.PostAsync("/api/join-requests", form, Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(FormPages.ContentSecurityPolicy, response.Headers.GetValues("Content-Security-Policy").Single());
        var html = await response.Content.ReadAsStringAsync(Cancellation);
        var row = Assert.Single(await Submissions.RowsAsync(storage, Forms.JoinRequest, r => Equals(r.GetString("email"), email)));
        Assert.Contains(row.RowKey, html, StringComparison.Ordinal);
        Assert.Equal("ios,react-native", row["platforms"]);
        Assert.Equal("line one\nline two", row["problems"]);
    }

    [Fact]
    public async Task A_form_post_with_errors_gets_the_form_again_with_messages_and_the_input_kept()
    {
        var form = new FormUrlEncodedContent([new("email", "not-an-email"), new("name", "Kept <Name>"), new("platforms", "web")]);

        var response = await _app.Client.PostAsync("/api/join-requests", form, Cancellation);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync(Cancellation);
        Assert.Contains("role=\"alert\"", html, StringComparison.Ordinal);
        Assert.Contains("Enter an email address such as name@example.com.", html, StringComparison.Ordinal);
        Assert.Contains("Tick this box to continue.", html, StringComparison.Ordinal);
        Assert.Contains("value=\"not-an-email\"", html, StringComparison.Ordinal);
        Assert.Contains("value=\"Kept &lt;Name&gt;\"", html, StringComparison.Ordinal);
        Assert.Contains("value=\"web\" data-kind=\"choices\" checked", html, StringComparison.Ordinal);
    }

    private Task<HttpResponseMessage> PostWithKeyAsync(string path, string json, string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") };
        request.Headers.Add("Idempotency-Key", key);
        return _app.Client.SendAsync(request, Cancellation);
    }
}
