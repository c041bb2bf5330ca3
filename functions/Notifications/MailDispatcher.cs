using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ReconnectionFunctions.Notifications;

/// <summary>
/// Tries a stored submission's mail at once, in the background, so the caller's answer waits only
/// for storage. Whatever does not go out here (SendGrid down, the instance stopping) is due for the
/// timer.
/// </summary>
public sealed partial class MailDispatcher(MailDelivery delivery, ILogger<MailDispatcher> logger) : BackgroundService
{
    private readonly Channel<(string Table, string Partition, string Row)> _queue =
        Channel.CreateUnbounded<(string, string, string)>(new UnboundedChannelOptions { SingleReader = false });

    private readonly Lock _gate = new();
    private int _unfinished;
    private TaskCompletionSource _idle = Completed();

    public void Enqueue(string table, string partitionKey, string rowKey)
    {
        lock (_gate)
        {
            if (_unfinished++ == 0)
            {
                _idle = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
        _queue.Writer.TryWrite((table, partitionKey, rowKey));
    }

    /// <summary>Completes once every mail enqueued so far has been tried (for tests and orderly shutdown).</summary>
    public Task WhenIdleAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return _idle.Task.WaitAsync(cancellationToken);
        }
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Parallel.ForEachAsync(_queue.Reader.ReadAllAsync(stoppingToken), new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = stoppingToken },
            async (item, token) =>
            {
                try
                {
                    await delivery.DeliverAsync(item.Table, item.Partition, item.Row, token);
                }
                catch (Exception e) when (!token.IsCancellationRequested)
                {
                    LogFailed(item.Table, item.Partition, item.Row, e);
                }
                finally
                {
                    lock (_gate)
                    {
                        if (--_unfinished == 0)
                        {
                            _idle.TrySetResult();
                        }
                    }
                }
            });

    private static TaskCompletionSource Completed()
    {
        var source = new TaskCompletionSource();
        source.SetResult();
        return source;
    }

    [LoggerMessage(LogLevel.Warning, "Immediate mail for {Table} {Partition}/{Row} failed; the timer will retry it")]
    private partial void LogFailed(string table, string partition, string row, Exception exception);
}
