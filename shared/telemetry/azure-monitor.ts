/**
 * Export to Application Insights: the Azure Monitor metric and trace exporters on the OpenTelemetry
 * SDK, registered as the global providers. Loaded only when APPLICATIONINSIGHTS_CONNECTION_STRING is
 * set (see `startTelemetry`). The exporters and the SDK alone, not the `@azure/monitor-opentelemetry`
 * distro: the Functions host already reports requests, dependencies and logs, and the distro's
 * automatic instrumentations would add load time and duplicates.
 *
 * Authentication follows the setting the Functions host reads, APPLICATIONINSIGHTS_AUTHENTICATION_STRING:
 * `Authorization=AAD` uses the app's system-assigned managed identity, `Authorization=AAD;ClientId=<id>`
 * a user-assigned one; without it the connection string's key is used (refused when the resource
 * has local authentication off, as ours does).
 */
import { metrics, trace } from "@opentelemetry/api";
import type { TokenCredential } from "@azure/core-auth";
import type { Env } from "../core/config";
import { AUTHENTICATION_STRING, CONNECTION_STRING } from "./settings";

/** `Authorization=AAD;ClientId=<id>` parsed (keys case-insensitive); an error for anything else. */
export function parseAuthenticationString(value: string): { clientId?: string } {
  const pairs = new Map(
    value
      .split(";")
      .map((part) => part.trim())
      .filter(Boolean)
      .map((part) => {
        const eq = part.indexOf("=");
        return [
          part
            .slice(0, eq < 0 ? undefined : eq)
            .trim()
            .toLowerCase(),
          eq < 0 ? "" : part.slice(eq + 1).trim(),
        ] as const;
      }),
  );
  if (pairs.get("authorization")?.toUpperCase() !== "AAD") throw new TypeError(`${AUTHENTICATION_STRING}: expected Authorization=AAD`);
  const clientId = pairs.get("clientid");
  return clientId ? { clientId } : {};
}

async function credentialFrom(env: Env): Promise<TokenCredential | undefined> {
  const auth = env[AUTHENTICATION_STRING]?.trim();
  if (!auth) return undefined;
  const { clientId } = parseAuthenticationString(auth);
  const { ManagedIdentityCredential } = await import("@azure/identity");
  return clientId ? new ManagedIdentityCredential({ clientId }) : new ManagedIdentityCredential();
}

export interface AzureMonitorOptions {
  /** Tests: a credential other than the managed identity, and no disk buffering. */
  credential?: TokenCredential;
  disableOfflineStorage?: boolean;
}

export async function registerAzureMonitor(env: Env, options: AzureMonitorOptions = {}): Promise<{ flush(): Promise<void>; shutdown(): Promise<void> }> {
  const [
    { AzureMonitorMetricExporter, AzureMonitorTraceExporter },
    { MeterProvider, PeriodicExportingMetricReader },
    { BasicTracerProvider, BatchSpanProcessor },
    { resourceFromAttributes },
  ] = await Promise.all([
    import("@azure/monitor-opentelemetry-exporter"),
    import("@opentelemetry/sdk-metrics"),
    import("@opentelemetry/sdk-trace-base"),
    import("@opentelemetry/resources"),
  ]);
  const credential = options.credential ?? (await credentialFrom(env));
  const exporterOptions = {
    connectionString: env[CONNECTION_STRING],
    ...(credential ? { credential } : {}),
    ...(options.disableOfflineStorage ? { disableOfflineStorage: true } : {}),
  };
  // The role name Application Insights shows: the function app's, as the host's own telemetry has it.
  const resource = resourceFromAttributes({
    "service.name": env.WEBSITE_SITE_NAME ?? "fleet-health",
    ...(env.WEBSITE_INSTANCE_ID ? { "service.instance.id": env.WEBSITE_INSTANCE_ID } : {}),
  });
  const meterProvider = new MeterProvider({
    resource,
    readers: [
      new PeriodicExportingMetricReader({
        exporter: new AzureMonitorMetricExporter(exporterOptions),
        // API metrics every minute; sweeps and digests also flush as they end.
        exportIntervalMillis: 60_000,
      }),
    ],
  });
  const tracerProvider = new BasicTracerProvider({ resource, spanProcessors: [new BatchSpanProcessor(new AzureMonitorTraceExporter(exporterOptions))] });
  metrics.setGlobalMeterProvider(meterProvider);
  trace.setGlobalTracerProvider(tracerProvider);
  return {
    flush: async () => {
      await Promise.all([meterProvider.forceFlush(), tracerProvider.forceFlush()]);
    },
    shutdown: async () => {
      await Promise.all([meterProvider.shutdown(), tracerProvider.shutdown()]);
      metrics.disable();
      trace.disable();
    },
  };
}
