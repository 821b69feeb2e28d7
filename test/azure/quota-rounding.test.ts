/**
 * Few 429s whichever way a server rounds `x-ms-user-quota-resets-after` (issue 13 item 2): parallel
 * queries on one pacer, against the simulator rounding up, down or to the nearest second, 50 ms latency.
 */
import { afterAll, describe, expect, it } from "vitest";
import { QuotaPacer } from "../../shared/azure/pacing";
import { CLUSTERS_QUERY, ResourceGraphReader } from "../../shared/azure/resource-graph";
import type { ArmSimulator } from "../../dev/simulator";
import { RESET_ROUNDINGS } from "../../dev/simulator/limits";
import { simulator } from "./simulator";

const started: ArmSimulator[] = [];
afterAll(() => Promise.all(started.map((s) => s.stop())));

describe("Resource Graph pacing under each rounding of resets-after", () => {
  it.concurrent.each([...RESET_ROUNDINGS])(
    "rounded %s: at most 5 percent of the queries draw a 429",
    async (rounding) => {
      const { sim, connection } = await simulator({ fleet: { clusters: 120, seed: 11 }, latencyMs: 50, argQuota: { perWindow: 8, windowMs: 2000, rounding } });
      started.push(sim);
      const pacer = new QuotaPacer();
      // Three chains of pages in parallel on one pacer, as a sweep's configuration queries run.
      const chains = await Promise.all(
        [6, 7, 8].map(async (pageSize) => {
          let rows = 0;
          for await (const page of new ResourceGraphReader({ ...connection, pageSize, pacer }).pages(CLUSTERS_QUERY, {})) rows += page.rows.length;
          return rows;
        }),
      );
      expect(chains).toEqual([120, 120, 120]);
      const sent = sim.stats.argQueries + sim.stats.argThrottled;
      expect(sim.stats.argQueries).toBe(20 + 18 + 15);
      expect(sim.stats.argThrottled).toBeLessThanOrEqual(0.05 * sent);
    },
    60_000,
  );
});
