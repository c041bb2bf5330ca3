using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ReconnectionFunctions.Credentials;
using ReconnectionFunctions.Hosting;
using ReconnectionFunctions.Notifications;
using ReconnectionFunctions.Tests.Infrastructure;

namespace ReconnectionFunctions.Tests.Infra;

/// <summary>
/// The Bicep in infra/, compiled and linted with the Bicep CLI on every test run, and the
/// compiled template checked: no secret in plain text, no shared-key storage, exactly the roles
/// the app needs, and app settings that pass the app's own start-up validation.
/// </summary>
public partial class InfraTests
{
    private static readonly Lazy<Task<(int ExitCode, string Output)>> Build = new(() => BicepAsync("build", "--stdout"));
    private static readonly Lazy<Task<(int ExitCode, string Output)>> Lint = new(() => BicepAsync("lint"));

    /// <summary>What a person deploying would give for the required parameters.</summary>
    private static readonly Dictionary<string, object?> RequiredParameters = new()
    {
        ["environmentName"] = "preview",
        ["location"] = "westeurope",
        ["openTokApiKey"] = "47000001",
        ["openTokApiSecret"] = "preview-secret-from-the-beta-team-0123456789",
        ["sendGridApiKey"] = "SG.preview-sendgrid-key",
    };

    /// <summary>What the deployment-time values of the app settings resolve to (names, ids, endpoints).</summary>
    private static readonly Dictionary<string, object?> Deployed = new()
    {
        ["variables('names').storage"] = "streconnexample0000",
        ["reference('identity').outputs.clientId.value"] = "2f1c0b8e-5d54-4d8f-9a36-3c1f1d4b6a77",
        ["reference('monitoring').outputs.connectionString.value"] =
            "InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/",
    };

    [Fact]
    public async Task Bicep_builds_and_lints_without_errors_or_warnings()
    {
        var (buildExit, buildOutput) = await Build.Value;
        var (lintExit, lintOutput) = await Lint.Value;

        Assert.True(buildExit == 0, buildOutput);
        Assert.True(lintExit == 0, lintOutput);
        Assert.DoesNotMatch(DiagnosticLine(), lintOutput);
        Assert.StartsWith("{", buildOutput.TrimStart(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Secrets_are_secure_parameters_kept_in_key_vault_and_referenced_never_written()
    {
        var template = await TemplateAsync();
        var parameters = template.GetProperty("parameters");
        foreach (var secret in new[] { "openTokApiSecret", "sendGridApiKey", "tokensPasscode" })
        {
            Assert.Equal("securestring", parameters.GetProperty(secret).GetProperty("type").GetString());
            Assert.True(!parameters.GetProperty(secret).TryGetProperty("defaultValue", out var value) || value.GetString() == "");
        }

        var settings = AppSettings(template);
        foreach (var name in new[] { "OpenTok__ApiSecret", "SendGrid__ApiKey", "Tokens__Passcode" })
        {
            Assert.Contains("@Microsoft.KeyVault(SecretUri=", settings.GetProperty(name).GetString(), StringComparison.Ordinal);
        }
        var raw = template.GetRawText();
        Assert.DoesNotContain("listKeys", raw, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("AccountKey", raw, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("SharedAccessSignature", raw, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(settings.EnumerateObject(), s => s.Name.Equals("AzureWebJobsStorage", StringComparison.OrdinalIgnoreCase));
        foreach (var output in template.GetProperty("outputs").EnumerateObject())
        {
            Assert.DoesNotContain("Secret", output.Value.GetProperty("value").GetString()!, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Storage_has_shared_keys_off_and_holds_the_deployment_container_and_the_apps_tables()
    {
        var template = await TemplateAsync();
        var account = Resource(template, "storage", "Microsoft.Storage/storageAccounts");
        Assert.False(account.GetProperty("properties").GetProperty("allowSharedKeyAccess").GetBoolean());
        Assert.False(account.GetProperty("properties").GetProperty("allowBlobPublicAccess").GetBoolean());
        Assert.Equal("TLS1_2", account.GetProperty("properties").GetProperty("minimumTlsVersion").GetString());
        Resource(template, "storage", "Microsoft.Storage/storageAccounts/blobServices/containers");

        var tables = ModuleParameter(template, "storage", "tableNames").EnumerateArray().Select(t => t.GetString()).ToHashSet();
        Assert.Equal(new HashSet<string?> { RoomStore.TableName, "joinrequests", "feedback", ClientRateLimiter.TableName }, tables);
        Assert.Equal(tables, new HashSet<string?>([RoomStore.TableName, ClientRateLimiter.TableName, .. ReconnectionFunctions.PreviewProgram.Forms.All.Select(f => f.TableName)]));
    }

    [Fact]
    public async Task The_app_identity_gets_exactly_the_four_roles_it_needs()
    {
        var template = await TemplateAsync();
        var assignments = Resources(template, "rbac").Where(r => r.GetProperty("type").GetString() == "Microsoft.Authorization/roleAssignments").ToList();

        var granted = assignments.Select(a => (Scope: a.GetProperty("scope").GetString()!, Role: a.GetProperty("properties").GetProperty("roleDefinitionId").GetString()!)).ToList();
        Assert.Equal(4, granted.Count);
        Assert.Contains(granted, g => g.Scope.Contains("Microsoft.Storage/storageAccounts", StringComparison.Ordinal) && g.Role.Contains("storageBlobDataOwner", StringComparison.Ordinal));
        Assert.Contains(granted, g => g.Scope.Contains("Microsoft.Storage/storageAccounts", StringComparison.Ordinal) && g.Role.Contains("storageTableDataContributor", StringComparison.Ordinal));
        Assert.Contains(granted, g => g.Scope.Contains("Microsoft.KeyVault/vaults", StringComparison.Ordinal) && g.Role.Contains("keyVaultSecretsUser", StringComparison.Ordinal));
        Assert.Contains(granted, g => g.Scope.Contains("Microsoft.Insights/components", StringComparison.Ordinal) && g.Role.Contains("monitoringMetricsPublisher", StringComparison.Ordinal));
        var roles = Module(template, "rbac").GetProperty("variables").GetProperty("roles");
        Assert.Equal("b7e6dc6d-f1e8-4753-8033-0f276bb0955b", roles.GetProperty("storageBlobDataOwner").GetString());
        Assert.Equal("0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3", roles.GetProperty("storageTableDataContributor").GetString());
        Assert.Equal("4633458b-17de-408a-b874-0445c86b69e6", roles.GetProperty("keyVaultSecretsUser").GetString());
        Assert.Equal("3913510d-42f4-4e42-8a64-420c390055eb", roles.GetProperty("monitoringMetricsPublisher").GetString());
    }

    [Fact]
    public async Task The_app_is_a_flex_consumption_dotnet_10_isolated_app_running_as_its_identity_with_entra_only_telemetry()
    {
        var template = await TemplateAsync();
        var plan = Resource(template, "app", "Microsoft.Web/serverfarms");
        Assert.Equal("FC1", plan.GetProperty("sku").GetProperty("name").GetString());
        Assert.Equal("FlexConsumption", plan.GetProperty("sku").GetProperty("tier").GetString());
        var site = Resource(template, "app", "Microsoft.Web/sites");
        Assert.Equal("UserAssigned", site.GetProperty("identity").GetProperty("type").GetString());
        var config = site.GetProperty("properties").GetProperty("functionAppConfig");
        Assert.Equal("dotnet-isolated", config.GetProperty("runtime").GetProperty("name").GetString());
        Assert.Equal("10.0", config.GetProperty("runtime").GetProperty("version").GetString());
        Assert.Equal("UserAssignedIdentity", config.GetProperty("deployment").GetProperty("storage").GetProperty("authentication").GetProperty("type").GetString());
        Assert.True(site.GetProperty("properties").TryGetProperty("keyVaultReferenceIdentity", out _));
        Assert.True(Resource(template, "monitoring", "Microsoft.Insights/components").GetProperty("properties").GetProperty("DisableLocalAuth").GetBoolean());
        Assert.True(Resource(template, "monitoring", "Microsoft.OperationalInsights/workspaces").GetProperty("properties").GetProperty("features").GetProperty("disableLocalAuth").GetBoolean());
        Assert.True(Resource(template, "vault", "Microsoft.KeyVault/vaults").GetProperty("properties").GetProperty("enableRbacAuthorization").GetBoolean());
    }

    public static TheoryData<string, string?> Deployments => new()
    {
        { "defaults", null },
        { "openTokTokenFormat", "JWT" },
        { "openTokMediaMode", "relayed" },
        { "tokensMaxRole", "subscriber" },
        { "tokensMaxRole", "publisheronly" },
        { "tokensPasscode", "a-passcode-for-the-preview" },
        { "submissionsPerClientPerHour", "1" },
    };

    [Theory]
    [MemberData(nameof(Deployments))]
    public async Task The_app_settings_the_template_emits_pass_the_apps_own_start_up_validation(string parameter, string? value)
    {
        var template = await TemplateAsync();
        var parameters = Parameters(template);
        if (value is not null)
        {
            parameters[parameter] = parameters[parameter] is long ? long.Parse(value, System.Globalization.CultureInfo.InvariantCulture) : value;
        }

        var settings = DeployedSettings(template, parameters);
        using var app = AppServicesFrom(settings);

        // What the host does at start: every ValidateOnStart options class, validated.
        app.GetRequiredService<IStartupValidator>().Validate();
        // And what "required" means in Azure: credentials, real mail, identity-based storage.
        Assert.True(app.GetRequiredService<IOptions<OpenTokSettings>>().Value.HasCredentials);
        Assert.True(app.GetRequiredService<IOptions<SendGridSettings>>().Value.IsConfigured);
        var storage = app.GetRequiredService<IOptions<StorageSettings>>().Value;
        Assert.Null(storage.ConnectionString);
        Assert.Equal(new Uri("https://streconnexample0000.table.core.windows.net"), storage.TableServiceUri);
        Assert.Equal(Deployed["reference('identity').outputs.clientId.value"], storage.ClientId);
    }

    [Theory]
    [InlineData("tokensMaxRole", "moderator", null, "tokensMaxRole=moderator needs tokensPasscode")]
    [InlineData("tokensPasscode", "short", null, "tokensPasscode needs at least 8 characters")]
    public async Task Combinations_the_app_would_refuse_fail_the_deployment_instead(string parameter, string value, string? _, string message)
    {
        var template = await TemplateAsync();
        var parameters = Parameters(template);
        parameters[parameter] = value;

        var failure = Assert.Throws<TemplateFailure>(() => DeployedSettings(template, parameters));
        Assert.Contains(message, failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Moderator_with_a_passcode_deploys_and_passes_validation()
    {
        var template = await TemplateAsync();
        var parameters = Parameters(template);
        parameters["tokensMaxRole"] = "moderator";
        parameters["tokensPasscode"] = "a-passcode-for-the-preview";

        using var app = AppServicesFrom(DeployedSettings(template, parameters));
        app.GetRequiredService<IStartupValidator>().Validate();
        Assert.Equal(ReconnectionFunctions.OpenTok.Role.Moderator, app.GetRequiredService<TokenPolicy>().MaxRole);
        Assert.True(app.GetRequiredService<TokenPolicy>().RequiresPasscode);
    }

    /// <summary>The template's defaults plus what a person deploying would give.</summary>
    private static Dictionary<string, object?> Parameters(JsonElement template)
    {
        var values = new Dictionary<string, object?>(RequiredParameters);
        foreach (var parameter in template.GetProperty("parameters").EnumerateObject())
        {
            if (!values.ContainsKey(parameter.Name) && parameter.Value.TryGetProperty("defaultValue", out var value))
            {
                values[parameter.Name] = value.ValueKind switch
                {
                    JsonValueKind.String => value.GetString(),
                    JsonValueKind.Number => value.GetInt64(),
                    _ => value.Clone(),
                };
            }
        }
        return values;
    }

    /// <summary>
    /// The app settings as the platform would hand them to the app: expressions evaluated, and Key
    /// Vault references resolved to the secret the template stores under that name.
    /// </summary>
    private static Dictionary<string, string?> DeployedSettings(JsonElement template, Dictionary<string, object?> parameters)
    {
        var vault = Module(template, "vault");
        var vaultParameters = ModuleParameters(template, "vault", parameters);
        object? Known(string path)
        {
            if (Deployed.TryGetValue(path, out var value))
            {
                return value;
            }
            var output = VaultOutput().Match(path);
            if (output.Success)
            {
                var expression = vault.GetProperty("outputs").GetProperty(output.Groups[1].Value).GetProperty("value").GetString()!;
                return $"https://kv-example.vault.azure.net/secrets/{SecretName().Match(expression).Groups[1].Value}/";
            }
            return null;
        }

        var settings = new Dictionary<string, string?>();
        foreach (var setting in AppSettings(template).EnumerateObject())
        {
            var value = ArmExpression.Evaluate(setting.Value.GetString()!, parameters, Known);
            Assert.False(value is Unknown, $"{setting.Name}: the test does not know what {value} resolves to; add it to {nameof(Deployed)}.");
            var text = value?.ToString();
            if (text is not null && KeyVaultReference().Match(text) is { Success: true } reference)
            {
                var secret = Resources(template, "vault").Single(r =>
                    r.GetProperty("type").GetString() == "Microsoft.KeyVault/vaults/secrets"
                    && r.GetProperty("name").GetString()!.Contains($"'{reference.Groups[1].Value}'", StringComparison.Ordinal));
                text = ArmExpression.Evaluate(secret.GetProperty("properties").GetProperty("value").GetString()!, vaultParameters) as string;
            }
            settings[setting.Name.Replace("__", ":", StringComparison.Ordinal)] = text;
        }
        return settings;
    }

    private static ServiceProvider AppServicesFrom(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddReconnectionFunctions(configuration);
        return services.BuildServiceProvider();
    }

    private static JsonElement AppSettings(JsonElement template) => ModuleParameter(template, "app", "appSettings");

    private static JsonElement Module(JsonElement template, string module) =>
        template.GetProperty("resources").GetProperty(module).GetProperty("properties").GetProperty("template");

    private static JsonElement ModuleParameter(JsonElement template, string module, string parameter) =>
        template.GetProperty("resources").GetProperty(module).GetProperty("properties").GetProperty("parameters").GetProperty(parameter).GetProperty("value");

    /// <summary>A module's parameter values, evaluated in the main template.</summary>
    private static Dictionary<string, object?> ModuleParameters(JsonElement template, string module, Dictionary<string, object?> parameters) =>
        template.GetProperty("resources").GetProperty(module).GetProperty("properties").GetProperty("parameters").EnumerateObject()
            .ToDictionary(p => p.Name, p => p.Value.GetProperty("value") is { ValueKind: JsonValueKind.String } text ? ArmExpression.Evaluate(text.GetString()!, parameters) : null);

    private static IEnumerable<JsonElement> Resources(JsonElement template, string module)
    {
        var resources = Module(template, module).GetProperty("resources");
        return resources.ValueKind == JsonValueKind.Array ? resources.EnumerateArray() : resources.EnumerateObject().Select(r => r.Value);
    }

    private static JsonElement Resource(JsonElement template, string module, string type) =>
        Resources(template, module).Single(r => r.GetProperty("type").GetString() == type);

    private static async Task<JsonElement> TemplateAsync()
    {
        var (exitCode, output) = await Build.Value;
        Assert.True(exitCode == 0, output);
        return JsonDocument.Parse(output).RootElement;
    }

    private static async Task<(int ExitCode, string Output)> BicepAsync(string command, params string[] options)
    {
        var bicep = typeof(InfraTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "BicepPath").Value!;
        var start = new ProcessStartInfo(bicep)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            ArgumentList = { command, Path.Combine(RepoPaths.Root, "infra", "main.bicep") },
            // Offline: no telemetry, no registry.
            Environment = { ["BICEP_TELEMETRY_ENABLED"] = "false" },
        };
        foreach (var option in options)
        {
            start.ArgumentList.Add(option);
        }
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }

    [GeneratedRegex(@"\b(Warning|Error)\b")]
    private static partial Regex DiagnosticLine();

    [GeneratedRegex(@"^reference\('vault'\)\.outputs\.(\w+)\.value$")]
    private static partial Regex VaultOutput();

    [GeneratedRegex(@"'Microsoft\.KeyVault/vaults/secrets', parameters\('name'\), '([a-z0-9-]+)'")]
    private static partial Regex SecretName();

    [GeneratedRegex(@"^@Microsoft\.KeyVault\(SecretUri=https://[^/]+/secrets/([a-z0-9-]+)/?\)$")]
    private static partial Regex KeyVaultReference();
}
