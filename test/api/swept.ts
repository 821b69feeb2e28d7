/**
 * A store filled the way production fills it: the fixture fleet recorded through the store API, then
 * two sweeps of a simulated fleet (over HTTPS, with the real SDK clients) with changes between them,
 * and a digest built, stored and delivered to a local webhook.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { ArmSimulator } from "../../dev/simulator";
import type { ArmConnection } from "../../shared/azure/connection";
import { componentId } from "../../dev/simulator/fleet";
import { openApiServices, type ApiServices } from "../../shared/api/services";
import { webhookTarget } from "../../shared/digest/deliver/targets";
import { runDigest } from "../../shared/digest/run";
import { openDigestStore } from "../../shared/digest/store";
import { openFleetHistory } from "../../shared/store";
import { runSweep } from "../../shared/sweep";
import { simulator, sweepOptions } from "../azure/simulator";
import { tablesConnection, uniquePrefix } from "../support/tables";
import { seedFleet } from "./support";

/** The operator key the services accept (FLEET_OPERATOR_KEY's local role). */
export const OPERATOR_KEY = "contract-operator-key";

export async function openSwept(label: string): Promise<{ sim: ArmSimulator; connection: ArmConnection; services: ApiServices; close(): Promise<void> }> {
  const { sim, connection } = await simulator({
    fleet: { clusters: 12, subscriptions: 3, extensionsPerCluster: 3, fluxPerCluster: 2, sourceControlRatio: 0.3, failureRate: 0.25, seed: 21 },
  });
  const options = { connectionString: tablesConnection(), tablePrefix: uniquePrefix(label) };
  const history = await openFleetHistory(options);
  await seedFleet(history);
  const sweep = () =>
    runSweep({
      ...sweepOptions(connection, history),
    });
  await sweep();
  // Between the sweeps a failure recovers, a healthy extension fails and an Arc cluster goes dark.
  const fleet = sim.fleet;
  const failed = fleet.clusters.flatMap((c) => c.components.filter((x) => x.status === "failed").map((x) => componentId(c, x)));
  const healthy = fleet.clusters.flatMap((c) => c.components.filter((x) => x.status === "ok" && x.kind === "extension").map((x) => componentId(c, x)));
  fleet.recover(failed[0]);
  fleet.fail(healthy[0]);
  fleet.takeOffline(fleet.clusters.find((c) => c.kind === "arc")!.id);
  await sweep();

  const webhook = createServer((req, res) => req.resume().on("end", () => res.writeHead(204).end()));
  await new Promise<void>((resolve) => webhook.listen(0, "127.0.0.1", resolve));
  const target = webhookTarget(`http://127.0.0.1:${(webhook.address() as AddressInfo).port}/digest`, "secret", { apiBaseUrl: "http://localhost:7071/api" });
  await runDigest({ history, store: await openDigestStore(options), targets: [target], send: true, since: 60 * 86_400_000 });
  const services = await openApiServices(options, { refreshMs: 0, auth: { easyAuth: false, operatorKey: OPERATOR_KEY } });
  return { sim, connection, services, close: async () => (await sim.stop(), await new Promise<void>((resolve) => webhook.close(() => resolve()))) };
}
