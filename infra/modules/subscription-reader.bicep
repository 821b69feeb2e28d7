// The fleet reader role (or built-in Reader) on one watched subscription: what Resource Graph and the
// cluster and KubernetesConfiguration reads need.
targetScope = 'subscription'

param principalId string

@description('Role definition GUID: the custom fleet reader role defined by main.bicep, or built-in Reader.')
param roleDefinitionId string

resource fleetReader 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(subscription().id, principalId, roleDefinitionId)
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleDefinitionId)
  }
}
