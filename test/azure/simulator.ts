import { Agent } from "node:https";
import { staticTokenCredential } from "../../shared/azure/credentials";
import type { ArmConnection } from "../../shared/azure/connection";
import type { FleetHistory } from "../../shared/store/types";
import { ArmSimulator, SimulatorOptions, startArmSimulator } from "../../dev/simulator";

/** A simulator over HTTPS and the connection options the real SDK clients need to reach it. */
export async function simulator(options: SimulatorOptions = {}): Promise<{ sim: ArmSimulator; connection: ArmConnection }> {
  const sim = await startArmSimulator({ argQuota: false, armReadBucket: false, ...options });
  const connection: ArmConnection = {
    endpoint: sim.endpoint,
    credential: staticTokenCredential(sim.token),
    agent: new Agent({ ca: sim.ca, keepAlive: true }),
    timeoutMs: 2000,
    retry: { maxAttempts: 3, retryDelayMs: 10, maxThrottles: 20 },
  };
  return { sim, connection };
}

/** The connection as `runSweep` takes it. */
export function sweepConnection(connection: ArmConnection) {
  const { endpoint, credential, agent, timeoutMs, retry } = connection;
  return { armEndpoint: endpoint, credential, agent, timeoutMs, retry };
}

/** What a sweep needs to read the simulator into `history`; callers spread it and add their own options. */
export function sweepOptions(connection: ArmConnection, history: FleetHistory) {
  return { ...sweepConnection(connection), history };
}
