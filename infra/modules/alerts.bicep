// Alerts on the fleet telemetry the function app sends to Application Insights (docs/telemetry.md):
// an e-mail action group and four log alert rules over customMetrics. Every sweep exports its
// gauges and its fleet.sweeps count in one flush, so the rows of one sweep share a timestamp.

param applicationInsightsName string
param location string
param tags object = {}

@minLength(1)
@description('Addresses the action group e-mails.')
param emails string[]

@minValue(1)
@description('Alert when failing components rise by more than this from one sweep to the next.')
param failingRiseThreshold int = 10

@description('Suffix of the rule and action group names.')
param nameSuffix string

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource actionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = {
  name: 'ag-fleet-${nameSuffix}'
  location: 'Global'
  tags: tags
  properties: {
    groupShortName: 'fleethealth'
    enabled: true
    emailReceivers: [
      for (email, i) in emails: {
        name: 'email-${i}'
        emailAddress: email
        useCommonAlertSchema: true
      }
    ]
  }
}

// The latest sweep that recorded a snapshot (a sweep that read nothing exports no gauges).
var lastRecorded = 'let last = toscalar(customMetrics | where name == "fleet.sweeps" and tostring(customDimensions.outcome) == "recorded" | summarize max(timestamp));'

var rules = [
  {
    name: 'critical-failing'
    displayName: 'fleet-health: a critical catalog entry is failing'
    description: 'The latest sweep found components failing with a catalog entry of severity critical; one alert per entry.'
    severity: 1
    windowSize: 'PT1H'
    query: '${lastRecorded} customMetrics | where timestamp == last and name == "fleet.components" and tostring(customDimensions.state) == "failing" and tostring(customDimensions.severity) == "critical" | summarize failing = sum(valueSum) by catalogEntry = tostring(customDimensions.catalog_entry)'
    measure: 'failing'
    operator: 'GreaterThan'
    threshold: 0
    dimensions: [
      {
        name: 'catalogEntry'
        operator: 'Include'
        values: ['*']
      }
    ]
  }
  {
    name: 'failing-rise'
    displayName: 'fleet-health: failing components rose by more than ${failingRiseThreshold} in a sweep'
    description: 'Failing components of the latest recorded sweep minus those of the sweep before.'
    severity: 2
    windowSize: 'PT6H'
    query: 'let sweeps = customMetrics | where name == "fleet.sweeps" and tostring(customDimensions.outcome) == "recorded" | summarize by timestamp | top 2 by timestamp desc; let failing = customMetrics | where name == "fleet.components" and tostring(customDimensions.state) == "failing" | summarize failing = sum(valueSum) by timestamp; sweeps | join kind=leftouter failing on timestamp | project timestamp, failing = coalesce(failing, 0.0) | order by timestamp desc | extend previous = next(failing) | take 1 | where isnotnull(previous) | project rise = failing - previous'
    measure: 'rise'
    operator: 'GreaterThan'
    threshold: failingRiseThreshold
    dimensions: []
  }
  {
    name: 'partial-sweeps'
    displayName: 'fleet-health: sweeps partial 3 times in a row'
    description: 'The last three sweeps each left scopes unread (missing permissions, throttling, an outage).'
    severity: 2
    windowSize: 'PT6H'
    query: 'customMetrics | where name == "fleet.sweeps" and tostring(customDimensions.outcome) != "error" | top 3 by timestamp desc | summarize sweeps = count(), partial = countif(tostring(customDimensions.partial) == "true") | where sweeps == 3 | project partial'
    measure: 'partial'
    operator: 'GreaterThanOrEqual'
    threshold: 3
    dimensions: []
  }
  {
    name: 'no-sweep'
    displayName: 'fleet-health: no sweep recorded for 1 hour'
    description: 'No sweep recorded a snapshot in the last hour: the timer is not running, or every sweep failed or read nothing.'
    severity: 1
    windowSize: 'PT1H'
    query: 'customMetrics | where name == "fleet.sweeps" and tostring(customDimensions.outcome) == "recorded" | summarize sweeps = count()'
    measure: 'sweeps'
    operator: 'LessThan'
    threshold: 1
    dimensions: []
  }
]

resource alertRules 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = [
  for rule in rules: {
    name: 'fleet-${rule.name}-${nameSuffix}'
    location: location
    tags: tags
    kind: 'LogAlert'
    properties: {
      displayName: rule.displayName
      description: rule.description
      severity: rule.severity
      enabled: true
      scopes: [appInsights.id]
      evaluationFrequency: 'PT15M'
      windowSize: rule.windowSize
      autoMitigate: true
      criteria: {
        allOf: [
          {
            query: rule.query
            timeAggregation: 'Maximum'
            metricMeasureColumn: rule.measure
            operator: rule.operator
            threshold: rule.threshold
            dimensions: rule.dimensions
            failingPeriods: {
              numberOfEvaluationPeriods: 1
              minFailingPeriodsToAlert: 1
            }
          }
        ]
      }
      actions: {
        actionGroups: [actionGroup.id]
      }
    }
  }
]

output actionGroupId string = actionGroup.id
output alertRuleNames string[] = [for (rule, i) in rules: alertRules[i].name]
