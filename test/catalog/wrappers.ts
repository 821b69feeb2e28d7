/**
 * The ways Azure wraps one failure message before anyone reads it, for the catalog tests and the
 * classify benchmark: the extension manager's sentence, ARM error bodies (nested, escaped inside
 * another message), portal notifications, InnerError brackets, the CLI's `(Code) message` and
 * shouting with line breaks.
 */

export type Wrapper = (message: string, name: string) => string;

export const WRAPPERS: Record<string, Wrapper> = {
  plain: (m) => m,
  extensionManager: (m) => `The extension operation failed with the following error: ${m}`,
  armBody: (m) => JSON.stringify({ error: { code: "ExtensionOperationFailed", message: m, details: [] } }),
  armNested: (m, name) =>
    JSON.stringify({
      error: {
        code: "DeploymentFailed",
        message: `At least one resource deployment operation failed. Please list deployment operations for details. Deployment: ${name}`,
        details: [
          { code: "ResourceDeploymentFailure", message: "The resource operation completed with an error.", details: [{ code: "Conflict", message: m }] },
        ],
      },
    }),
  // A JSON body that was itself serialized into a string field of another body.
  armEscaped: (m, name) =>
    JSON.stringify({
      status: "Failed",
      name,
      error: { code: "ResourceOperationFailure", message: JSON.stringify({ error: { code: "InnerError", message: m } }) },
    }),
  longRunning: (m) =>
    `Long running operation failed with status 'Failed'. Additional Info:'${JSON.stringify({ status: "Failed", error: { code: "ExtensionOperationFailed", message: m } })}'`,
  portal: (m, name) => `Failed to create the extension '${name}'. Error: ${m}`,
  innerError: (m) => `Error: [ InnerError: [${m}] ] occurred while doing the operation : [Create] on the config`,
  cli: (m) => `(BadRequest) ${m}\nCode: BadRequest\nMessage: ${m}`,
  shoutingWithBreaks: (m) => m.toUpperCase().replace(/ /g, (_, i: number) => (i % 3 === 0 ? "\n   " : " ")),
};

/** Cluster-specific names, so wrapped variants differ the way messages from two clusters do. */
export function clusterName(n: number): string {
  return `${["edge", "store", "plant", "aks-prod", "arc-lab"][n % 5]}-${String(n).padStart(3, "0")}`;
}
