using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Caching.Memory;
using ReconnectionFunctions.Hosting;
using ReconnectionFunctions.OpenTok;

namespace ReconnectionFunctions.Credentials;

/// <summary>
/// Room name → OpenTok session id, one row per room (PartitionKey = name). A room's first session
/// is written with an insert that fails on conflict, so instances racing to create it all end up
/// with the row that landed first. The mapping never changes once written, so reads are cached.
/// </summary>
public sealed class RoomStore(AppTables tables, TimeProvider time)
{
    public const string TableName = "rooms";
    private const string RowKey = "room";

    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = 10_000 });

    private static readonly MemoryCacheEntryOptions CacheEntry = new() { Size = 1, SlidingExpiration = TimeSpan.FromMinutes(30) };

    public async Task<string?> FindSessionAsync(string room, CancellationToken cancellationToken)
    {
        if (_cache.TryGetValue(CacheKey(room), out string? cached))
        {
            return cached;
        }
        var table = await tables.GetAsync(TableName, cancellationToken);
        var row = await table.GetEntityIfExistsAsync<TableEntity>(room, RowKey, [nameof(RoomEntity.SessionId)], cancellationToken);
        var sessionId = row.HasValue ? row.Value!.GetString(nameof(RoomEntity.SessionId)) : null;
        if (sessionId is not null)
        {
            _cache.Set(CacheKey(room), sessionId, CacheEntry);
        }
        return sessionId;
    }

    /// <summary>Stores the room's session unless another caller stored one first; returns the one that stands.</summary>
    public async Task<string> AddOrGetAsync(string room, string sessionId, MediaMode mediaMode, CancellationToken cancellationToken)
    {
        var table = await tables.GetAsync(TableName, cancellationToken);
        var entity = new TableEntity(room, RowKey)
        {
            [nameof(RoomEntity.SessionId)] = sessionId,
            [nameof(RoomEntity.MediaMode)] = mediaMode.ToString().ToLowerInvariant(),
            [nameof(RoomEntity.CreatedAt)] = time.GetUtcNow(),
        };
        try
        {
            await table.AddEntityAsync(entity, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            _cache.Remove(CacheKey(room));
            return await FindSessionAsync(room, cancellationToken)
                ?? throw new InvalidOperationException($"Room '{room}' conflicted on insert but has no row.");
        }
        _cache.Set(CacheKey(room), sessionId, CacheEntry);
        return sessionId;
    }

    private static string CacheKey(string room) => "room:" + room;

    /// <summary>The row's columns, named once for the code above and for anyone reading the table.</summary>
    private static class RoomEntity
    {
        public const string SessionId = nameof(SessionId);
        public const string MediaMode = nameof(MediaMode);
        public const string CreatedAt = nameof(CreatedAt);
    }
}
