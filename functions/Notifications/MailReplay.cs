using Microsoft.Extensions.DependencyInjection;
using ReconnectionFunctions.Hosting;

namespace ReconnectionFunctions.Notifications;

/// <summary>
/// <c>dotnet run --project functions -- replay-mail</c>: marks every failed mail due again, with a
/// fresh attempt count, in the storage the settings name. The running app (local or in Azure) then
/// sends it on its next timer run.
/// </summary>
public static class MailReplay
{
    public const string Command = "replay-mail";

    public static async Task<int> RunAsync(string[] args)
    {
        await using var app = LocalServer.CreateBuilder(args).Build();
        var replayed = await app.Services.GetRequiredService<MailDelivery>().ReplayFailedAsync(CancellationToken.None);
        Console.WriteLine($"{replayed} failed mail(s) marked for delivery; the app's mail timer sends them within a minute.");
        return 0;
    }
}
