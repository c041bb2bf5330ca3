using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using ReconnectionFunctions.Hosting;
using ReconnectionFunctions.Tests.Credentials;
using ReconnectionFunctions.Tests.Infrastructure;

namespace ReconnectionFunctions.Tests.Hosting;

/// <summary>
/// The built app as a newcomer runs it: its own process, a folder with only a settings file, the
/// development-emulator storage setting, and no Core Tools.
/// </summary>
public class LocalServerProcessTests
{
    [Fact]
    public async Task The_app_serves_the_api_starts_its_own_azurite_and_stops_it_on_ctrl_c()
    {
        var cancellation = TestContext.Current.CancellationToken;
        var folder = Directory.CreateTempSubdirectory("reconnection-local-").FullName;
        var storagePort = AzuriteFixture.FreePort();
        var appPort = AzuriteFixture.FreePort();
        var settings = JsonNode.Parse(await File.ReadAllTextAsync(RepoPaths.SampleSettings, cancellation))!;
        settings["Values"]!["AzureWebJobsStorage"] =
            $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AzuriteProcess.AccountKey};TableEndpoint=http://127.0.0.1:{storagePort}/devstoreaccount1;";
        await File.WriteAllTextAsync(Path.Combine(folder, "local.settings.json"), settings.ToJsonString(), cancellation);

        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            ArgumentList = { Path.Combine(RepoPaths.FunctionsOutput, "ReconnectionFunctions.dll"), "--urls", $"http://127.0.0.1:{appPort}" },
            // Environment variables override the settings file, as under func start.
            Environment = { ["Tokens__MaxRole"] = "subscriber" },
        };
        using var app = Process.Start(start)!;
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var output = new List<string>();
        app.OutputDataReceived += (_, line) =>
        {
            lock (output)
            {
                output.Add(line.Data ?? "");
            }
            if (line.Data?.Contains("Application started", StringComparison.Ordinal) == true)
            {
                started.TrySetResult();
            }
        };
        app.ErrorDataReceived += (_, line) => { lock (output) { output.Add(line.Data ?? ""); } };
        app.BeginOutputReadLine();
        app.BeginErrorReadLine();

        try
        {
            await Task.WhenAny(started.Task, app.WaitForExitAsync(cancellation)).Unwrap();
            Assert.True(started.Task.IsCompleted, "The app did not start:\n" + string.Join('\n', output));

            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{appPort}") };
            var credentials = await IssuedTokens.ReadCredentialsAsync(await client.GetAsync("/api/session", cancellation));
            Assert.Equal(Fixture.SessionId, credentials.SessionId);
            Assert.Equal("subscriber", credentials.Role);
            Assert.Equal("subscriber", IssuedTokens.VerifyT1(credentials.Token, Fixture.ApiKey, Fixture.ApiSecret)["role"]);

            var health = await client.GetAsync("/api/health", cancellation);
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            Assert.True(await AzuriteProcess.IsListeningAsync(storagePort, cancellation));
            Assert.True(File.Exists(Path.Combine(folder, ".azurite", "__azurite_db_table__.json")));
        }
        finally
        {
            if (!app.HasExited)
            {
                Process.Start("kill", ["-INT", app.Id.ToString()])!.WaitForExit();
                await app.WaitForExitAsync(cancellation);
            }
        }

        Assert.Equal(0, app.ExitCode);
        Assert.False(await AzuriteProcess.IsListeningAsync(storagePort, cancellation), "Azurite should stop with the app.");
        Directory.Delete(folder, recursive: true);
    }
}
