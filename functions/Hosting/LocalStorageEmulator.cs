using System.Data.Common;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ReconnectionFunctions.Hosting;

/// <summary>
/// Local server only: when storage is the development emulator and nothing listens on its table
/// port, starts Azurite for the life of the server, keeping its data in <c>.azurite/</c> beside
/// the settings file.
/// </summary>
public sealed partial class LocalStorageEmulator(IOptions<StorageSettings> storage, LocalServerInfo server, ILogger<LocalStorageEmulator> logger)
    : IHostedService, IAsyncDisposable
{
    public const int DefaultTablePort = 10002;

    private AzuriteProcess? _azurite;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (EmulatorTablePort(storage.Value.ConnectionString) is not { } port || await AzuriteProcess.IsListeningAsync(port, cancellationToken))
        {
            return;
        }
        if (AzuriteProcess.FindExecutable() is not { } executable)
        {
            LogNotInstalled(port);
            return;
        }
        var location = Path.Combine(server.SettingsDirectory ?? Directory.GetCurrentDirectory(), ".azurite");
        _azurite = await AzuriteProcess.StartAsync(executable, port, location, cancellationToken);
        LogStarted(port, location);
    }

    public async Task StopAsync(CancellationToken cancellationToken) => await DisposeAsync();

    public async ValueTask DisposeAsync()
    {
        if (_azurite is { } azurite)
        {
            _azurite = null;
            await azurite.DisposeAsync();
        }
    }

    /// <summary>The table port when the connection string is Azurite on this machine; null otherwise.</summary>
    public static int? EmulatorTablePort(string? connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return null;
        }
        var parts = new DbConnectionStringBuilder { ConnectionString = connectionString };
        if (parts.TryGetValue("UseDevelopmentStorage", out var development) && string.Equals(development as string, "true", StringComparison.OrdinalIgnoreCase))
        {
            return DefaultTablePort;
        }
        if (parts.TryGetValue("AccountName", out var account) && string.Equals(account as string, "devstoreaccount1", StringComparison.Ordinal)
            && parts.TryGetValue("TableEndpoint", out var endpoint) && Uri.TryCreate(endpoint as string, UriKind.Absolute, out var uri) && uri.IsLoopback)
        {
            return uri.Port;
        }
        return null;
    }

    [LoggerMessage(LogLevel.Warning, "Storage is the development emulator but nothing listens on port {Port} and Azurite is not installed: run 'npm ci' in the repository root")]
    private partial void LogNotInstalled(int port);

    [LoggerMessage(LogLevel.Information, "Started Azurite for Table Storage on port {Port}, data in {Location}")]
    private partial void LogStarted(int port, string location);
}
