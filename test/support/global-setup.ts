import type { TestProject } from "vitest/node";
import { startAzurite } from "../../shared/local/azurite";

declare module "vitest" {
  export interface ProvidedContext {
    tablesConnection: string;
  }
}

/** One real Azurite (in memory) for the whole run; test files isolate themselves with a table prefix. */
export default async function setup(project: TestProject) {
  const azurite = await startAzurite();
  project.provide("tablesConnection", azurite.connectionString);
  return () => azurite.stop();
}
