using Microsoft.Azure.Functions.Worker;

namespace ReconnectionFunctions.Notifications;

/// <summary>Every minute: sends pending mail and retries failed mail that is due.</summary>
public sealed class MailDeliveryFunction(MailDelivery delivery)
{
    public const string Schedule = "0 * * * * *";

    [Function("DeliverMail")]
    public Task Run([TimerTrigger(Schedule)] TimerInfo timer, CancellationToken cancellationToken) =>
        delivery.DeliverDueAsync(cancellationToken);
}
