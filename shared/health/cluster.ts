/**
 * Judgement of the cluster resource itself: Arc connectivity and heartbeat, AKS power state,
 * provisioning, managed-identity certificate expiry and Arc agent errors.
 */
import { parseClusterId } from "../core/ids";
import { component } from "./component";
import type { ClusterHealth } from "../core/model";
import { Prop } from "./properties";
import { combine, EnumOutcome, evidenceOf, judgeEnum, verdict, Verdict } from "./verdict";
import { factsOf } from "./facts";
import { intern } from "./intern";

export interface JudgeOptions {
  /** The time judgements are made against (heartbeat age, certificate expiry). */
  now: Date;
  /** A Connected Arc cluster whose last heartbeat is older than this is `degraded` (ms). */
  staleHeartbeatMs: number;
  /** A certificate that expires within this is `degraded` (ms). */
  certificateWarningMs: number;
}

export const DEFAULT_JUDGE_OPTIONS: Omit<JudgeOptions, "now"> = {
  staleHeartbeatMs: 60 * 60_000,
  certificateWarningMs: 14 * 24 * 60 * 60_000,
};

const pending = (reason: string): EnumOutcome => ({ state: "pending", reason });

/** Every provisioningState value the cluster and configuration resource providers document. */
export const PROVISIONING: Record<string, EnumOutcome> = {
  succeeded: { state: "healthy", reason: "Succeeded" },
  failed: { state: "failing", reason: "ProvisioningFailed" },
  canceled: { state: "degraded", reason: "ProvisioningCanceled" },
  deleting: pending("Deleting"),
  ...Object.fromEntries(
    ["accepted", "creating", "provisioning", "updating", "upgrading", "scaling", "starting", "stopping", "migrating", "canceling", "running"].map((s) => [
      s,
      pending("Provisioning"),
    ]),
  ),
};

const CONNECTIVITY: Record<string, EnumOutcome> = {
  connected: { state: "healthy", reason: "Connected" },
  connecting: pending("Connecting"),
  offline: { state: "failing", reason: "Offline" },
  expired: { state: "failing", reason: "Expired" },
  agentnotinstalled: { state: "failing", reason: "AgentNotInstalled" },
};

const POWER: Record<string, EnumOutcome> = {
  running: { state: "healthy", reason: "Running" },
  stopped: { state: "degraded", reason: "Stopped" },
};

const ARC_FACTS = [
  "connectivityStatus",
  "lastConnectivityTime",
  "provisioningState",
  "agentVersion",
  "kubernetesVersion",
  "distribution",
  "managedIdentityCertificateExpirationTime",
];
const AKS_FACTS = ["powerState.code", "provisioningState", "kubernetesVersion", "currentKubernetesVersion"];

/** One Resource Graph (or ARM) row of a connectedClusters or managedClusters resource. */
export function judgeCluster(row: unknown, options: JudgeOptions): ClusterHealth {
  const root = Prop.root(row);
  const rawId = root.get("id").text() ?? "";
  const ref = parseClusterId(rawId);
  const props = root.get("properties");
  const verdicts = ref.kind === "arc" ? arcVerdicts(props, options) : [judgeEnum(props.at("powerState.code"), POWER, (v) => `the cluster is ${v}`)];
  verdicts.push(judgeEnum(props.get("provisioningState"), PROVISIONING, (v) => `provisioningState is ${v}`));
  const tags = stringRecord(root.get("tags").value);
  const facts = factsOf(props, ref.kind === "arc" ? ARC_FACTS : AKS_FACTS);
  const own = component(
    { id: rawId.trim(), clusterId: intern(ref.id), kind: "cluster", name: root.get("name").nonEmpty() ?? ref.name, facts },
    combine(verdicts),
  );
  return {
    id: own.clusterId,
    name: own.name,
    kind: ref.kind,
    subscriptionId: intern(root.get("subscriptionId").nonEmpty()?.toLowerCase() ?? ref.subscriptionId),
    resourceGroup: intern(root.get("resourceGroup").nonEmpty() ?? ref.resourceGroup),
    ...(root.get("location").nonEmpty() ? { location: intern(root.get("location").nonEmpty()!) } : {}),
    state: own.state,
    components: [own],
    ...(tags ? { tags } : {}),
  };
}

function arcVerdicts(props: Prop, options: JudgeOptions): Verdict[] {
  const connectivity = props.get("connectivityStatus");
  const verdicts = [judgeEnum(connectivity, CONNECTIVITY, (v) => `connectivityStatus is ${v}`)];
  const heartbeat = props.get("lastConnectivityTime");
  const beatAt = heartbeat.time();
  if (verdicts[0].state === "healthy" && beatAt !== undefined && options.now.getTime() - beatAt > options.staleHeartbeatMs) {
    verdicts.push(
      verdict("degraded", "StaleHeartbeat", `connected, but the last heartbeat was at ${heartbeat.text()}`, [evidenceOf(connectivity), evidenceOf(heartbeat)]),
    );
  }
  const certificate = props.get("managedIdentityCertificateExpirationTime");
  const expiresAt = certificate.time();
  if (expiresAt !== undefined) {
    const left = expiresAt - options.now.getTime();
    if (left <= 0)
      verdicts.push(verdict("failing", "CertificateExpired", `the managed identity certificate expired at ${certificate.text()}`, [evidenceOf(certificate)]));
    else if (left <= options.certificateWarningMs)
      verdicts.push(
        verdict("degraded", "CertificateExpiringSoon", `the managed identity certificate expires at ${certificate.text()}`, [evidenceOf(certificate)]),
      );
  }
  for (const error of props.at("arcAgentProfile.agentErrors").items()) {
    if (error.get("severity").text()?.toLowerCase() !== "error") continue;
    const message = error.get("message");
    verdicts.push(
      verdict("degraded", "AgentError", message.nonEmpty() ?? "an Arc agent reported an error", [evidenceOf(message, error.get("component").nonEmpty())]),
    );
  }
  return verdicts;
}

function stringRecord(value: unknown): Record<string, string> | undefined {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  const entries = Object.entries(value).filter(([, v]) => typeof v === "string") as Array<[string, string]>;
  return entries.length ? Object.fromEntries(entries) : undefined;
}
