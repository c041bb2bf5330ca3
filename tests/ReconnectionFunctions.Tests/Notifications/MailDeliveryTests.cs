using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using ReconnectionFunctions.Notifications;
using ReconnectionFunctions.PreviewProgram;
using ReconnectionFunctions.Tests.Infrastructure;

namespace ReconnectionFunctions.Tests.Notifications;

/// <summary>Mail that is never lost: SendGrid outages, rate limits, refusals, replay and the timer.</summary>
public sealed class MailDeliveryTests(OwnAzuriteFixture storage) : IAsyncLifetime, IClassFixture<OwnAzuriteFixture>
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 4, 9, 0, 30, TimeSpan.Zero));
    private SendGridFake _sendGrid = null!;
    private TestApp _app = null!;

    public async ValueTask InitializeAsync()
    {
        _sendGrid = await SendGridFake.StartAsync(TestApp.SendGridKey);
        var settings = TestApp.Settings(storage, sendGrid: _sendGrid);
        settings["Notifications:MaxAttempts"] = "5";
        _app = await TestApp.StartAsync(settings, _time);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        await _sendGrid.DisposeAsync();
    }

    private CancellationToken Cancellation => TestContext.Current.CancellationToken;
    private MailDelivery Delivery => _app.Services.GetRequiredService<MailDelivery>();
    private MailDispatcher Dispatcher => _app.Services.GetRequiredService<MailDispatcher>();

    private async Task<string> SubmitFeedbackAsync(string comment) =>
        await Submissions.ReceiptIdAsync(await _app.PostJsonAsync("/api/feedback", Submissions.FeedbackJson(comment)));

    [Fact]
    public async Task Two_hundred_submissions_during_a_sendgrid_outage_are_each_mailed_exactly_once_after_it_recovers()
    {
        _sendGrid.FailAll(503);
        var tag = Guid.NewGuid().ToString("N");
        var ids = new List<string>();
        await Parallel.ForEachAsync(Enumerable.Range(0, 200), new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = Cancellation }, async (i, _) =>
        {
            var id = await SubmitFeedbackAsync($"outage {tag} #{i}");
            lock (ids)
            {
                ids.Add(id);
            }
        });
        await Dispatcher.WhenIdleAsync(Cancellation);

        var stored = await Submissions.RowsAsync(storage, Forms.Feedback, r => r.GetString("comments")?.Contains(tag, StringComparison.Ordinal) == true);
        Assert.Equal(200, stored.Count);
        Assert.All(stored, row => Assert.Equal(MailColumns.Failed, row[MailColumns.State]));
        Assert.All(stored, row => Assert.Equal("SendGrid answered 503 ServiceUnavailable", row[MailColumns.LastError]));
        Assert.Empty(_sendGrid.Accepted);

        // Still down a while later: the retry fails too and is pushed back.
        _time.Advance(TimeSpan.FromMinutes(1));
        await Delivery.DeliverDueAsync(Cancellation);
        Assert.Empty(_sendGrid.Accepted);

        _sendGrid.Failure = null;
        _time.Advance(TimeSpan.FromMinutes(2));
        await Delivery.DeliverDueAsync(Cancellation);
        await Delivery.DeliverDueAsync(Cancellation);

        var mailed = _sendGrid.Accepted.Where(m => ids.Contains(m.SubmissionId!)).Select(m => m.SubmissionId).ToList();
        Assert.Equal(200, mailed.Count);
        Assert.Equal(ids.Order(), mailed.Order());
        var after = await Submissions.RowsAsync(storage, Forms.Feedback, r => ids.Contains(r.RowKey));
        Assert.All(after, row => Assert.Equal(MailColumns.Sent, row[MailColumns.State]));
        Assert.All(after, row => Assert.Equal(3, row[MailColumns.Attempts]));
        Assert.Empty(_sendGrid.Refusals);
    }

    [Fact]
    public async Task A_429_is_honoured_until_sendgrids_rate_limit_resets()
    {
        var reset = _time.GetUtcNow().AddMinutes(10);
        _sendGrid.FailAll(429, new Dictionary<string, string> { ["X-RateLimit-Reset"] = reset.ToUnixTimeSeconds().ToString() });
        var id = await SubmitFeedbackAsync("rate limited " + Guid.NewGuid());
        await Dispatcher.WhenIdleAsync(Cancellation);
        _sendGrid.Failure = null;

        var row = await Submissions.RowAsync(storage, Forms.Feedback, id);
        Assert.Equal(reset, row!.GetDateTimeOffset(MailColumns.NextAttemptAt));

        _time.Advance(TimeSpan.FromMinutes(5));
        await Delivery.DeliverDueAsync(Cancellation);
        Assert.DoesNotContain(_sendGrid.Accepted, m => m.SubmissionId == id);

        _time.Advance(TimeSpan.FromMinutes(5));
        await Delivery.DeliverDueAsync(Cancellation);
        Assert.Single(_sendGrid.Accepted, m => m.SubmissionId == id);
    }

    [Fact]
    public async Task A_refused_message_is_given_up_at_once_and_sent_after_a_replay()
    {
        _sendGrid.FailAll(400);
        var id = await SubmitFeedbackAsync("refused " + Guid.NewGuid());
        await Dispatcher.WhenIdleAsync(Cancellation);

        var row = await Submissions.RowAsync(storage, Forms.Feedback, id);
        Assert.Equal(MailColumns.Failed, row![MailColumns.State]);
        Assert.False(row.ContainsKey(MailColumns.NextAttemptAt), "no automatic retry for a refused message");

        _sendGrid.Failure = null;
        _time.Advance(TimeSpan.FromHours(3));
        await Delivery.DeliverDueAsync(Cancellation);
        Assert.DoesNotContain(_sendGrid.Accepted, m => m.SubmissionId == id);

        Assert.True(await Delivery.ReplayFailedAsync(Cancellation) >= 1);
        await Delivery.DeliverDueAsync(Cancellation);
        Assert.Single(_sendGrid.Accepted, m => m.SubmissionId == id);
        Assert.Equal(MailColumns.Sent, (await Submissions.RowAsync(storage, Forms.Feedback, id))![MailColumns.State]);
    }

    [Fact]
    public async Task The_replay_mail_command_makes_failed_mail_due_again()
    {
        _sendGrid.FailAll(400);
        var id = await SubmitFeedbackAsync("replayed by command " + Guid.NewGuid());
        await Dispatcher.WhenIdleAsync(Cancellation);
        Assert.False((await Submissions.RowAsync(storage, Forms.Feedback, id))!.ContainsKey(MailColumns.NextAttemptAt));

        // As an operator runs it: settings from the command line, against the same storage.
        var exit = await MailReplay.RunAsync(["--AzureWebJobsStorage", storage.ConnectionString]);

        Assert.Equal(0, exit);
        var row = await Submissions.RowAsync(storage, Forms.Feedback, id);
        Assert.Equal(0, row![MailColumns.Attempts]);
        Assert.NotNull(row.GetDateTimeOffset(MailColumns.NextAttemptAt));
        _sendGrid.Failure = null;
        _time.Advance(TimeSpan.FromDays(1));
        await Delivery.DeliverDueAsync(Cancellation);
        Assert.Single(_sendGrid.Accepted, m => m.SubmissionId == id);
    }

    [Fact]
    public async Task Retries_back_off_and_stop_after_the_configured_attempts()
    {
        _sendGrid.FailAll(500);
        var id = await SubmitFeedbackAsync("always failing " + Guid.NewGuid());
        await Dispatcher.WhenIdleAsync(Cancellation);

        var waits = new List<TimeSpan>();
        for (var attempt = 1; attempt < 5; attempt++)
        {
            var row = await Submissions.RowAsync(storage, Forms.Feedback, id);
            var next = row!.GetDateTimeOffset(MailColumns.NextAttemptAt)!.Value;
            waits.Add(next - _time.GetUtcNow());
            _time.Advance(next - _time.GetUtcNow());
            await Delivery.DeliverDueAsync(Cancellation);
        }

        Assert.Equal([TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(4), TimeSpan.FromMinutes(8)], waits);
        var last = await Submissions.RowAsync(storage, Forms.Feedback, id);
        Assert.Equal(5, last![MailColumns.Attempts]);
        Assert.Equal(MailColumns.Failed, last[MailColumns.State]);
        Assert.False(last.ContainsKey(MailColumns.NextAttemptAt));
        Assert.Equal(5, _sendGrid.Requests);
    }

}

/// <summary>The mail timer, on the local server as under the Functions host: every minute, on the injected clock.</summary>
public sealed class MailTimerTests(OwnAzuriteFixture storage) : IClassFixture<OwnAzuriteFixture>
{
    [Fact]
    public async Task The_mail_timer_retries_on_its_schedule()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 4, 9, 0, 30, TimeSpan.Zero));
        await using var sendGrid = await SendGridFake.StartAsync(TestApp.SendGridKey);
        var settings = TestApp.Settings(storage, sendGrid: sendGrid);
        settings["AzureWebJobs.DeliverMail.Disabled"] = "false";
        await using var app = await TestApp.StartAsync(settings, time);
        sendGrid.FailAll(503);
        var id = await Submissions.ReceiptIdAsync(await app.PostJsonAsync("/api/feedback", Submissions.FeedbackJson("timer " + Guid.NewGuid())));
        await app.Services.GetRequiredService<MailDispatcher>().WhenIdleAsync(TestContext.Current.CancellationToken);
        sendGrid.Failure = null;

        // The retry is due at 09:01:30; the timer fires at 09:02:00.
        time.Advance(TimeSpan.FromSeconds(60));
        time.Advance(TimeSpan.FromSeconds(30));

        await sendGrid.WaitForAcceptedAsync(1, TestContext.Current.CancellationToken);
        Assert.Equal(id, Assert.Single(sendGrid.Accepted).SubmissionId);
    }
}

/// <summary>Without a SendGrid key, mail goes to the mail-drop folder, one readable file per message.</summary>
public sealed class MailDropTests(AzuriteFixture storage)
{
    [Fact]
    public async Task Each_message_is_one_eml_file_in_the_mail_drop()
    {
        var settings = TestApp.Settings(storage);
        var folder = settings["Notifications:MailDropDirectory"]!;
        await using var app = await TestApp.StartAsync(settings);
        var email = Submissions.UniqueEmail("drop");

        var id = await Submissions.ReceiptIdAsync(await app.PostJsonAsync("/api/join-requests", Submissions.JoinJson(email)));
        await app.Services.GetRequiredService<MailDispatcher>().WhenIdleAsync(TestContext.Current.CancellationToken);

        var file = Assert.Single(Directory.GetFiles(folder));
        Assert.Equal($"join-request-{id}-r1.eml", Path.GetFileName(file));
        var eml = await File.ReadAllTextAsync(file, TestContext.Current.CancellationToken);
        Assert.Contains("To: automatic-reconnection-beta@tokbox.com\r\n", eml, StringComparison.Ordinal);
        Assert.Contains($"Reply-To: {email}\r\n", eml, StringComparison.Ordinal);
        Assert.Contains("Content-Type: text/plain; charset=utf-8", eml, StringComparison.Ordinal);
        Assert.Contains("Calls drop when moving from Wi-Fi to LTE.", eml, StringComparison.Ordinal);
        Assert.Equal(MailColumns.Sent, (await Submissions.RowAsync(storage, Forms.JoinRequest, id))![MailColumns.State]);

        var health = await app.Client.GetStringAsync("/api/health", TestContext.Current.CancellationToken);
        Assert.Contains("\"mode\":\"maildrop\"", health, StringComparison.Ordinal);
        Directory.Delete(folder, recursive: true);
    }
}

/// <summary>Safe mail, at the level of the composer: the subject is one capped line whatever the row holds.</summary>
public class SubmissionMailTests
{
    [Fact]
    public void Line_breaks_and_controls_never_reach_the_subject_and_length_is_capped()
    {
        var row = new Azure.Data.Tables.TableEntity("0", "01M90Z5CKHWEV6JYXTDTTKBEEP")
        {
            ["Id"] = "01M90Z5CKHWEV6JYXTDTTKBEEP",
            ["Revision"] = 1,
            ["email"] = "ada@example.com",
            ["name"] = "Ada\r\nBcc: victim@example.com\r\n\r\nbody" + new string('x', 500),
            ["company"] = "\u0007Co\u2028rp",
        };

        var mail = new SubmissionMail(Forms.JoinRequest).Compose(row);

        Assert.DoesNotContain('\r', mail.Subject);
        Assert.DoesNotContain('\n', mail.Subject);
        Assert.DoesNotContain('\u2028', mail.Subject);
        Assert.DoesNotContain('\u0007', mail.Subject);
        Assert.True(mail.Subject.Length <= SubmissionMail.MaxSubjectLength, mail.Subject);
        Assert.StartsWith("[Automatic Reconnection preview] Join request: Ada Bcc: victim@example.com body", mail.Subject, StringComparison.Ordinal);
        Assert.Equal("ada@example.com", mail.ReplyTo);
    }

    [Theory]
    [InlineData("not an address")]
    [InlineData("a@b.example\r\nBcc: c@d.example")]
    [InlineData("Ada <ada@example.com>")]
    public void A_stored_address_that_is_not_plain_never_becomes_the_reply_to(string email)
    {
        var row = new Azure.Data.Tables.TableEntity("0", "01M90Z5CKHWEV6JYXTDTTKBEEP") { ["email"] = email };

        Assert.Null(new SubmissionMail(Forms.Feedback).Compose(row).ReplyTo);
    }
}
