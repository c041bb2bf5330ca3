using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ReconnectionFunctions.Hosting;

namespace ReconnectionFunctions.Notifications;

/// <summary>A table whose rows each carry one notification, and how to write that mail from a row.</summary>
public interface IMailSource
{
    string TableName { get; }

    MailMessage Compose(TableEntity row);
}

/// <summary>
/// The notification state a row carries: pending, sent or failed; attempts; the last error; when
/// it may next be tried (absent once sent, or once automatic retries have given up); and a short
/// lease so only one instance sends it at a time.
/// </summary>
public static class MailColumns
{
    public const string State = "MailState";
    public const string Attempts = "MailAttempts";
    public const string LastError = "MailLastError";
    public const string NextAttemptAt = "MailNextAttemptAt";
    public const string LeaseUntil = "MailLeaseUntil";
    public const string SentAt = "MailSentAt";
    public const string MessageId = "MailMessageId";

    public const string Pending = "pending";
    public const string Sent = "sent";
    public const string Failed = "failed";

    /// <summary>Marks a stored row's mail as due now (a new row, or a new revision of one).</summary>
    public static void MarkPending(TableEntity row, DateTimeOffset now)
    {
        row[State] = Pending;
        row[Attempts] = 0;
        row[NextAttemptAt] = now;
        row.Remove(LastError);
        row.Remove(LeaseUntil);
        row.Remove(SentAt);
        row.Remove(MessageId);
    }
}

/// <summary>What one delivery attempt did.</summary>
public enum DeliveryResult
{
    /// <summary>Not due, already sent, or being sent by someone else: nothing done.</summary>
    Skipped,
    Sent,
    RetryScheduled,
    GaveUp,
}

/// <summary>
/// Sends the mail of stored rows, at most once per revision while the process keeps running: a row
/// is claimed with an ETag-conditional lease before sending and recorded with the same ETag after.
/// Failures are retried with exponential backoff (1 minute doubling to 1 hour), never sooner than a
/// SendGrid 429's <c>X-RateLimit-Reset</c>, until <c>Notifications:MaxAttempts</c>.
/// </summary>
public sealed partial class MailDelivery(
    AppTables tables,
    IEnumerable<IMailSource> sources,
    IMailSender sender,
    IOptions<NotificationSettings> settings,
    TimeProvider time,
    ILogger<MailDelivery> logger)
{
    public static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);
    public static readonly TimeSpan FirstRetry = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan LongestRetry = TimeSpan.FromHours(1);
    private static readonly TimeSpan SendTimeout = TimeSpan.FromSeconds(30);

    private readonly Dictionary<string, IMailSource> _sources = sources.ToDictionary(s => s.TableName);
    private long _pausedUntilTicks;

    /// <summary>Tries one row's mail now, if it is due.</summary>
    public async Task<DeliveryResult> DeliverAsync(string tableName, string partitionKey, string rowKey, CancellationToken cancellationToken)
    {
        var table = await tables.GetAsync(tableName, cancellationToken);
        var row = await table.GetEntityIfExistsAsync<TableEntity>(partitionKey, rowKey, cancellationToken: cancellationToken);
        return row.HasValue ? await DeliverRowAsync(table, _sources[tableName], row.Value!, cancellationToken) : DeliveryResult.Skipped;
    }

    /// <summary>The timer's work: every due row of every mail table.</summary>
    public async Task<IReadOnlyDictionary<DeliveryResult, int>> DeliverDueAsync(CancellationToken cancellationToken)
    {
        var counts = Enum.GetValues<DeliveryResult>().ToDictionary(r => r, _ => 0);
        var now = time.GetUtcNow();
        foreach (var source in _sources.Values)
        {
            var table = await tables.GetAsync(source.TableName, cancellationToken);
            var due = table.QueryAsync<TableEntity>(
                TableClient.CreateQueryFilter($"(MailState eq {MailColumns.Pending} or MailState eq {MailColumns.Failed}) and MailNextAttemptAt le {now}"),
                cancellationToken: cancellationToken);
            await Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (row, token) =>
            {
                var result = await DeliverRowAsync(table, source, row, token);
                lock (counts)
                {
                    counts[result]++;
                }
            });
        }
        if (counts[DeliveryResult.Sent] + counts[DeliveryResult.RetryScheduled] + counts[DeliveryResult.GaveUp] > 0)
        {
            LogRun(counts[DeliveryResult.Sent], counts[DeliveryResult.RetryScheduled], counts[DeliveryResult.GaveUp]);
        }
        return counts;
    }

    /// <summary>Makes every failed mail due again with a fresh attempt count (the operator's replay); returns how many.</summary>
    public async Task<int> ReplayFailedAsync(CancellationToken cancellationToken)
    {
        var replayed = 0;
        foreach (var source in _sources.Values)
        {
            var table = await tables.GetAsync(source.TableName, cancellationToken);
            await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"MailState eq {MailColumns.Failed}"), cancellationToken: cancellationToken))
            {
                row[MailColumns.Attempts] = 0;
                row[MailColumns.NextAttemptAt] = time.GetUtcNow();
                try
                {
                    await table.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace, cancellationToken);
                    replayed++;
                }
                catch (RequestFailedException e) when (e.Status == 412)
                {
                    // Changed meanwhile (sent, or a new revision): it no longer needs replaying.
                }
            }
        }
        return replayed;
    }

    private async Task<DeliveryResult> DeliverRowAsync(TableClient table, IMailSource source, TableEntity row, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var state = row.GetString(MailColumns.State);
        if (state is not (MailColumns.Pending or MailColumns.Failed)
            || row.GetDateTimeOffset(MailColumns.NextAttemptAt) is not { } next || next > now
            || row.GetDateTimeOffset(MailColumns.LeaseUntil) > now
            || now.UtcTicks < Interlocked.Read(ref _pausedUntilTicks))
        {
            return DeliveryResult.Skipped;
        }

        // Claim: whoever updates the row first (ETag) sends it; everyone else skips it.
        var attempts = (row.GetInt32(MailColumns.Attempts) ?? 0) + 1;
        row[MailColumns.Attempts] = attempts;
        row[MailColumns.LeaseUntil] = now + Lease;
        try
        {
            var claimed = await table.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace, cancellationToken);
            row.ETag = claimed.Headers.ETag ?? throw new InvalidOperationException("Table Storage returned no ETag.");
        }
        catch (RequestFailedException e) when (e.Status is 412 or 404)
        {
            return DeliveryResult.Skipped;
        }

        MailOutcome outcome;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(SendTimeout);
            outcome = await sender.SendAsync(source.Compose(row), timeout.Token);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            outcome = new MailOutcome.RetryLater($"Sending failed: {e.GetType().Name}");
        }

        var result = Record(row, outcome, attempts, time.GetUtcNow());
        try
        {
            await table.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace, CancellationToken.None);
        }
        catch (RequestFailedException e) when (e.Status == 412)
        {
            // A new revision landed while sending; it is pending again and will be mailed in its turn.
        }
        return result;
    }

    private DeliveryResult Record(TableEntity row, MailOutcome outcome, int attempts, DateTimeOffset now)
    {
        row[MailColumns.LeaseUntil] = now;
        switch (outcome)
        {
            case MailOutcome.Sent sent:
                row[MailColumns.State] = MailColumns.Sent;
                row[MailColumns.SentAt] = now;
                row[MailColumns.MessageId] = sent.MessageId;
                row.Remove(MailColumns.NextAttemptAt);
                row.Remove(MailColumns.LastError);
                return DeliveryResult.Sent;

            case MailOutcome.RetryLater retry when attempts < settings.Value.MaxAttempts:
                var backoff = TimeSpan.FromTicks(Math.Min(LongestRetry.Ticks, FirstRetry.Ticks << Math.Min(attempts - 1, 20)));
                var next = now + backoff;
                if (retry.NotBefore is { } notBefore)
                {
                    next = notBefore > next ? notBefore : next;
                    Interlocked.Exchange(ref _pausedUntilTicks, notBefore.UtcTicks);
                }
                row[MailColumns.State] = MailColumns.Failed;
                row[MailColumns.LastError] = MailText.OneLine(retry.Error, 500);
                row[MailColumns.NextAttemptAt] = next;
                LogRetry(row.PartitionKey, row.RowKey, attempts, retry.Error, next);
                return DeliveryResult.RetryScheduled;

            default:
                var error = outcome switch
                {
                    MailOutcome.Rejected rejected => rejected.Error,
                    MailOutcome.RetryLater retry => retry.Error,
                    _ => "unknown",
                };
                row[MailColumns.State] = MailColumns.Failed;
                row[MailColumns.LastError] = MailText.OneLine(error, 500);
                row.Remove(MailColumns.NextAttemptAt);
                LogGaveUp(row.PartitionKey, row.RowKey, attempts, error);
                return DeliveryResult.GaveUp;
        }
    }

    [LoggerMessage(LogLevel.Information, "Mail delivery: {Sent} sent, {Retrying} to retry, {GaveUp} given up")]
    private partial void LogRun(int sent, int retrying, int gaveUp);

    [LoggerMessage(LogLevel.Warning, "Mail for {Partition}/{Row} failed on attempt {Attempts} ({Error}); next try at {Next}")]
    private partial void LogRetry(string partition, string row, int attempts, string error, DateTimeOffset next);

    [LoggerMessage(LogLevel.Error, "Mail for {Partition}/{Row} given up after {Attempts} attempts ({Error}); replay it once the cause is fixed")]
    private partial void LogGaveUp(string partition, string row, int attempts, string error);
}
