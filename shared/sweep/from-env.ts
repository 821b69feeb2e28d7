/**
 * A sweep configured from the environment (the settings in shared/config.ts): the timer function
 * and the `sweep` command both start here.
 */
import { Agent } from "node:https";
import { rootCertificates } from "node:tls";
import { armCredential } from "../azure/credentials";
import { Env, parseScopes, setting, settingOrDefault } from "../config";
import type { FleetHistory } from "../store/types";
import type { SweepOptions, SweepProgress } from "./index";

/**
 * The local simulator's certificate is trusted for a loopback endpoint, so `sweep` against it works
 * without NODE_EXTRA_CA_CERTS; any other endpoint uses Node's default trust.
 */
export async function agentFor(endpoint: string): Promise<Agent | undefined> {
  const host = new URL(endpoint).hostname;
  if (host !== "127.0.0.1" && host !== "localhost" && host !== "[::1]") return undefined;
  // Loaded only here: the simulator module is not needed (nor wanted at cold start) against Azure.
  const { simulatorCa } = await import("../local/simulator");
  return new Agent({ ca: [...rootCertificates, simulatorCa().toString("utf8")], keepAlive: true });
}

export async function sweepOptionsFromEnv(env: Env, rest: { history: FleetHistory; onProgress?: (p: SweepProgress) => void }): Promise<SweepOptions> {
  const armEndpoint = settingOrDefault("armEndpoint", env);
  const agent = await agentFor(armEndpoint);
  return {
    armEndpoint,
    credential: await armCredential(env),
    ...(agent ? { agent } : {}),
    scopes: parseScopes(setting("scope", env)),
    ...rest,
  };
}
