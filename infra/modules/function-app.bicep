// The Flex Consumption plan and its one function app (Linux, Node), with a system-assigned identity
// that reaches storage, Application Insights and (optionally) Key Vault without any key.

param planName string
param appName string
param location string
param tags object = {}

@description('azd finds the app to deploy to by this tag.')
param serviceName string = 'api'

param storageAccountName string
param deploymentContainerName string

@allowed(['20', '22'])
param nodeVersion string = '22'

@allowed([512, 2048, 4096])
param instanceMemoryMB int = 2048

@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 40

@description('Entra ID (Easy Auth) in front of the HTTP API: every request needs a token for one of the audiences, issued to the API registration itself or to one of the allowed client applications.')
param entraAuth entraAuthSettings = {
  enabled: false
  clientId: ''
  tenantId: tenant().tenantId
  allowedAudiences: []
  allowedClientApplications: []
}

type entraAuthSettings = {
  enabled: bool
  @description('Application (client) id of the API app registration.')
  clientId: string
  tenantId: string
  allowedAudiences: string[]
  @description('Client ids of the other apps that may call the API.')
  allowedClientApplications: string[]
}

// Tokens for the audience are not enough: the calling client must be the API's own sign-in or listed.
var entraAllowedClients = union([entraAuth.clientId], entraAuth.allowedClientApplications)

resource storage 'Microsoft.Storage/storageAccounts@2024-01-01' existing = {
  name: storageAccountName
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    tier: 'FlexConsumption'
    name: 'FC1'
  }
  properties: {
    reserved: true
  }
}

resource app 'Microsoft.Web/sites@2024-04-01' = {
  name: appName
  location: location
  tags: union(tags, { 'azd-service-name': serviceName })
  kind: 'functionapp,linux'
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    siteConfig: {
      minTlsVersion: '1.2'
    }
    // Flex Consumption: runtime, scale and the package location live here, not in app settings.
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentContainerName}'
          authentication: {
            type: 'SystemAssignedIdentity'
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: {
        name: 'node'
        version: nodeVersion
      }
    }
  }
}

resource authSettings 'Microsoft.Web/sites/config@2024-04-01' = if (entraAuth.enabled) {
  parent: app
  name: 'authsettingsV2'
  properties: {
    platform: {
      enabled: true
    }
    globalValidation: {
      requireAuthentication: true
      unauthenticatedClientAction: 'Return401'
      // The anonymous liveness route stays open for probes; it reads no data.
      excludedPaths: [
        '/api/health'
      ]
    }
    identityProviders: {
      azureActiveDirectory: {
        enabled: true
        registration: {
          clientId: entraAuth.clientId
          openIdIssuer: '${environment().authentication.loginEndpoint}${entraAuth.tenantId}/v2.0'
        }
        validation: {
          allowedAudiences: empty(entraAuth.allowedAudiences) ? ['api://${entraAuth.clientId}'] : entraAuth.allowedAudiences
          jwtClaimChecks: {
            allowedClientApplications: entraAllowedClients
          }
          defaultAuthorizationPolicy: {
            allowedApplications: entraAllowedClients
          }
        }
      }
    }
    login: {
      tokenStore: {
        enabled: false
      }
    }
  }
}

// Publishing with a user name and password (FTP, and zip deploy to the SCM site) is off: azd and
// az deploy with an Entra token.
resource ftpPublishing 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: app
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource scmPublishing 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: app
  name: 'scm'
  properties: {
    allow: false
  }
}

output name string = app.name
output id string = app.id
output principalId string = app.identity.principalId
output defaultHostName string = app.properties.defaultHostName
