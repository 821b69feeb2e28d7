// fleet-health in one subscription-scope deployment (azd up, or az deployment sub create):
// a resource group with storage, monitoring, an optional Key Vault and a Flex Consumption function
// app, plus a read-only custom role (fleet-reader-role.json) for the app's identity on every watched
// subscription.
targetScope = 'subscription'

metadata description = 'fleet-health: health of Arc and AKS cluster extensions and Flux configurations across a fleet'

@minLength(1)
@maxLength(64)
@description('Environment name (azd: AZURE_ENV_NAME). Resource names and the azd-env-name tag derive from it.')
param environmentName string

@minLength(1)
@description('Region of every resource; it must offer Flex Consumption (az functionapp list-flexconsumption-locations).')
param location string

@description('Resource group to create or reuse; empty: rg-<environmentName>.')
param resourceGroupName string = ''

@description('FLEET_SCOPE: comma-separated /subscriptions/<id> and /providers/Microsoft.Management/managementGroups/<name>. Empty: the subscription deployed to. The fleet reader role is granted here on each subscription; for a management group deploy management-group-reader.bicep.')
param watchedScopes string = ''

@description('Grant built-in Reader on the watched subscriptions instead of the custom read-only fleet reader role (fleet-reader-role.json), e.g. where custom roles cannot be created.')
param useBuiltInReader bool = false

// The Functions host resolves %FLEET_SWEEP_SCHEDULE% from the app setting itself: empty is not "the default".
@minLength(11)
@description('FLEET_SWEEP_SCHEDULE: six-field NCRONTAB, always UTC on Flex Consumption.')
param sweepSchedule string = '0 */15 * * * *'

// The Functions host resolves %FLEET_DIGEST_SCHEDULE% from the app setting itself: empty is not "the default".
@minLength(11)
@description('FLEET_DIGEST_SCHEDULE: six-field NCRONTAB, always UTC on Flex Consumption.')
param digestSchedule string = '0 0 7 * * *'

// The Functions host resolves %FLEET_RETENTION_SCHEDULE% from the app setting itself: empty is not "the default".
@minLength(11)
@description('FLEET_RETENTION_SCHEDULE: six-field NCRONTAB of the retention cleanup, always UTC on Flex Consumption.')
param retentionSchedule string = '0 30 3 * * *'

@minValue(1)
@description('FLEET_RETENTION_DAYS: days of history kept; open failures are never deleted.')
param retentionDays int = 400

@description('FLEET_DIGEST_SKIP_EMPTY: send no digest when nothing changed and no data was missing.')
param digestSkipEmpty bool = false

@minLength(1)
@maxLength(50)
@description('FLEET_TABLE_PREFIX: prefix of every table name: a letter, then letters and digits.')
param tablePrefix string = 'fleet'

@allowed([512, 2048, 4096])
@description('Memory of each Flex Consumption instance, in MB.')
param instanceMemoryMB int = 2048

@minValue(1)
@maxValue(1000)
@description('Flex Consumption scale-out limit (documented range 1-1000).')
param maximumInstanceCount int = 40

@allowed(['20', '22'])
param nodeVersion string = '22'

@description('FLEET_DIGEST_EMAIL_ENDPOINT: Azure Communication Services endpoint; empty: no e-mail digest.')
param digestEmailEndpoint string = ''

@description('FLEET_DIGEST_EMAIL_FROM: sender address of a verified ACS e-mail domain.')
param digestEmailFrom string = ''

@description('FLEET_DIGEST_EMAIL_TO: comma-separated recipients.')
param digestEmailTo string = ''

@secure()
@description('FLEET_DIGEST_TEAMS_URL, stored in Key Vault.')
param digestTeamsUrl string = ''

@secure()
@description('FLEET_DIGEST_SLACK_URL, stored in Key Vault.')
param digestSlackUrl string = ''

@secure()
@description('FLEET_DIGEST_WEBHOOK_URL, stored in Key Vault.')
param digestWebhookUrl string = ''

@secure()
@description('FLEET_DIGEST_WEBHOOK_SECRET (HMAC key of the generic webhook), stored in Key Vault.')
param digestWebhookSecret string = ''

@description('Application (client) id of the API app registration. Set: Entra ID authentication (Easy Auth) in front of the HTTP API.')
param entraClientId string = ''

@description('Tenant that issues the tokens; default: the deployment tenant.')
param entraTenantId string = tenant().tenantId

@description('Accepted token audiences; empty: api://<entraClientId>.')
param entraAllowedAudiences string[] = []

@description('Client (application) ids of the apps allowed to call the API besides the API registration itself (its own sign-in). Tokens issued to any other client are refused.')
param entraAllowedClientApplications string[] = []

@description('E-mail addresses alerted on fleet telemetry (docs/telemetry.md); empty: no action group and no alert rules.')
param alertEmails string[] = []

@minValue(1)
@description('Alert when failing components rise by more than this from one sweep to the next.')
param alertFailingRise int = 10

var tags = { 'azd-env-name': environmentName }
var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var names = {
  resourceGroup: empty(resourceGroupName) ? 'rg-${environmentName}' : resourceGroupName
  storage: 'st${resourceToken}'
  deploymentContainer: 'app-package'
  plan: 'plan-${resourceToken}'
  app: 'func-fleet-${resourceToken}'
  logAnalytics: 'log-${resourceToken}'
  applicationInsights: 'appi-${resourceToken}'
  keyVault: 'kv-${resourceToken}'
}

// Key Vault secret names allow letters, digits and dashes only.
func keyVaultSecretName(setting string) string => toLower(replace(setting, '_', '-'))

func trimTrailingSlash(url string) string => endsWith(url, '/') ? substring(url, 0, length(url) - 1) : url

// Canonical scope strings: trimmed, no trailing '/', subscription ids in lower case (as the code
// compares them), management groups by name. Duplicates in any spelling are dropped, so each
// subscription gets one role assignment deployment (whose name would otherwise collide).
func canonicalScope(entry string) string =>
  startsWith(toLower(entry), '/subscriptions/')
    ? '/subscriptions/${toLower(split(entry, '/')[2])}'
    : startsWith(toLower(entry), '/providers/microsoft.management/managementgroups/')
        ? '/providers/Microsoft.Management/managementGroups/${split(entry, '/')[4]}'
        : entry

var requestedScopes = map(
  filter(split(watchedScopes, ','), entry => !empty(trim(entry))),
  entry => canonicalScope(trimTrailingSlash(trim(entry)))
)
var requestedScopeKeys = map(requestedScopes, entry => toLower(entry))
var scopes = empty(requestedScopes)
  ? array(subscription().id)
  : filter(requestedScopes, (entry, i) => indexOf(requestedScopeKeys, toLower(entry)) == i)
var watchedSubscriptionIds = map(
  filter(scopes, entry => startsWith(toLower(entry), '/subscriptions/')),
  entry => toLower(split(entry, '/')[2])
)
var watchedManagementGroups = map(
  filter(scopes, entry => startsWith(toLower(entry), '/providers/microsoft.management/managementgroups/')),
  entry => last(split(entry, '/'))
)

// Built-in Reader (acdd72a7-...), or the custom read-only role defined below.
var readerRoleId = 'acdd72a7-3385-48ef-bd42-f606fba81ae7'
var fleetReaderRole = loadJsonContent('fleet-reader-role.json')
var fleetReaderRoleId = guid(subscription().id, environmentName, 'fleet-reader')

var tablesEndpoint = 'https://${names.storage}.table.${environment().suffixes.storage}'

// The tables of the history (shared/store) and digest (shared/digest) stores, named with the prefix.
var historyTables = map(['clusters', 'index', 'sweeps', 'digests'], table => '${tablePrefix}${table}')

// The shard queue of sharded sweeps and the poison queue the Functions host moves failed shards to (shared/sweep/shards.ts).
var shardQueues = ['fleet-sweep-shards', 'fleet-sweep-shards-poison']

// Digest secrets go to Key Vault only; the app settings hold references to them.
var digestSecrets = filter(
  [
    { setting: 'FLEET_DIGEST_TEAMS_URL', value: digestTeamsUrl }
    { setting: 'FLEET_DIGEST_SLACK_URL', value: digestSlackUrl }
    { setting: 'FLEET_DIGEST_WEBHOOK_URL', value: digestWebhookUrl }
    { setting: 'FLEET_DIGEST_WEBHOOK_SECRET', value: digestWebhookSecret }
  ],
  secret => !empty(secret.value)
)
// The vault exists only to hold digest secrets.
var keyVaultEnabled = !empty(digestSecrets)

var fleetSettings = union(
  {
    FLEET_SCOPE: join(scopes, ',')
    FLEET_ARM_ENDPOINT: trimTrailingSlash(environment().resourceManager)
    FLEET_TABLES_ENDPOINT: tablesEndpoint
    FLEET_TABLE_PREFIX: tablePrefix
    FLEET_SWEEP_SCHEDULE: sweepSchedule
    FLEET_DIGEST_SCHEDULE: digestSchedule
    FLEET_RETENTION_DAYS: string(retentionDays)
    FLEET_RETENTION_SCHEDULE: retentionSchedule
    FLEET_DIGEST_SKIP_EMPTY: digestSkipEmpty ? 'true' : 'false'
  },
  empty(digestEmailEndpoint)
    ? {}
    : {
        FLEET_DIGEST_EMAIL_ENDPOINT: digestEmailEndpoint
        FLEET_DIGEST_EMAIL_FROM: digestEmailFrom
        FLEET_DIGEST_EMAIL_TO: digestEmailTo
      },
  toObject(
    digestSecrets,
    secret => secret.setting,
    secret => '@Microsoft.KeyVault(VaultName=${names.keyVault};SecretName=${keyVaultSecretName(secret.setting)})'
  )
)

// Defined in the deployment subscription and assignable in each watched one; a management group
// gets its own definition from management-group-reader.bicep.
resource fleetReader 'Microsoft.Authorization/roleDefinitions@2022-04-01' = if (!useBuiltInReader) {
  name: fleetReaderRoleId
  properties: {
    roleName: '${fleetReaderRole.roleName} (${resourceToken})'
    description: fleetReaderRole.description
    type: 'CustomRole'
    permissions: [
      {
        actions: fleetReaderRole.actions
        notActions: []
      }
    ]
    assignableScopes: union(array(subscription().id), map(watchedSubscriptionIds, subscriptionId => '/subscriptions/${subscriptionId}'))
  }
}

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: names.resourceGroup
  location: location
  tags: tags
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    name: names.storage
    location: location
    tags: tags
    deploymentContainerName: names.deploymentContainer
    tableNames: historyTables
    queueNames: shardQueues
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    logAnalyticsName: names.logAnalytics
    applicationInsightsName: names.applicationInsights
    location: location
    tags: tags
  }
}

module functionApp 'modules/function-app.bicep' = {
  name: 'function-app'
  scope: rg
  params: {
    planName: names.plan
    appName: names.app
    location: location
    tags: tags
    storageAccountName: storage.outputs.name
    deploymentContainerName: storage.outputs.deploymentContainerName
    nodeVersion: nodeVersion
    instanceMemoryMB: instanceMemoryMB
    maximumInstanceCount: maximumInstanceCount
    entraAuth: {
      enabled: !empty(entraClientId)
      clientId: entraClientId
      tenantId: entraTenantId
      allowedAudiences: entraAllowedAudiences
      allowedClientApplications: entraAllowedClientApplications
    }
  }
}

module keyVault 'modules/key-vault.bicep' = if (keyVaultEnabled) {
  name: 'key-vault'
  scope: rg
  params: {
    name: names.keyVault
    location: location
    tags: tags
    principalId: functionApp.outputs.principalId
    secretValues: toObject(digestSecrets, secret => keyVaultSecretName(secret.setting), secret => secret.value)
  }
}

module appRoles 'modules/app-roles.bicep' = {
  name: 'app-roles'
  scope: rg
  params: {
    principalId: functionApp.outputs.principalId
    storageAccountName: storage.outputs.name
    applicationInsightsName: monitoring.outputs.applicationInsightsName
  }
}

module appSettings 'modules/app-settings.bicep' = {
  name: 'app-settings'
  scope: rg
  params: {
    appName: functionApp.outputs.name
    storageAccountName: storage.outputs.name
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    fleetSettings: fleetSettings
  }
  // Key Vault references and identity-based storage resolve on the first start only once these exist.
  dependsOn: [
    appRoles
    keyVault
  ]
}

module alerts 'modules/alerts.bicep' = if (!empty(alertEmails)) {
  name: 'alerts'
  scope: rg
  params: {
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    location: location
    tags: tags
    emails: alertEmails
    failingRiseThreshold: alertFailingRise
    nameSuffix: resourceToken
  }
}

module subscriptionReaders 'modules/subscription-reader.bicep' = [
  for subscriptionId in watchedSubscriptionIds: {
    name: 'fleet-reader-${resourceToken}'
    scope: subscription(subscriptionId)
    params: {
      principalId: functionApp.outputs.principalId
      roleDefinitionId: useBuiltInReader ? readerRoleId : fleetReaderRoleId
    }
    dependsOn: [
      fleetReader
    ]
  }
]

// azd reads these into the environment; none is a secret.
output AZURE_LOCATION string = location
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.name
output FUNCTION_APP_PRINCIPAL_ID string = functionApp.outputs.principalId
output FLEET_API_BASE_URL string = 'https://${functionApp.outputs.defaultHostName}/api'
output FLEET_TABLES_ENDPOINT string = tablesEndpoint
output WATCHED_MANAGEMENT_GROUPS_NEEDING_READER string[] = watchedManagementGroups
