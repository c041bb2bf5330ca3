using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using ReconnectionFunctions.Credentials;
using ReconnectionFunctions.Notifications;
using ReconnectionFunctions.PreviewProgram;
using SendGrid;

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

        services.AddOptions<SubmissionSettings>().Bind(configuration.GetSection(SubmissionSettings.Section))
            .Validate(s => s.PerClientPerHour is >= 1 and <= 100_000, "Submissions:PerClientPerHour must be between 1 and 100000.")
            .ValidateOnStart();
        services.AddSingleton<SubmissionValidator>();
        services.AddSingleton<SubmissionStore>();
        services.AddSingleton<ClientRateLimiter>();

        services.AddOptions<NotificationSettings>().Bind(configuration.GetSection(NotificationSettings.Section)).ValidateOnStart();
        services.AddOptions<SendGridSettings>().Bind(configuration.GetSection(SendGridSettings.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<NotificationSettings>, NotificationSettingsValidator>();
        services.AddSingleton<IValidateOptions<SendGridSettings>, NotificationSettingsValidator>();
        services.AddHttpClient(SendGridMailSender.HttpClientName, client => client.Timeout = TimeSpan.FromSeconds(30))
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
            .RemoveAllLoggers();
        services.AddSingleton<IMailSender>(sp =>
        {
            var sendGrid = sp.GetRequiredService<IOptions<SendGridSettings>>().Value;
            if (!sendGrid.IsConfigured)
            {
                return ActivatorUtilities.CreateInstance<MailDropSender>(sp);
            }
            var http = sp.GetRequiredService<IHttpClientFactory>().CreateClient(SendGridMailSender.HttpClientName);
            var client = new SendGridClient(http, new SendGridClientOptions { ApiKey = sendGrid.ApiKey, Host = sendGrid.Host.AbsoluteUri.TrimEnd('/') });
            return ActivatorUtilities.CreateInstance<SendGridMailSender>(sp, client);
        });
        foreach (var kind in Forms.All)
        {
            services.AddSingleton<IMailSource>(new SubmissionMail(kind));
        }
        services.AddSingleton<MailDelivery>();
        services.AddSingleton<MailDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<MailDispatcher>());

        services.AddHealthChecks()
            .AddCheck<StorageHealthCheck>("storage")
            .AddCheck<VideoServiceHealthCheck>("videoService")
            .AddCheck<TokenAccessHealthCheck>("tokenAccess")
            .AddCheck<EmailHealthCheck>("email");
        return services;
    }
}
