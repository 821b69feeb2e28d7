/** A simulated fleet swept into its own Azurite tables through the sweep planner, shard messages kept in memory. */
import type { ArmSimulator, SimulatorOptions } from "../../dev/simulator";
import { openFleetHistory } from "../../shared/store";
import type { SweepProgress } from "../../shared/sweep";
import { planSweep, type PlanSweepOptions } from "../../shared/sweep/sharded";
import type { ShardMessage } from "../../shared/sweep/shards";
import { simulator, sweepConnection } from "../azure/simulator";
import { tablesConnection, uniquePrefix } from "../support/tables";

const running: ArmSimulator[] = [];

/** For `afterEach`: stops the simulators the test started. */
export async function stopSimulators(): Promise<void> {
  await Promise.all(running.splice(0).map((sim) => sim.stop()));
}

export async function plannedFleet(fleet: SimulatorOptions["fleet"], label: string) {
  const { sim, connection } = await simulator({ fleet });
  running.push(sim);
  const options = { connectionString: tablesConnection(), tablePrefix: uniquePrefix(label) };
  const history = await openFleetHistory(options);
  const progress: SweepProgress[] = [];
  const base = { ...sweepConnection(connection), history, onProgress: (p: SweepProgress) => progress.push(p) };
  const queued: ShardMessage[] = [];
  const plan = (targetClusters: number, more: Partial<PlanSweepOptions> = {}) =>
    planSweep({ ...base, targetClusters, enqueue: async (messages) => void queued.push(...messages), ...more });
  return { sim, options, history, base, queued, plan, progress };
}
