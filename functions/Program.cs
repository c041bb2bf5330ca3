using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;
using ReconnectionFunctions.Hosting;

if (!FunctionsHost.StartedThisProcess(args))
{
    // No Functions host: serve the same functions on http://localhost:7071/api.
    await LocalServer.RunAsync(args);
    return;
}

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.UseMiddleware<ResultExecutionMiddleware>();
builder.Services.AddReconnectionFunctions(builder.Configuration);
await builder.Build().RunAsync();
