using System.Reflection;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ReconnectionFunctions.Hosting;

/// <summary>A timer function as its attributes declare it.</summary>
public sealed record TimerFunction(string Name, CronSchedule Schedule, MethodInfo Method);

/// <summary>
/// Local server only: runs each <c>[TimerTrigger]</c> function on its schedule, on the injected
/// clock, with a new instance from DI per run, as the Functions host would.
/// </summary>
public sealed partial class TimerHost(IServiceProvider services, IConfiguration configuration, TimeProvider time, ILogger<TimerHost> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(FunctionCatalog.TimerFunctions(typeof(TimerHost).Assembly)
            .Where(f => !IsDisabled(f.Name))
            .Select(f => RunOnScheduleAsync(f, stoppingToken)));

    /// <summary>The Functions host's own switch: the app setting <c>AzureWebJobs.&lt;name&gt;.Disabled</c>.</summary>
    private bool IsDisabled(string function) =>
        bool.TryParse(configuration[$"AzureWebJobs.{function}.Disabled"], out var disabled) && disabled;

    private async Task RunOnScheduleAsync(TimerFunction function, CancellationToken stoppingToken)
    {
        var invoker = MethodInvoker.Create(function.Method);
        var factory = ActivatorUtilities.CreateFactory(function.Method.DeclaringType!, []);
        var arguments = function.Method.GetParameters().Select(p => p.ParameterType).ToArray();
        while (!stoppingToken.IsCancellationRequested)
        {
            var now = time.GetUtcNow();
            try
            {
                await Task.Delay(function.Schedule.Next(now) - now, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            await using var scope = services.CreateAsyncScope();
            try
            {
                object?[] values = [.. arguments.Select(type => type == typeof(CancellationToken) ? stoppingToken : (object)new TimerInfo())];
                var target = factory(scope.ServiceProvider, null);
                if (invoker.Invoke(target, values.AsSpan()) is Task run)
                {
                    await run;
                }
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                LogRunFailed(function.Name, e);
            }
        }
    }

    [LoggerMessage(LogLevel.Error, "Timer function {Function} failed")]
    private partial void LogRunFailed(string function, Exception exception);
}
