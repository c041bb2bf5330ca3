using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ReconnectionFunctions.Credentials;
using ReconnectionFunctions.Tests.Infrastructure;

namespace ReconnectionFunctions.Tests.Hosting;

/// <summary>Bad settings stop the app at start with the setting's name, never a null deep in a request.</summary>
public class SettingsValidationTests(AzuriteFixture storage)
{
    [Theory]
    [InlineData("OpenTok:ApiKey", "key-abc", "OpenTok:ApiKey must be the numeric")]
    [InlineData("OpenTok:ApiSecret", "", "must be set together")]
    [InlineData("OpenTok:SessionId", Fixture.OtherKeySessionId, "OpenTok:SessionId is not a session of the project")]
    [InlineData("OpenTok:ApiUrl", "/relative", "OpenTok:ApiUrl must be an absolute")]
    [InlineData("OpenTok:ApiUrl", "ftp://example.com", "OpenTok:ApiUrl must be an absolute")]
    [InlineData("OpenTok:TokenFormat", "7", "OpenTok:TokenFormat must be T1 or JWT")]
    [InlineData("OpenTok:RequestTimeout", "00:05:00", "OpenTok:RequestTimeout")]
    [InlineData("Tokens:MaxRole", "moderator", "moderator tokens are never handed to anonymous callers")]
    [InlineData("Tokens:DefaultTtl", "48:00:00", "Tokens:DefaultTtl must be")]
    [InlineData("Tokens:MaxTtl", "31.00:00:00", "Tokens:MaxTtl must be")]
    [InlineData("Tokens:Passcode", "short", "Tokens:Passcode must have at least 8")]
    [InlineData("AzureWebJobsStorage", "", "AzureWebJobsStorage is not set")]
    [InlineData("AzureWebJobsStorage", "not a connection string", "AzureWebJobsStorage is not a valid")]
    public async Task A_bad_setting_stops_the_app_at_start_naming_it(string key, string value, string message)
    {
        var settings = TestApp.Settings(storage);
        settings[key] = value;
        var app = TestApp.Build(settings, null, out _);

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreadable_value_stops_the_app_naming_the_setting()
    {
        var settings = TestApp.Settings(storage);
        settings["Tokens:DefaultTtl"] = "an hour";
        var app = TestApp.Build(settings, null, out _);

        var error = await Assert.ThrowsAnyAsync<InvalidOperationException>(() => app.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains("Tokens:DefaultTtl", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("24:00:00", 24)]
    [InlineData("36:00:00", 36)]
    [InlineData("1.00:00:00", 24)]
    [InlineData("02:30:00", 2.5)]
    public void Durations_written_as_hours_mean_hours(string written, double hours)
    {
        var settings = TestApp.Settings(storage);
        settings["Tokens:MaxTtl"] = written;
        var app = TestApp.Build(settings, null, out _);

        Assert.Equal(TimeSpan.FromHours(hours), app.Services.GetRequiredService<IOptions<TokenPolicySettings>>().Value.MaxTtl);
    }

    [Fact]
    public void The_sample_settings_are_the_contract_defaults()
    {
        var app = TestApp.Build(TestApp.Settings(storage), null, out _);
        var tokens = app.Services.GetRequiredService<IOptions<TokenPolicySettings>>().Value;
        var openTok = app.Services.GetRequiredService<IOptions<OpenTokSettings>>().Value;

        Assert.Equal(TimeSpan.FromHours(1), tokens.DefaultTtl);
        Assert.Equal(TimeSpan.FromHours(24), tokens.MaxTtl);
        Assert.Equal(ReconnectionFunctions.OpenTok.Role.Publisher, tokens.MaxRole);
        Assert.Null(tokens.Passcode is "" ? null : tokens.Passcode);
        Assert.Equal(ReconnectionFunctions.OpenTok.MediaMode.Routed, openTok.MediaMode);
        Assert.Equal(ReconnectionFunctions.OpenTok.TokenFormat.T1, openTok.TokenFormat);
        Assert.Equal(Fixture.ApiKey, openTok.ApiKey);
        Assert.Equal(Fixture.SessionId, openTok.SessionId);
    }
}
