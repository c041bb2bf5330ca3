using System.Collections.Concurrent;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ReconnectionFunctions.Hosting;

namespace ReconnectionFunctions.Tests.Infrastructure;

/// <summary>
/// The local server, started in this process on a free loopback port with the shipped sample
/// settings plus each test's overrides: a real Kestrel server, real storage, real HTTP.
/// </summary>
public sealed class TestApp : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestApp(WebApplication app, Uri baseAddress, LogCapture logs)
    {
        _app = app;
        BaseAddress = baseAddress;
        Logs = logs;
        Client = new HttpClient { BaseAddress = baseAddress };
    }

    public Uri BaseAddress { get; }
    public HttpClient Client { get; }
    public LogCapture Logs { get; }
    public IServiceProvider Services => _app.Services;

    public const string SendGridKey = "SG.test-key-for-the-loopback-fake";

    /// <summary>
    /// Settings for an app on the shared Azurite that creates rooms on <paramref name="openTok"/> and
    /// mails through <paramref name="sendGrid"/> (or, without one, into a mail-drop folder of its own).
    /// </summary>
    public static Dictionary<string, string?> Settings(AzuriteFixture storage, OpenTokFake? openTok = null, SendGridFake? sendGrid = null) => new()
    {
        ["AzureWebJobsStorage"] = storage.ConnectionString,
        ["OpenTok:ApiUrl"] = openTok?.ApiUrl.AbsoluteUri ?? "http://127.0.0.1:9",
        ["SendGrid:ApiKey"] = sendGrid is null ? "" : SendGridKey,
        ["SendGrid:Host"] = sendGrid?.Host.AbsoluteUri ?? "https://api.sendgrid.com",
        ["Notifications:MailDropDirectory"] = Path.Combine(Path.GetTempPath(), "reconnection-maildrop-" + Guid.NewGuid().ToString("N")),
        // Every test posts from 127.0.0.1 into one shared store; the rate-limit tests set their own limit and clients.
        ["Submissions:PerClientPerHour"] = "100000",
        // The mail timer sweeps every due row of the store; in a shared store it would send other tests' mail.
        // Tests of delivery drive it themselves, on a store of their own.
        ["AzureWebJobs.DeliverMail.Disabled"] = "true",
    };

    public static async Task<TestApp> StartAsync(IDictionary<string, string?> settings, TimeProvider? time = null)
    {
        var app = Build(settings, time, out var logs);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new TestApp(app, new Uri(address), logs);
    }

    /// <summary>Builds without starting, for tests of start-up itself.</summary>
    public static WebApplication Build(IDictionary<string, string?> settings, TimeProvider? time, out LogCapture logs)
    {
        var builder = LocalServer.CreateBuilder(["--urls", "http://127.0.0.1:0"], RepoPaths.SampleSettings);
        builder.Configuration.AddInMemoryCollection(settings);
        if (time is not null)
        {
            builder.Services.AddSingleton(time);
        }
        logs = new LogCapture();
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Trace);
        builder.Logging.AddProvider(logs);
        return LocalServer.Build(builder);
    }

    public Task<HttpResponseMessage> PostJsonAsync(string path, string json, string contentType = "application/json")
    {
        var content = new StringContent(json);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return Client.PostAsync(path, content);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>Keeps every log line an app writes, so tests can check what reached the logs.</summary>
public sealed class LogCapture : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyCollection<string> Lines => _lines;

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _lines);

    public void Dispose() { }

    private sealed class Logger(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {exception}");
    }
}
