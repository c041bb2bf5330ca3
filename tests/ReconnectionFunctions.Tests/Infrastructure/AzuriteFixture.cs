using System.Net;
using System.Net.Sockets;
using ReconnectionFunctions.Hosting;

[assembly: AssemblyFixture(typeof(ReconnectionFunctions.Tests.Infrastructure.AzuriteFixture))]

namespace ReconnectionFunctions.Tests.Infrastructure;

/// <summary>One in-memory Azurite for the whole test run, on a free port. Tests keep apart by using unique keys.</summary>
public class AzuriteFixture : IAsyncLifetime
{
    private AzuriteProcess? _azurite;

    public virtual string ConnectionString => _azurite?.ConnectionString ?? throw new InvalidOperationException("Azurite is not running.");

    public async ValueTask InitializeAsync() => _azurite = await StartAsync();

    /// <summary>Starts another Azurite, for tests that stop and restart storage.</summary>
    public static async Task<AzuriteProcess> StartAsync(int? port = null)
    {
        var executable = AzuriteProcess.FindExecutable()
            ?? throw new InvalidOperationException("Azurite is not installed: run 'npm ci' in the repository root (dotnet build does it on a fresh clone).");
        return await AzuriteProcess.StartAsync(executable, port ?? FreePort(), location: null);
    }

    public async ValueTask DisposeAsync()
    {
        if (_azurite is not null)
        {
            await _azurite.DisposeAsync();
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>An Azurite of a test class's own, for tests that count every row of a table.</summary>
public sealed class OwnAzuriteFixture : AzuriteFixture;
