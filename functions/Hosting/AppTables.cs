using System.Collections.Concurrent;
using Azure.Data.Tables;

namespace ReconnectionFunctions.Hosting;

/// <summary>
/// The app's tables, each created on first use by this process. Creation is retried on the next
/// call when it fails (storage down at start), so the app recovers without a restart.
/// </summary>
public sealed class AppTables(TableServiceClient service)
{
    private readonly ConcurrentDictionary<string, Lazy<Task<TableClient>>> _tables = new(StringComparer.Ordinal);

    public TableServiceClient Service => service;

    public async Task<TableClient> GetAsync(string name, CancellationToken cancellationToken)
    {
        var creation = _tables.GetOrAdd(name, n => new Lazy<Task<TableClient>>(() => CreateAsync(n)));
        try
        {
            return await creation.Value.WaitAsync(cancellationToken);
        }
        catch
        {
            _tables.TryRemove(KeyValuePair.Create(name, creation));
            throw;
        }
    }

    private async Task<TableClient> CreateAsync(string name)
    {
        var table = service.GetTableClient(name);
        await table.CreateIfNotExistsAsync();
        return table;
    }
}
