// Secrets live here; the app sees them only as Key Vault references resolved with its identity.
@description('Name of the Key Vault.')
@minLength(3)
@maxLength(24)
param name string

@description('Azure region.')
param location string

param tags object

@description('OpenTok API secret of the preview project.')
@secure()
param openTokApiSecret string

@description('SendGrid API key used to mail submissions.')
@secure()
param sendGridApiKey string

@description('Passcode the credential routes require; empty leaves them open.')
@secure()
param tokensPasscode string

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 7
    publicNetworkAccess: 'Enabled'
  }
}

resource openTokSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'opentok-api-secret'
  properties: {
    value: openTokApiSecret
  }
}

resource sendGridSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'sendgrid-api-key'
  properties: {
    value: sendGridApiKey
  }
}

resource passcodeSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(tokensPasscode)) {
  parent: vault
  name: 'tokens-passcode'
  properties: {
    value: tokensPasscode
  }
}

output id string = vault.id
output name string = vault.name
output openTokApiSecretUri string = openTokSecret.properties.secretUri
output sendGridApiKeyUri string = sendGridSecret.properties.secretUri
output tokensPasscodeUri string = passcodeSecret.?properties.secretUri ?? ''
