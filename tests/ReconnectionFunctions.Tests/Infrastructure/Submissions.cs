using System.Text.Json;
using Azure.Data.Tables;
using ReconnectionFunctions.PreviewProgram;

namespace ReconnectionFunctions.Tests.Infrastructure;

/// <summary>Helpers for the preview-program tests: posting, and reading what storage holds.</summary>
public static class Submissions
{
    public static string UniqueEmail(string name = "dev") => $"{name}.{Guid.NewGuid():N}@example.com";

    public static string JoinJson(string email, string? extra = null) =>
        $$"""{"email":"{{email}}","name":"Ada Lovelace","platforms":["android","web"],"problems":"Calls drop when moving from Wi-Fi to LTE.","disconnectionsCommon":"sometimes","consent":true{{extra}}}""";

    public static string FeedbackJson(string comment) =>
        $$"""{"solvesConnectivity":"yes","apiFitsUseCase":"partly","performsAsExpected":"no","comments":{{JsonSerializer.Serialize(comment)}},"platform":"ios","sdkVersion":"2.15.3"}""";

    public static async Task<string> ReceiptIdAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Accepted, $"Expected 202, got {(int)response.StatusCode}: {body}");
        var receipt = JsonDocument.Parse(body).RootElement;
        Assert.Equal("received", receipt.GetProperty("status").GetString());
        var id = receipt.GetProperty("id").GetString()!;
        Assert.True(SubmissionIds.IsValid(id), id);
        return id;
    }

    /// <summary>Every data row of a kind's table (index and idempotency rows left out).</summary>
    public static Task<List<TableEntity>> RowsAsync(AzuriteFixture storage, SubmissionKind kind, Func<TableEntity, bool>? where = null) =>
        RowsAsync(storage.ConnectionString, kind, where);

    public static async Task<List<TableEntity>> RowsAsync(string connectionString, SubmissionKind kind, Func<TableEntity, bool>? where = null)
    {
        var table = new TableClient(connectionString, kind.TableName);
        await table.CreateIfNotExistsAsync();
        var rows = new List<TableEntity>();
        await foreach (var row in table.QueryAsync<TableEntity>(r => r.RowKey.CompareTo("a") < 0))
        {
            if (where is null || where(row))
            {
                rows.Add(row);
            }
        }
        return rows;
    }

    public static async Task<TableEntity?> RowAsync(AzuriteFixture storage, SubmissionKind kind, string id) =>
        (await RowsAsync(storage, kind, r => r.RowKey == id)).SingleOrDefault();
}
