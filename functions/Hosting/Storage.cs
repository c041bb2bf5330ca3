using Azure;
using Azure.Data.Tables;
using Azure.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace ReconnectionFunctions.Hosting;

/// <summary>
/// Where the app's tables live, read from <c>AzureWebJobsStorage</c> the way the Functions host
/// reads it: a connection string, or identity-based <c>AzureWebJobsStorage__tableServiceUri</c>
/// (or <c>__accountName</c>) with an optional user-assigned <c>__clientId</c>.
/// </summary>
public sealed class StorageSettings
{
    public const string Setting = "AzureWebJobsStorage";

    public string? ConnectionString { get; set; }
    public Uri? TableServiceUri { get; set; }
    public string? ClientId { get; set; }

    public static void Bind(StorageSettings settings, IConfiguration configuration)
    {
        settings.ConnectionString = configuration[Setting];
        var section = configuration.GetSection(Setting);
        if (Uri.TryCreate(section["tableServiceUri"], UriKind.Absolute, out var uri))
        {
            settings.TableServiceUri = uri;
        }
        else if (section["accountName"] is { Length: > 0 } account)
        {
            settings.TableServiceUri = new Uri($"https://{account}.table.core.windows.net");
        }
        settings.ClientId = section["clientId"];
    }

    public TableServiceClient CreateClient()
    {
        var options = new TableClientOptions();
        // Fail over to a 503 within about a second when storage is down, instead of the SDK's long default backoff.
        options.Retry.MaxRetries = 2;
        options.Retry.Delay = TimeSpan.FromMilliseconds(200);
        options.Retry.MaxDelay = TimeSpan.FromSeconds(1);
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(10);

        if (!string.IsNullOrWhiteSpace(ConnectionString))
        {
            return new TableServiceClient(ConnectionString, options);
        }
        var credential = new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = ClientId });
        return new TableServiceClient(TableServiceUri!, credential, options);
    }
}

public sealed class StorageSettingsValidator : IValidateOptions<StorageSettings>
{
    public ValidateOptionsResult Validate(string? name, StorageSettings settings)
    {
        if (string.IsNullOrWhiteSpace(settings.ConnectionString) && settings.TableServiceUri is null)
        {
            return ValidateOptionsResult.Fail(
                "AzureWebJobsStorage is not set: give a connection string (UseDevelopmentStorage=true for Azurite) " +
                "or AzureWebJobsStorage__tableServiceUri for a managed identity.");
        }
        if (!string.IsNullOrWhiteSpace(settings.ConnectionString))
        {
            try
            {
                _ = new TableServiceClient(settings.ConnectionString);
            }
            catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException)
            {
                return ValidateOptionsResult.Fail("AzureWebJobsStorage is not a valid storage connection string.");
            }
        }
        return ValidateOptionsResult.Success;
    }
}

/// <summary>Recognises storage failures that mean "storage is unavailable right now".</summary>
public static class StorageFailures
{
    public static bool IsUnavailable(Exception exception) => exception switch
    {
        RequestFailedException => true,
        AggregateException aggregate => aggregate.InnerExceptions.All(IsUnavailable),
        AuthenticationFailedException or CredentialUnavailableException => true,
        _ => false,
    };
}
