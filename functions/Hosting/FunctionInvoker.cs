using System.Reflection;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ReconnectionFunctions.Hosting;

/// <summary>
/// Calls an HTTP function from the local server the way the isolated worker calls it: a new
/// instance of its class from DI for each request, the <see cref="HttpRequest"/>, route values by
/// parameter name and the request's cancellation token; then executes the <see cref="IResult"/>.
/// </summary>
public static class FunctionInvoker
{
    public static RequestDelegate Create(HttpFunction function, ILogger logger)
    {
        var method = function.Method;
        if (method.ReturnType != typeof(Task<IResult>) && method.ReturnType != typeof(IResult))
        {
            throw new NotSupportedException($"Function {function.Name} must return IResult or Task<IResult> so both hosts can run it.");
        }
        var arguments = method.GetParameters().Select(p => ArgumentFor(function, p)).ToArray();
        var factory = method.IsStatic ? null : ActivatorUtilities.CreateFactory(method.DeclaringType!, []);
        var invoker = MethodInvoker.Create(method);

        return async context =>
        {
            IResult result;
            try
            {
                var target = factory?.Invoke(context.RequestServices, null);
                var values = new object?[arguments.Length];
                for (var i = 0; i < arguments.Length; i++)
                {
                    values[i] = arguments[i](context);
                }
                var returned = invoker.Invoke(target, values.AsSpan());
                result = returned is Task<IResult> pending ? await pending : (IResult)returned!;
            }
            catch (Exception e) when (!context.RequestAborted.IsCancellationRequested)
            {
                result = FailureResults.For(e is TargetInvocationException { InnerException: { } inner } ? inner : e, logger);
            }
            catch (OperationCanceledException)
            {
                return; // The caller went away; there is nobody to answer.
            }
            await result.ExecuteAsync(context);
        };
    }

    private static Func<HttpContext, object?> ArgumentFor(HttpFunction function, ParameterInfo parameter)
    {
        if (parameter.ParameterType == typeof(HttpRequest))
        {
            return static context => context.Request;
        }
        if (parameter.ParameterType == typeof(CancellationToken))
        {
            return static context => context.RequestAborted;
        }
        if (parameter.ParameterType == typeof(string) && function.Route.Contains('{' + parameter.Name + '}', StringComparison.Ordinal))
        {
            var name = parameter.Name!;
            return context => context.Request.RouteValues[name] as string;
        }
        throw new NotSupportedException(
            $"Function {function.Name} takes {parameter.ParameterType.Name} {parameter.Name}; functions take HttpRequest, " +
            "route values and a CancellationToken, and get everything else from DI, so the local server can call them too.");
    }
}
