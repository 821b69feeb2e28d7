/**
 * Every setting the service reads, in one place: the names are the outside contract
 * (../shared/CONTRACT.md) and the Bicep sets them as app settings. A test checks both directions,
 * so a setting read anywhere else would be a bug.
 */

export interface SettingSpec {
  name: string;
  description: string;
  /** The default as a user would read it in the README; absent when unset means "off". */
  default?: string;
  /** Secret values come from Key Vault references in Azure and are never logged. */
  secret?: boolean;
}

export const SETTINGS = {
  scope: {
    name: "FLEET_SCOPE",
    description: "Comma-separated scopes: /subscriptions/<id> and/or /providers/Microsoft.Management/managementGroups/<name>",
    default: "",
  },
  armEndpoint: { name: "FLEET_ARM_ENDPOINT", description: "Azure Resource Manager base URL", default: "https://management.azure.com" },
  armToken: { name: "FLEET_ARM_TOKEN", description: "Fixed bearer token, for local simulators only", secret: true },
  tablesConnection: { name: "FLEET_TABLES_CONNECTION", description: "Table storage connection string (Azurite locally)", secret: true },
  tablesEndpoint: { name: "FLEET_TABLES_ENDPOINT", description: "https://<account>.table.core.windows.net, used with the managed identity" },
  tablePrefix: { name: "FLEET_TABLE_PREFIX", description: "Prefix of every table name", default: "fleet" },
  port: { name: "FLEET_PORT", description: "Port of the local host (`serve`)", default: "7071" },
  apiKey: {
    name: "FLEET_API_KEY",
    description: "Key the local host requires (x-functions-key header or code= query); in Azure, function keys apply",
    secret: true,
  },
  operatorKey: {
    name: "FLEET_OPERATOR_KEY",
    description:
      "Second key the local host's callers send as x-fleet-operator-key to change silences, acknowledgements and notes; in Azure, the FleetHealth.Operate app role applies",
    secret: true,
  },
  sweepSchedule: { name: "FLEET_SWEEP_SCHEDULE", description: "Six-field NCRONTAB (UTC) of the sweep timer", default: "0 */15 * * * *" },
  shardClusters: {
    name: "FLEET_SHARD_CLUSTERS",
    description: "Clusters per shard: a fleet larger than this is swept in shards by queue-triggered workers (docs/sharding.md)",
    default: "4000",
  },
  digestSchedule: { name: "FLEET_DIGEST_SCHEDULE", description: "Six-field NCRONTAB (UTC) of the digest timer", default: "0 0 7 * * *" },
  retentionDays: { name: "FLEET_RETENTION_DAYS", description: "Days of history kept; open failures are never deleted", default: "400" },
  runDeadline: {
    name: "FLEET_RUN_DEADLINE",
    description: "Seconds a sweep, digest or retention run reads and sends before it stops and records what it has; under host.json's functionTimeout (600)",
    default: "480",
  },
  retentionSchedule: { name: "FLEET_RETENTION_SCHEDULE", description: "Six-field NCRONTAB (UTC) of the retention cleanup timer", default: "0 30 3 * * *" },
  digestSkipEmpty: { name: "FLEET_DIGEST_SKIP_EMPTY", description: "true: send no digest when nothing changed and no data was missing", default: "false" },
  digestApiBaseUrl: {
    name: "FLEET_API_BASE_URL",
    description: "Public base URL of the API (<app>/api); digests link to the dashboard at <app>/",
    default: "http://localhost:<FLEET_PORT>/api",
  },
  teamsWebhookUrl: { name: "FLEET_DIGEST_TEAMS_URL", description: "Teams Workflows webhook URL (Adaptive Card)", secret: true },
  slackWebhookUrl: { name: "FLEET_DIGEST_SLACK_URL", description: "Slack incoming webhook URL (Block Kit)", secret: true },
  webhookUrl: { name: "FLEET_DIGEST_WEBHOOK_URL", description: "Generic JSON webhook URL", secret: true },
  webhookSecret: { name: "FLEET_DIGEST_WEBHOOK_SECRET", description: "HMAC-SHA256 key for the generic webhook signature header", secret: true },
  emailEndpoint: { name: "FLEET_DIGEST_EMAIL_ENDPOINT", description: "Azure Communication Services endpoint (https://<name>.communication.azure.com)" },
  emailFrom: { name: "FLEET_DIGEST_EMAIL_FROM", description: "Sender address of a verified ACS e-mail domain" },
  emailTo: { name: "FLEET_DIGEST_EMAIL_TO", description: "Comma-separated recipients" },
} as const satisfies Record<string, SettingSpec>;

export type SettingKey = keyof typeof SETTINGS;

export type Env = Readonly<Record<string, string | undefined>>;

/** The raw value of a setting, trimmed; `undefined` when unset or blank. */
export function setting(key: SettingKey, env: Env = process.env): string | undefined {
  const value = env[SETTINGS[key].name]?.trim();
  return value ? value : undefined;
}

/** The value of a setting, or its documented default. */
export function settingOrDefault(key: SettingKey, env: Env = process.env): string {
  const spec: SettingSpec = SETTINGS[key];
  return setting(key, env) ?? spec.default ?? "";
}

export class ConfigError extends Error {
  readonly code = "InvalidConfiguration";
  constructor(
    readonly setting: string,
    message: string,
  ) {
    super(`${setting}: ${message}`);
    this.name = "ConfigError";
  }
}

/** A whole positive number setting, with a clear error naming the variable. */
export function intSetting(key: SettingKey, env: Env = process.env): number {
  const raw = settingOrDefault(key, env);
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new ConfigError(SETTINGS[key].name, `expected a positive whole number, got "${raw}"`);
  return value;
}

/** FLEET_API_BASE_URL, or the local host on FLEET_PORT: digest links must reach the server that is running. */
export function apiBaseUrl(env: Env = process.env): string {
  return (setting("digestApiBaseUrl", env) ?? `http://localhost:${intSetting("port", env)}/api`).replace(/\/+$/, "");
}

export function boolSetting(key: SettingKey, env: Env = process.env): boolean {
  const raw = settingOrDefault(key, env).toLowerCase();
  if (raw === "true" || raw === "1") return true;
  if (raw === "false" || raw === "0" || raw === "") return false;
  throw new ConfigError(SETTINGS[key].name, `expected true or false, got "${raw}"`);
}

/**
 * True when the app runs behind App Service authentication (Easy Auth): the platform sets
 * WEBSITE_AUTH_ENABLED=True and only then injects (and strips callers' own) x-ms-client-principal
 * headers. Read by the platform, never set by us; anywhere else the header is not to be trusted.
 */
export function easyAuthEnabled(env: Env = process.env): boolean {
  return env.WEBSITE_AUTH_ENABLED?.trim().toLowerCase() === "true";
}

export type FleetScope = { kind: "subscription"; id: string; scope: string } | { kind: "managementGroup"; id: string; scope: string };

const SUBSCRIPTION_SCOPE = /^\/subscriptions\/([0-9a-f-]{36})$/i;
const MANAGEMENT_GROUP_SCOPE = /^\/providers\/Microsoft\.Management\/managementGroups\/([^/]{1,90})$/i;

/** Parses FLEET_SCOPE; an empty list means every subscription the identity can read. */
export function parseScopes(raw: string | undefined): FleetScope[] {
  if (!raw?.trim()) return [];
  return raw
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean)
    .map((scope) => {
      const sub = SUBSCRIPTION_SCOPE.exec(scope);
      if (sub) return { kind: "subscription", id: sub[1].toLowerCase(), scope };
      const mg = MANAGEMENT_GROUP_SCOPE.exec(scope);
      if (mg) return { kind: "managementGroup", id: mg[1], scope };
      throw new ConfigError(SETTINGS.scope.name, `"${scope}" is neither /subscriptions/<guid> nor /providers/Microsoft.Management/managementGroups/<name>`);
    });
}
