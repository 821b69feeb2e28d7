// Optional Key Vault for the digest secrets (webhook URLs, HMAC key). The app reads them through
// Key Vault references, so the values never appear in app settings, outputs or deployment history.

param name string
param location string
param tags object = {}

@description('Secret name to value. The function app identity gets Key Vault Secrets User in app-roles.bicep.')
@secure()
param secretValues object

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: tenant().tenantId
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

resource secrets 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = [
  for secret in items(secretValues): {
    parent: vault
    name: secret.key
    properties: {
      value: secret.value
    }
  }
]

output name string = vault.name
output uri string = vault.properties.vaultUri
