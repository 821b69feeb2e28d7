// Optional Key Vault for the digest secrets (webhook URLs, HMAC key). The app reads them through
// Key Vault references, so the values never appear in app settings, outputs or deployment history.

param name string
param location string
param tags object = {}

@description('principalId of the function app identity, granted Key Vault Secrets User.')
param principalId string

@description('Secret name to value.')
@secure()
param secretValues object

var keyVaultSecretsUserRoleId = '4633458b-17de-408a-b874-0445c86b69e6'

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
    // A deleted vault (and its secrets) cannot be purged before the retention ends, by anyone.
    enablePurgeProtection: true
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

// Key Vault references in app settings resolve with the app's identity.
resource secretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, principalId, keyVaultSecretsUserRoleId)
  scope: vault
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUserRoleId)
  }
}

output name string = vault.name
output uri string = vault.properties.vaultUri
