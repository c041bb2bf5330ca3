using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ReconnectionFunctions.Hosting;

/// <summary>Facts about how the local server was started, for the services that need them.</summary>
public sealed record LocalServerInfo(string? SettingsFile)
{
    public string? SettingsDirectory => SettingsFile is null ? null : Path.GetDirectoryName(SettingsFile);
}

/// <summary>
/// The app without Core Tools: an ASP.NET Core server whose routes come from the same
/// <c>[Function]</c>/<c>[HttpTrigger]</c> declarations and whose services are the same list the
/// Functions host uses. It adds only what the platform gives in Azure: settings from
/// local.settings.json, CORS, and a storage emulator.
/// </summary>
public static partial class LocalServer
{
    public const string DefaultUrl = "http://localhost:7071";

    /// <summary>Per-request framework logs stay out of the console unless a setting asks for them.</summary>
    private static readonly Dictionary<string, string?> QuietFrameworkLogs = new()
    {
        ["Logging:LogLevel:Default"] = "Information",
        ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
    };

    /// <param name="settingsFile">The settings file to read; by default the one nearest the current directory.</param>
    public static WebApplicationBuilder CreateBuilder(string[] args, string? settingsFile = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args });

        // Settings files sit below environment variables and the command line, as under func start.
        settingsFile ??= LocalSettingsFile.Find(Directory.GetCurrentDirectory(), AppContext.BaseDirectory);
        var baseSettings = new Dictionary<string, string?>(QuietFrameworkLogs);
        if (settingsFile is not null)
        {
            foreach (var (key, value) in LocalSettingsFile.ReadValues(settingsFile))
            {
                baseSettings[key] = value;
            }
        }
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = baseSettings });
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["http_ports"]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        builder.Services.AddReconnectionFunctions(builder.Configuration);
        builder.Services.AddSingleton(new LocalServerInfo(settingsFile));
        builder.Services.AddHostedService<LocalStorageEmulator>();
        builder.Services.AddHostedService<TimerHost>();
        builder.Services.AddCors();
        return builder;
    }

    public static WebApplication Build(WebApplicationBuilder builder)
    {
        var app = builder.Build();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("ReconnectionFunctions.LocalServer");
        LogSettingsFile(logger, app.Services.GetRequiredService<LocalServerInfo>().SettingsFile ?? "(none: environment only)");

        var origins = AllowedOrigins(app.Configuration);
        if (origins.Length > 0)
        {
            app.UseCors(cors =>
            {
                var allowed = origins.Contains("*") ? cors.AllowAnyOrigin() : cors.WithOrigins(origins);
                allowed.AllowAnyHeader().WithMethods("GET", "POST");
            });
        }

        var prefix = RoutePrefix();
        foreach (var function in FunctionCatalog.HttpFunctions(typeof(LocalServer).Assembly))
        {
            var pattern = "/" + string.Join('/', new[] { prefix, function.Route }.Where(p => p.Length > 0));
            var handler = FunctionInvoker.Create(function, logger);
            var endpoint = function.Methods.Count == 0 ? app.Map(pattern, handler) : app.MapMethods(pattern, function.Methods, handler);
            endpoint.WithDisplayName(function.Name);
        }
        return app;
    }

    public static Task RunAsync(string[] args) => Build(CreateBuilder(args)).RunAsync();

    /// <summary><c>Cors:AllowedOrigins</c> as a comma-separated list or a configuration array.</summary>
    public static string[] AllowedOrigins(IConfiguration configuration)
    {
        var section = configuration.GetSection("Cors:AllowedOrigins");
        var values = section.Value is { } single ? single.Split(',') : section.GetChildren().Select(c => c.Value ?? "");
        return [.. values.Select(v => v.Trim().TrimEnd('/')).Where(v => v.Length > 0)];
    }

    /// <summary>host.json's <c>extensions.http.routePrefix</c>, which the Functions host applies too.</summary>
    public static string RoutePrefix()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "host.json");
        if (!File.Exists(path))
        {
            return "api";
        }
        using var json = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
        return json.RootElement.TryGetProperty("extensions", out var extensions)
            && extensions.TryGetProperty("http", out var http)
            && http.TryGetProperty("routePrefix", out var prefix) && prefix.ValueKind == JsonValueKind.String
            ? prefix.GetString()!.Trim('/')
            : "api";
    }

    [LoggerMessage(LogLevel.Information, "Local server settings file: {File}")]
    private static partial void LogSettingsFile(ILogger logger, string file);
}

/// <summary>Tells whether the Functions host started this process (it passes its gRPC address).</summary>
public static class FunctionsHost
{
    public static bool StartedThisProcess(string[] args) =>
        args.Any(a => a.StartsWith("--functions-uri", StringComparison.Ordinal) || a is "--host" or "--port" or "--workerId")
        || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("Functions__Worker__HostEndpoint"))
        || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("Functions:Worker:HostEndpoint"))
        || AppContext.GetData("AZURE_FUNCTIONS_NATIVE_HOST") is not null;
}
