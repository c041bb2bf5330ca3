using System.Text.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.Azure.Functions.Worker;
using ReconnectionFunctions.Hosting;
using ReconnectionFunctions.Tests.Infrastructure;

namespace ReconnectionFunctions.Tests.Hosting;

/// <summary>
/// The routes of the HTTP contract (spec/api.md), checked in the three places they exist: the
/// functions.metadata the build hands the Functions host, the [Function] attributes, and the
/// local server's endpoints.
/// </summary>
public class RouteContractTests
{
    /// <summary>The contract: every route anonymous, as the samples call them without function keys.</summary>
    private static readonly string[] Contract =
    [
        "GET api/forms/feedback anonymous",
        "GET api/forms/join anonymous",
        "GET api/health anonymous",
        "GET api/room/{name} anonymous",
        "GET api/session anonymous",
        "POST api/feedback anonymous",
        "POST api/join-requests anonymous",
        "POST api/token anonymous",
    ];

    [Fact]
    public void Functions_metadata_declares_exactly_the_contract()
    {
        var path = Path.Combine(RepoPaths.FunctionsOutput, "functions.metadata");
        using var metadata = JsonDocument.Parse(File.ReadAllText(path));

        var declared = metadata.RootElement.EnumerateArray()
            .SelectMany(function => function.GetProperty("bindings").EnumerateArray().Where(b => b.GetProperty("type").GetString() == "httpTrigger"))
            .SelectMany(trigger => trigger.GetProperty("methods").EnumerateArray().Select(method =>
                $"{method.GetString()!.ToUpperInvariant()} api/{trigger.GetProperty("route").GetString()} {trigger.GetProperty("authLevel").GetString()!.ToLowerInvariant()}"))
            .Order(StringComparer.Ordinal);

        Assert.Equal(Contract, declared);
    }

    [Fact]
    public void Function_attributes_declare_exactly_the_contract()
    {
        var declared = FunctionCatalog.HttpFunctions(typeof(LocalServer).Assembly)
            .SelectMany(f => f.Methods.Select(m => $"{m} {LocalServer.RoutePrefix()}/{f.Route} {Level(f.AuthLevel)}"))
            .Order(StringComparer.Ordinal);

        Assert.Equal(Contract, declared);
    }

    [Fact]
    public void The_local_server_maps_exactly_the_contract()
    {
        var app = TestApp.Build(new Dictionary<string, string?> { ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true" }, null, out _);

        var endpoints = ((IEndpointRouteBuilder)app).DataSources.SelectMany(d => d.Endpoints).OfType<RouteEndpoint>()
            .SelectMany(e => e.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods.Select(m => $"{m} {e.RoutePattern.RawText!.TrimStart('/')} anonymous"))
            .Order(StringComparer.Ordinal);

        Assert.Equal(Contract, endpoints);
    }

    private static string Level(AuthorizationLevel level) => level.ToString().ToLowerInvariant();
}
