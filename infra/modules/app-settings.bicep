// The app settings, applied once the identity holds its roles and the Key Vault secrets exist, so
// identity-based storage and Key Vault references resolve on the first start.

param appName string
param storageAccountName string
param applicationInsightsName string

@description('The FLEET_* settings the code reads (shared/core/config.ts), merged over the platform settings.')
param fleetSettings object

resource app 'Microsoft.Web/sites@2024-04-01' existing = {
  name: appName
}

resource storage 'Microsoft.Storage/storageAccounts@2024-01-01' existing = {
  name: storageAccountName
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource appSettings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: app
  name: 'appsettings'
  properties: union(
    {
      // Identity-based host storage by service URI, not __accountName: the URIs carry the cloud's
      // storage suffix, so sovereign clouds work too. No connection string.
      AzureWebJobsStorage__blobServiceUri: storage.properties.primaryEndpoints.blob
      AzureWebJobsStorage__queueServiceUri: storage.properties.primaryEndpoints.queue
      AzureWebJobsStorage__tableServiceUri: storage.properties.primaryEndpoints.table
      // Node arguments of the worker process, set at its start (shared/sweep/memory.ts explains the
      // figures); a run-time v8.setFlagsFromString would change the heap under every function.
      languageWorkers__node__arguments: '--heap-growing-percent=40 --max-semi-space-size=8'
      // Not a secret: with local auth disabled, ingestion also needs the identity's Entra token.
      APPLICATIONINSIGHTS_CONNECTION_STRING: appInsights.properties.ConnectionString
      APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'Authorization=AAD'
      FLEET_API_BASE_URL: 'https://${app.properties.defaultHostName}/api'
      // host.json's routePrefix is empty so the dashboard answers at the app's base URL; without this the
      // host would answer / with its own home page wherever no function matched (azure-functions-host#1102).
      AzureWebJobsDisableHomepage: 'true'
      // Skips the catalog's load-time self-check (shared/catalog/index.ts): CI runs it, and a cold start should not.
      NODE_ENV: 'production'
    },
    fleetSettings
  )
}
