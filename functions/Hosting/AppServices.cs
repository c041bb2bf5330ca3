using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using ReconnectionFunctions.Credentials;

namespace ReconnectionFunctions.Hosting;

/// <summary>The one list of services, used by the Functions host and the local server alike.</summary>
public static class AppServices
{
    public static IServiceCollection AddReconnectionFunctions(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);

        services.AddOptions<StorageSettings>().Configure(settings => StorageSettings.Bind(settings, configuration)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<StorageSettings>, StorageSettingsValidator>();
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<StorageSettings>>().Value.CreateClient());
        services.AddSingleton<AppTables>();

        var openTok = configuration.GetSection(OpenTokSettings.Section);
        services.AddOptions<OpenTokSettings>().Bind(openTok)
            .PostConfigure(s => s.RequestTimeout = Durations.ReadHours(openTok, nameof(s.RequestTimeout)) ?? s.RequestTimeout)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<OpenTokSettings>, OpenTokSettingsValidator>();
        var tokens = configuration.GetSection(TokenPolicySettings.Section);
        services.AddOptions<TokenPolicySettings>().Bind(tokens)
            .PostConfigure(s =>
            {
                s.DefaultTtl = Durations.ReadHours(tokens, nameof(s.DefaultTtl)) ?? s.DefaultTtl;
                s.MaxTtl = Durations.ReadHours(tokens, nameof(s.MaxTtl)) ?? s.MaxTtl;
            })
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<TokenPolicySettings>, TokenPolicySettingsValidator>();
        services.AddSingleton<TokenPolicy>();
        services.AddSingleton<RoomStore>();
        services.AddSingleton<CredentialIssuer>();
        // No client timeout (each call has its own) and no per-request logging: the issuer logs failures once.
        services.AddHttpClient(CredentialIssuer.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan).RemoveAllLoggers();

        services.AddHealthChecks()
            .AddCheck<StorageHealthCheck>("storage")
            .AddCheck<VideoServiceHealthCheck>("videoService")
            .AddCheck<TokenAccessHealthCheck>("tokenAccess");
        return services;
    }
}
