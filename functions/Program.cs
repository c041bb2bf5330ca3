using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;
using ReconnectionFunctions.Hosting;
using ReconnectionFunctions.Notifications;

if (args is [MailReplay.Command, .. var replayArgs])
{
    // Operator command: make failed mail due again for the running app to send.
    return await MailReplay.RunAsync(replayArgs);
}

if (!FunctionsHost.StartedThisProcess(args))
{
    // No Functions host: serve the same functions on http://localhost:7071/api.
    await LocalServer.RunAsync(args);
    return 0;
}

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.UseMiddleware<ResultExecutionMiddleware>();
builder.Services.AddReconnectionFunctions(builder.Configuration);
await builder.Build().RunAsync();
return 0;
