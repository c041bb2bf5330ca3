using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using ReconnectionFunctions.Notifications;
using ReconnectionFunctions.PreviewProgram;
using ReconnectionFunctions.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace ReconnectionFunctions.Tests.PreviewProgram;

/// <summary>
/// Both web forms filled in and sent in a real browser as a person would, with JavaScript and
/// without, checked down to the stored row and the mail the beta team receives.
/// </summary>
public sealed class FormBrowserTests(AzuriteFixture storage, BrowserFixture browser) : IAsyncLifetime, IClassFixture<BrowserFixture>
{
    private SendGridFake _sendGrid = null!;
    private TestApp _app = null!;
    private readonly List<string> _consoleErrors = [];
    private readonly List<string> _foreignRequests = [];

    public async ValueTask InitializeAsync()
    {
        _sendGrid = await SendGridFake.StartAsync(TestApp.SendGridKey);
        var settings = TestApp.Settings(storage, sendGrid: _sendGrid);
        _app = await TestApp.StartAsync(settings);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        await _sendGrid.DisposeAsync();
    }

    private async Task<IPage> OpenAsync(string form, bool javaScript)
    {
        var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions { JavaScriptEnabled = javaScript, BaseURL = _app.BaseAddress.AbsoluteUri });
        var page = await context.NewPageAsync();
        page.Console += (_, message) =>
        {
            // A 400 answer to fetch is logged as a failed load by the browser itself: that is the form working.
            if (message.Type == "error" && !message.Text.StartsWith("Failed to load resource", StringComparison.Ordinal))
            {
                _consoleErrors.Add(message.Text);
            }
        };
        page.Request += (_, request) =>
        {
            if (!request.Url.StartsWith(_app.BaseAddress.AbsoluteUri, StringComparison.Ordinal))
            {
                _foreignRequests.Add(request.Url);
            }
        };
        var response = await page.GotoAsync($"/api/forms/{form}");
        Assert.Equal(200, response!.Status);
        Assert.Equal(FormPages.ContentSecurityPolicy, await response.HeaderValueAsync("content-security-policy"));
        return page;
    }

    private async Task FillJoinFormAsync(IPage page, string email)
    {
        await page.GetByLabel("Contact email for this preview").FillAsync(email);
        await page.GetByLabel("Your name").FillAsync("Katherine Johnson");
        await page.GetByLabel("Company or product").FillAsync("Orbital Calls Ltd");
        await page.GetByRole(AriaRole.Group, new() { Name = "Platforms your product uses OpenTok on" }).GetByLabel("Android").CheckAsync();
        await page.GetByRole(AriaRole.Group, new() { Name = "Platforms your product uses OpenTok on" }).GetByLabel("iOS", new() { Exact = true }).CheckAsync();
        await page.GetByLabel("What problems do you hope Automatic Reconnection will solve?").FillAsync("Calls drop in lifts.\nAnd in tunnels.");
        await page.GetByRole(AriaRole.Group, new() { Name = "Are session disconnections a common issue in your product?" }).GetByLabel("Sometimes").CheckAsync();
        await page.GetByLabel("I agree that the preview team may store").CheckAsync();
    }

    private async Task<(string Id, SentMail Mail)> StoredAndMailedAsync(SubmissionKind kind, IPage page)
    {
        var id = (await page.Locator("[data-reference]").TextContentAsync())!.Trim();
        Assert.True(SubmissionIds.IsValid(id), id);
        Assert.NotNull(await Submissions.RowAsync(storage, kind, id));
        await _app.Services.GetRequiredService<MailDispatcher>().WhenIdleAsync(TestContext.Current.CancellationToken);
        var mail = Assert.Single(_sendGrid.Accepted, m => m.SubmissionId == id);
        Assert.Empty(_consoleErrors);
        Assert.Empty(_foreignRequests);
        return (id, mail);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_join_form_sends_a_request_that_is_stored_and_mailed(bool javaScript)
    {
        var page = await OpenAsync("join", javaScript);
        var email = Submissions.UniqueEmail("kj");
        await FillJoinFormAsync(page, email);

        await page.GetByRole(AriaRole.Button, new() { Name = "Send my request" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Thank you: your request is in" })).ToBeVisibleAsync();
        Assert.Equal(javaScript, page.Url.EndsWith("/api/forms/join", StringComparison.Ordinal));
        var (id, mail) = await StoredAndMailedAsync(Forms.JoinRequest, page);
        var row = await Submissions.RowAsync(storage, Forms.JoinRequest, id);
        Assert.Equal(email, row!["email"]);
        Assert.Equal("android,ios", row["platforms"]);
        Assert.Equal("sometimes", row["disconnectionsCommon"]);
        Assert.Equal("Calls drop in lifts.\nAnd in tunnels.", row["problems"]);
        Assert.Equal(email, mail.ReplyTo);
        Assert.Contains("Katherine Johnson (Orbital Calls Ltd)", mail.Subject, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_javascript_errors_come_back_on_the_page_with_the_input_kept()
    {
        var page = await OpenAsync("join", javaScript: false);
        await page.GetByLabel("Contact email for this preview").FillAsync("katherine.at.example");
        await page.GetByLabel("Your name").FillAsync("Katherine Johnson");

        await page.GetByRole(AriaRole.Button, new() { Name = "Send my request" }).ClickAsync();

        var summary = page.GetByRole(AriaRole.Alert);
        await Expect(summary).ToContainTextAsync("Enter an email address such as name@example.com.");
        await Expect(summary).ToContainTextAsync("Tick this box to continue.");
        await Expect(summary).ToBeFocusedAsync();
        var emailBox = page.GetByLabel("Contact email for this preview");
        await Expect(emailBox).ToHaveValueAsync("katherine.at.example");
        await Expect(emailBox).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(page.GetByLabel("Your name")).ToHaveValueAsync("Katherine Johnson");

        var email = Submissions.UniqueEmail("kj");
        await emailBox.FillAsync(email);
        await page.GetByLabel("I agree that the preview team may store").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Send my request" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Thank you: your request is in" })).ToBeVisibleAsync();
        await StoredAndMailedAsync(Forms.JoinRequest, page);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_feedback_form_sends_feedback_that_is_stored_and_mailed(bool javaScript)
    {
        var page = await OpenAsync("feedback", javaScript);
        var comment = "Reconnected in 3 s after Wi-Fi dropped " + Guid.NewGuid();

        await page.GetByRole(AriaRole.Group, new() { Name = "Are we solving your connectivity problem?" }).GetByLabel("Yes").CheckAsync();
        await page.GetByRole(AriaRole.Group, new() { Name = "Is the API solving your use case?" }).GetByLabel("Partly").CheckAsync();
        await page.GetByLabel("Tell us more about your use case").FillAsync("We need the reconnecting event sooner.");
        await page.GetByLabel("Anything else?").FillAsync(comment);
        await page.GetByLabel("Platform you tested on").SelectOptionAsync("android");
        await page.GetByLabel("Client SDK version").FillAsync("2.15.3");
        await page.GetByRole(AriaRole.Button, new() { Name = "Send feedback" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Thank you for your feedback" })).ToBeVisibleAsync();
        var (id, mail) = await StoredAndMailedAsync(Forms.Feedback, page);
        var row = await Submissions.RowAsync(storage, Forms.Feedback, id);
        Assert.Equal(comment, row!["comments"]);
        Assert.Equal("partly", row["apiFitsUseCase"]);
        Assert.Equal("android", row["platform"]);
        Assert.Equal("[Automatic Reconnection preview] Feedback: connectivity yes, API partly, performance - on android", mail.Subject);
    }

    [Fact]
    public async Task With_javascript_errors_are_announced_inline_and_fixed_in_place()
    {
        var page = await OpenAsync("feedback", javaScript: true);
        await page.GetByLabel("Your email, if you would like a reply").FillAsync("nobody@");

        await page.GetByRole(AriaRole.Button, new() { Name = "Send feedback" }).ClickAsync();

        var summary = page.GetByRole(AriaRole.Alert);
        await Expect(summary).ToBeFocusedAsync();
        await Expect(summary).ToContainTextAsync("Answer at least one question or leave a comment.");
        await Expect(page.Locator("#e-email")).ToHaveTextAsync("Enter an email address such as name@example.com.");
        await Expect(page.GetByLabel("Your email, if you would like a reply")).ToHaveAttributeAsync("aria-invalid", "true");
        Assert.EndsWith("/api/forms/feedback", page.Url, StringComparison.Ordinal);

        await page.GetByLabel("Your email, if you would like a reply").FillAsync("reader@example.com");
        await page.GetByLabel("Anything else?").FillAsync("Works well " + Guid.NewGuid());
        await page.GetByRole(AriaRole.Button, new() { Name = "Send feedback" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Thank you for your feedback" })).ToBeVisibleAsync();
        await Expect(summary).ToBeHiddenAsync();
        var (_, mail) = await StoredAndMailedAsync(Forms.Feedback, page);
        Assert.Equal("reader@example.com", mail.ReplyTo);
    }

    [Theory]
    [InlineData("join")]
    [InlineData("feedback")]
    public async Task Every_control_has_a_label_and_the_page_loads_nothing_from_elsewhere(string form)
    {
        var page = await OpenAsync(form, javaScript: true);

        var unlabelled = await page.EvaluateAsync<string[]>("""
            () => Array.from(document.querySelectorAll('input, select, textarea, button'))
                .filter(c => c.name !== 'website' && c.type !== 'hidden')
                .filter(c => c.tagName === 'BUTTON' ? !c.textContent.trim() : c.labels.length === 0)
                .map(c => c.name || c.id)
            """);
        Assert.Empty(unlabelled);
        Assert.Equal(0, await page.Locator("script[src], link[href], img, iframe, [style]").CountAsync());
        await Expect(page.Locator("input[name=website]")).ToHaveAttributeAsync("tabindex", "-1");
        Assert.Empty(_consoleErrors);
        Assert.Empty(_foreignRequests);
    }
}
