using Azure.Data.Tables;
using ReconnectionFunctions.Hosting;
using ReconnectionFunctions.Notifications;

namespace ReconnectionFunctions.PreviewProgram;

/// <summary>What storing a submission came to.</summary>
public abstract record StoreOutcome
{
    /// <summary>Stored (or already stored unchanged); <paramref name="MailDue"/> when a new mail is pending for it.</summary>
    public sealed record Stored(string Id, string PartitionKey, string RowKey, bool MailDue) : StoreOutcome;

    /// <summary>The Idempotency-Key was seen before with this same submission: the first answer stands.</summary>
    public sealed record Replayed(string Id) : StoreOutcome;

    /// <summary>The Idempotency-Key was seen before with a different submission.</summary>
    public sealed record KeyReused : StoreOutcome;
}

/// <summary>
/// Submissions in Table Storage, one table per kind. Rows are grouped in 16 partitions by a hash
/// (of the normalised email for join requests, so one person's rows share a partition; of the
/// idempotency key or id for feedback), and keyed within them by the time-ordered submission id.
/// Beside the data rows, a partition holds index rows ("email-…": a join request's email → its id)
/// and idempotency rows ("idem-…"), written in the same transaction as the data they point to, so
/// nothing is ever half-stored and a retried request can never store twice.
/// </summary>
public sealed class SubmissionStore(AppTables tables, TimeProvider time)
{
    public static class Columns
    {
        public const string Id = nameof(Id);
        public const string SubmittedAt = nameof(SubmittedAt);
        public const string UpdatedAt = nameof(UpdatedAt);
        public const string Revision = nameof(Revision);
        public const string Fingerprint = nameof(Fingerprint);
        public const string SubmissionId = nameof(SubmissionId);
    }

    public async Task<StoreOutcome> StoreAsync(Submission submission, string? idempotencyKey, CancellationToken cancellationToken)
    {
        var table = await tables.GetAsync(submission.Kind.TableName, cancellationToken);
        var email = submission.Kind == Forms.JoinRequest ? submission.Email : null;
        var newId = SubmissionIds.New(time.GetUtcNow());
        var partition = Partition(email ?? idempotencyKey ?? newId);
        var idempotencyRow = idempotencyKey is null ? null : IdempotencyRow(submission.Kind, idempotencyKey);

        // Each pass either lands one transaction or finds that a concurrent request landed first and looks again.
        for (var attempt = 0; attempt < 10; attempt++)
        {
            if (idempotencyRow is not null)
            {
                var seen = await table.GetEntityIfExistsAsync<TableEntity>(partition, idempotencyRow, cancellationToken: cancellationToken);
                if (seen.HasValue)
                {
                    return seen.Value!.GetString(Columns.Fingerprint) == submission.Fingerprint
                        ? new StoreOutcome.Replayed(seen.Value.GetString(Columns.SubmissionId)!)
                        : new StoreOutcome.KeyReused();
                }
            }

            var actions = new List<TableTransactionAction>();
            StoreOutcome.Stored outcome;
            var existingId = email is null ? null : await FindByEmailAsync(table, partition, email, cancellationToken);
            if (existingId is null)
            {
                var id = attempt == 0 ? newId : SubmissionIds.New(time.GetUtcNow());
                if (email is not null)
                {
                    actions.Add(new(TableTransactionActionType.Add, new TableEntity(partition, EmailRow(email)) { [Columns.SubmissionId] = id }));
                }
                actions.Add(new(TableTransactionActionType.Add, NewRow(submission, partition, id)));
                outcome = new StoreOutcome.Stored(id, partition, id, MailDue: true);
            }
            else
            {
                var current = await table.GetEntityAsync<TableEntity>(partition, existingId, cancellationToken: cancellationToken);
                var unchanged = current.Value.GetString(Columns.Fingerprint) == submission.Fingerprint;
                if (!unchanged)
                {
                    actions.Add(new(TableTransactionActionType.UpdateReplace, Revise(current.Value, submission), current.Value.ETag));
                }
                outcome = new StoreOutcome.Stored(existingId, partition, existingId, MailDue: !unchanged);
            }

            if (idempotencyRow is not null)
            {
                actions.Add(new(TableTransactionActionType.Add, new TableEntity(partition, idempotencyRow)
                {
                    [Columns.SubmissionId] = outcome.Id,
                    [Columns.Fingerprint] = submission.Fingerprint,
                    [Columns.SubmittedAt] = time.GetUtcNow(),
                }));
            }
            if (actions.Count == 0)
            {
                return outcome; // The same join request again, without a key: nothing to change.
            }

            try
            {
                await table.SubmitTransactionAsync(actions, cancellationToken);
                return outcome;
            }
            catch (TableTransactionFailedException e) when (e.Status is 409 or 412)
            {
                // A concurrent request for the same email or key committed first.
            }
        }
        throw new InvalidOperationException("The submission stayed contended.");
    }

    /// <summary>The id an earlier request with this Idempotency-Key and this same submission got, if any.</summary>
    public async Task<string?> FindReplayAsync(Submission submission, string idempotencyKey, CancellationToken cancellationToken)
    {
        var table = await tables.GetAsync(submission.Kind.TableName, cancellationToken);
        var partition = Partition(submission.Kind == Forms.JoinRequest ? submission.Email! : idempotencyKey);
        var seen = await table.GetEntityIfExistsAsync<TableEntity>(partition, IdempotencyRow(submission.Kind, idempotencyKey), cancellationToken: cancellationToken);
        return seen.HasValue && seen.Value!.GetString(Columns.Fingerprint) == submission.Fingerprint ? seen.Value.GetString(Columns.SubmissionId) : null;
    }

    private static async Task<string?> FindByEmailAsync(TableClient table, string partition, string email, CancellationToken cancellationToken)
    {
        var index = await table.GetEntityIfExistsAsync<TableEntity>(partition, EmailRow(email), cancellationToken: cancellationToken);
        return index.HasValue ? index.Value!.GetString(Columns.SubmissionId) : null;
    }

    private TableEntity NewRow(Submission submission, string partition, string id)
    {
        var now = time.GetUtcNow();
        var row = new TableEntity(partition, id)
        {
            [Columns.Id] = id,
            [Columns.SubmittedAt] = now,
            [Columns.UpdatedAt] = now,
            [Columns.Revision] = 1,
            [Columns.Fingerprint] = submission.Fingerprint,
        };
        submission.WriteTo(row);
        MailColumns.MarkPending(row, now);
        return row;
    }

    /// <summary>The same row with the new answers (fields left out are removed), a new revision, and its mail due again.</summary>
    private TableEntity Revise(TableEntity current, Submission submission)
    {
        var row = NewRow(submission, current.PartitionKey, current.RowKey);
        row[Columns.SubmittedAt] = current.GetDateTimeOffset(Columns.SubmittedAt);
        row[Columns.Revision] = (current.GetInt32(Columns.Revision) ?? 1) + 1;
        return row;
    }

    private static string IdempotencyRow(SubmissionKind kind, string key) => "idem-" + Submission.Hash(kind.Name + "\n" + key);

    private static string EmailRow(string email) => "email-" + Submission.Hash(email);

    private static string Partition(string seed) => Submission.Hash(seed)[..1];
}
