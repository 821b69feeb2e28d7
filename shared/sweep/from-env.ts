/**
 * A sweep configured from the environment (the settings in shared/core/config.ts): the timer function
 * and the `sweep` command both start here. TLS is Node's own trust (NODE_EXTRA_CA_CERTS included).
 */
import { armCredential } from "../azure/credentials";
import { Env, parseScopes, setting, settingOrDefault } from "../core/config";
import type { FleetHistory } from "../store/types";
import type { SweepOptions, SweepProgress } from "./index";

export async function sweepOptionsFromEnv(
  env: Env,
  rest: { history: FleetHistory; onProgress?: (p: SweepProgress) => void; signal?: AbortSignal },
): Promise<SweepOptions> {
  const armEndpoint = settingOrDefault("armEndpoint", env);
  return {
    armEndpoint,
    credential: await armCredential(env),
    scopes: parseScopes(setting("scope", env)),
    ...rest,
  };
}
