using System.Reflection;
using Microsoft.Azure.Functions.Worker;

namespace ReconnectionFunctions.Hosting;

/// <summary>An HTTP function as its attributes declare it: the one source of the route table.</summary>
public sealed record HttpFunction(string Name, IReadOnlyList<string> Methods, string Route, AuthorizationLevel AuthLevel, MethodInfo Method);

/// <summary>Reads the <c>[Function]</c> declarations, the same ones the Functions build turns into functions.metadata.</summary>
public static class FunctionCatalog
{
    public static IReadOnlyList<HttpFunction> HttpFunctions(Assembly assembly) =>
        [.. from type in assembly.GetTypes()
            from method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static)
            let function = method.GetCustomAttribute<FunctionAttribute>()
            where function is not null
            let trigger = method.GetParameters().Select(p => p.GetCustomAttribute<HttpTriggerAttribute>()).FirstOrDefault(t => t is not null)
            where trigger is not null
            orderby function.Name
            select new HttpFunction(
                function.Name,
                [.. (trigger.Methods ?? []).Select(m => m.ToUpperInvariant())],
                trigger.Route ?? function.Name,
                trigger.AuthLevel,
                method)];

    /// <summary>Timer functions; their parameters may be only <see cref="TimerInfo"/> and a cancellation token.</summary>
    public static IReadOnlyList<TimerFunction> TimerFunctions(Assembly assembly) =>
        [.. from type in assembly.GetTypes()
            from method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance)
            let function = method.GetCustomAttribute<FunctionAttribute>()
            where function is not null
            let trigger = method.GetParameters().Select(p => p.GetCustomAttribute<TimerTriggerAttribute>()).FirstOrDefault(t => t is not null)
            where trigger is not null
            select TimerFunctionOf(function.Name, trigger.Schedule, method)];

    private static TimerFunction TimerFunctionOf(string name, string schedule, MethodInfo method)
    {
        if (!method.GetParameters().All(p => p.ParameterType == typeof(TimerInfo) || p.ParameterType == typeof(CancellationToken)))
        {
            throw new NotSupportedException($"Timer function {name} may take only TimerInfo and a CancellationToken.");
        }
        return new TimerFunction(name, CronSchedule.Parse(schedule), method);
    }
}
