import type { TestProject } from "vitest/node";
import { startAzurite } from "../../dev/azurite";
import { simulatorCaPath } from "../../dev/simulator";

declare module "vitest" {
  export interface ProvidedContext {
    tablesConnection: string;
  }
}

/** One real Azurite (in memory) for the whole run; test files isolate themselves with a table prefix. */
export default async function setup(project: TestProject) {
  // The standard trust setting, as a user of the simulator sets it: test workers inherit it at start.
  process.env.NODE_EXTRA_CA_CERTS = simulatorCaPath();
  const azurite = await startAzurite();
  project.provide("tablesConnection", azurite.connectionString);
  return () => azurite.stop();
}
