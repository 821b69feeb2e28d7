/**
 * The sweep timer as the Functions host runs it (settings from the environment, the simulator and
 * Azurite behind them): its telemetry joins the invocation's trace, and a sweep that reads nothing
 * counts as such without gauges (missing data never reads as an empty fleet).
 */
import { InvocationContext } from "@azure/functions";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { ArmSimulator } from "../../dev/simulator";
import { sweepTimer } from "../../functions/sweep";
import { METRICS } from "../../shared/telemetry";
import { GAUGES } from "../../shared/telemetry/gauges";
import { simulator } from "../azure/simulator";
import { tablesConnection, uniquePrefix } from "../support/tables";
import { inMemoryTelemetry, sum } from "./support";

const TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
const saved = { ...process.env };
let sim: ArmSimulator;
let telemetry: ReturnType<typeof inMemoryTelemetry>;

beforeAll(async () => {
  telemetry = inMemoryTelemetry();
  ({ sim } = await simulator({ fleet: { clusters: 6, subscriptions: 2, failureRate: 0.3, seed: 5 } }));
});

afterEach(async () => {
  process.env = { ...saved };
  await telemetry.reset();
});

afterAll(async () => {
  await sim?.stop();
  await telemetry?.stop();
});

const invocation = () =>
  new InvocationContext({ functionName: "sweep", traceContext: { traceParent: `00-${TRACE_ID}-00f067aa0ba902b7-01` }, logHandler: () => undefined });

function configure(armEndpoint: string) {
  Object.assign(process.env, {
    FLEET_ARM_ENDPOINT: armEndpoint,
    FLEET_ARM_TOKEN: sim.token,
    FLEET_TABLES_CONNECTION: tablesConnection(),
    FLEET_TABLE_PREFIX: uniquePrefix("fnsweep"),
  });
}

describe("the sweep timer's telemetry", () => {
  it("records the sweep under the invocation's trace, with its gauges", async () => {
    configure(sim.endpoint);
    await sweepTimer({ isPastDue: false } as never, invocation());
    const points = await telemetry.points();
    expect(points.filter((p) => p.name === METRICS.sweeps).map((p) => p.attributes)).toEqual([{ outcome: "recorded", partial: "false" }]);
    expect(sum(points, GAUGES.clusters.name)).toBe(sim.fleet.summary().clusters);
    const sweep = telemetry.spans().find((s) => s.name === "sweep")!;
    expect(sweep.spanContext().traceId).toBe(TRACE_ID);
  });

  it("a sweep that reads nothing fails the invocation, counts as nothing-read and records no gauges", async () => {
    configure("https://127.0.0.1:1");
    await expect(sweepTimer({ isPastDue: false } as never, invocation())).rejects.toThrow(/read nothing/);
    const points = await telemetry.points();
    expect(points.filter((p) => p.name === METRICS.sweeps).map((p) => p.attributes)).toEqual([{ outcome: "nothing-read", partial: "true" }]);
    expect(points.filter((p) => p.name === GAUGES.components.name || p.name === GAUGES.clusters.name)).toEqual([]);
  });
});
