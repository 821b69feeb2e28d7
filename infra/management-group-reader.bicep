// Reader on one watched management group, deployed on its own (az deployment mg create): a
// subscription-scope deployment such as main.bicep cannot assign roles at management-group scope.
targetScope = 'managementGroup'

@description('principalId of the function app identity: the FUNCTION_APP_PRINCIPAL_ID output of main.bicep.')
param principalId string

var readerRoleId = 'acdd72a7-3385-48ef-bd42-f606fba81ae7'

resource reader 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(managementGroup().id, principalId, readerRoleId)
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: tenantResourceId('Microsoft.Authorization/roleDefinitions', readerRoleId)
  }
}
