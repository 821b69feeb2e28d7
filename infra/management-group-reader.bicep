// The fleet reader role on one watched management group, deployed on its own (az deployment mg
// create): a subscription-scope deployment such as main.bicep cannot define or assign roles at
// management-group scope.
targetScope = 'managementGroup'

@description('principalId of the function app identity: the FUNCTION_APP_PRINCIPAL_ID output of main.bicep.')
param principalId string

@description('Grant built-in Reader instead of the custom read-only fleet reader role (fleet-reader-role.json).')
param useBuiltInReader bool = false

var readerRoleId = 'acdd72a7-3385-48ef-bd42-f606fba81ae7'
var fleetReaderRole = loadJsonContent('fleet-reader-role.json')

// Role names are unique in a tenant: one definition per management group and identity.
resource fleetReader 'Microsoft.Authorization/roleDefinitions@2022-04-01' = if (!useBuiltInReader) {
  name: guid(managementGroup().id, principalId, 'fleet-reader')
  properties: {
    roleName: '${fleetReaderRole.roleName} (${uniqueString(managementGroup().id, principalId)})'
    description: fleetReaderRole.description
    type: 'CustomRole'
    permissions: [
      {
        actions: fleetReaderRole.actions
        notActions: []
      }
    ]
    assignableScopes: array(managementGroup().id)
  }
}

resource assignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(managementGroup().id, principalId, useBuiltInReader ? readerRoleId : 'fleet-reader')
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: useBuiltInReader ? tenantResourceId('Microsoft.Authorization/roleDefinitions', readerRoleId) : fleetReader.id
  }
}
