// ReconnectionFunctions in Azure: a Flex Consumption Function App running as a user-assigned
// identity, with identity-only storage, secrets in Key Vault, and Entra-only telemetry.
targetScope = 'subscription'

@description('Name of the environment (azd): names the resource group and prefixes nothing else.')
@minLength(1)
@maxLength(40)
param environmentName string

@description('Azure region for every resource.')
@metadata({ azd: { type: 'location' } })
param location string

@description('OpenTok API key of the developer preview project (numeric).')
@minLength(1)
@maxLength(20)
param openTokApiKey string

@description('OpenTok API secret of the developer preview project. Stored in Key Vault.')
@secure()
@minLength(1)
param openTokApiSecret string

@description('SendGrid API key used to mail join requests and feedback. Stored in Key Vault.')
@secure()
@minLength(1)
param sendGridApiKey string

@description('Passcode the credential routes require (8+ characters); empty leaves them open. Stored in Key Vault.')
@secure()
param tokensPasscode string = ''

@description('OpenTok REST base URL.')
param openTokApiUrl string = 'https://anvil-preview.opentok.com'

@description('Client token format.')
@allowed(['T1', 'JWT'])
param openTokTokenFormat string = 'T1'

@description('Media mode of new sessions.')
@allowed(['routed', 'relayed'])
param openTokMediaMode string = 'routed'

@description('Highest role handed out; moderator needs a passcode.')
@allowed(['publisher', 'subscriber', 'publisheronly', 'moderator'])
param tokensMaxRole string = 'publisher'

@description('Who receives join requests and feedback.')
param betaAddress string = 'automatic-reconnection-beta@tokbox.com'

@description('The sender of those mails (a verified SendGrid sender).')
param fromAddress string = 'no-reply@tokbox.com'

@description('Join requests and feedback accepted per client address per hour.')
@minValue(1)
@maxValue(100000)
param submissionsPerClientPerHour int = 30

@description('Browser origins allowed to call the API.')
param corsAllowedOrigins array = []

@description('Most instances the app may scale out to.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 100

@description('Memory of each instance, in MB.')
@allowed([512, 2048, 4096])
param instanceMemoryMB int = 2048

var tags = { 'azd-env-name': environmentName }
var token = toLower(uniqueString(subscription().id, environmentName, location))
var deploymentContainerName = 'app-package-${take(token, 7)}'
var names = {
  identity: 'id-reconnection-${token}'
  storage: 'streconn${take(token, 16)}'
  vault: 'kv-reconn-${take(token, 13)}'
  logAnalytics: 'log-reconnection-${token}'
  applicationInsights: 'appi-reconnection-${token}'
  plan: 'plan-reconnection-${token}'
  app: 'func-reconnection-${token}'
}

resource group 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: 'rg-${environmentName}'
  location: location
  tags: tags
}

module identity 'modules/identity.bicep' = {
  scope: group
  params: {
    name: names.identity
    location: location
    tags: tags
  }
}

module storage 'modules/storage.bicep' = {
  scope: group
  params: {
    name: names.storage
    location: location
    tags: tags
    deploymentContainerName: deploymentContainerName
    tableNames: ['rooms', 'joinrequests', 'feedback', 'ratelimits']
  }
}

module vault 'modules/keyvault.bicep' = {
  scope: group
  params: {
    name: names.vault
    location: location
    tags: tags
    openTokApiSecret: openTokApiSecret
    sendGridApiKey: sendGridApiKey
    tokensPasscode: tokensPasscode
  }
}

module monitoring 'modules/monitoring.bicep' = {
  scope: group
  params: {
    logAnalyticsName: names.logAnalytics
    applicationInsightsName: names.applicationInsights
    location: location
    tags: tags
  }
}

module rbac 'modules/rbac.bicep' = {
  scope: group
  dependsOn: [identity, storage, vault, monitoring]
  params: {
    identityName: names.identity
    storageAccountName: names.storage
    keyVaultName: names.vault
    applicationInsightsName: names.applicationInsights
  }
}

module app 'modules/functionapp.bicep' = {
  scope: group
  dependsOn: [rbac]
  params: {
    name: names.app
    planName: names.plan
    location: location
    tags: tags
    identityId: identity.outputs.id
    deploymentContainerUrl: storage.outputs.deploymentContainerUrl
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: instanceMemoryMB
    corsAllowedOrigins: corsAllowedOrigins
    // The settings the app reads (README "Settings"); a test checks them against the app's own validation.
    appSettings: {
      // Storage through the identity: no connection string, no key (shared keys are off anyway).
      AzureWebJobsStorage__accountName: names.storage
      AzureWebJobsStorage__credential: 'managedidentity'
      AzureWebJobsStorage__clientId: identity.outputs.clientId
      // Telemetry authenticated with the identity; the connection string carries no secret once local auth is off.
      APPLICATIONINSIGHTS_CONNECTION_STRING: monitoring.outputs.connectionString
      APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identity.outputs.clientId};Authorization=AAD'
      OpenTok__ApiKey: openTokApiKey
      OpenTok__ApiSecret: '@Microsoft.KeyVault(SecretUri=${vault.outputs.openTokApiSecretUri})'
      OpenTok__ApiUrl: openTokApiUrl
      OpenTok__TokenFormat: openTokTokenFormat
      OpenTok__MediaMode: openTokMediaMode
      Tokens__MaxRole: tokensMaxRole == 'moderator' && empty(tokensPasscode)
        ? fail('tokensMaxRole=moderator needs tokensPasscode: moderator tokens are never handed to anonymous callers.')
        : tokensMaxRole
      Tokens__Passcode: empty(tokensPasscode)
        ? ''
        : length(tokensPasscode) < 8
            ? fail('tokensPasscode needs at least 8 characters.')
            : '@Microsoft.KeyVault(SecretUri=${vault.outputs.tokensPasscodeUri})'
      SendGrid__ApiKey: '@Microsoft.KeyVault(SecretUri=${vault.outputs.sendGridApiKeyUri})'
      Notifications__BetaAddress: betaAddress
      Notifications__FromAddress: fromAddress
      Submissions__PerClientPerHour: string(submissionsPerClientPerHour)
    }
  }
}

output AZURE_LOCATION string = location
output AZURE_RESOURCE_GROUP string = group.name
output AZURE_FUNCTION_APP_NAME string = app.outputs.name
output AZURE_FUNCTION_APP_URL string = 'https://${app.outputs.defaultHostName}/api'
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output AZURE_KEY_VAULT_NAME string = vault.outputs.name
output AZURE_USER_ASSIGNED_IDENTITY_CLIENT_ID string = identity.outputs.clientId
