/**
 * Judgement of the configuration resources under a cluster: cluster extensions, Flux v2
 * configurations (and each object they reconcile) and legacy Flux v1 sourceControlConfigurations.
 * Input is the wire JSON (a Resource Graph row or an ARM GET body), never an SDK-mapped model.
 */
import { parseConfigId } from "../core/ids";
import type { ComponentHealth } from "../core/model";
import { PROVISIONING } from "./cluster";
import { component } from "./component";
import { factsOf } from "./facts";
import { intern } from "./intern";
import { Prop } from "./properties";
import { combine, EnumOutcome, evidenceOf, judgeEnum, verdict, Verdict } from "./verdict";

const FLUX_COMPLIANCE: Record<string, EnumOutcome> = {
  compliant: { state: "healthy", reason: "Compliant" },
  "non-compliant": { state: "failing", reason: "NonCompliant" },
  pending: { state: "pending", reason: "Pending" },
  suspended: { state: "degraded", reason: "Suspended" },
  unknown: { state: "unknown", reason: "ComplianceUnknown" },
};

/** Flux v1 spells it `Noncompliant`, without the hyphen. */
const SOURCE_CONTROL_COMPLIANCE: Record<string, EnumOutcome> = {
  compliant: { state: "healthy", reason: "Compliant" },
  installed: { state: "healthy", reason: "Installed" },
  noncompliant: { state: "failing", reason: "NonCompliant" },
  failed: { state: "failing", reason: "ComplianceFailed" },
  pending: { state: "pending", reason: "Pending" },
};

const EXTENSION_FACTS = ["extensionType", "provisioningState", "version", "currentVersion", "releaseTrain", "installState"];
/** Per the fluxConfigurations spec: the source's URL sits under the property named after its sourceKind. */
export const FLUX_SOURCE_URLS = {
  GitRepository: "gitRepository.url",
  Bucket: "bucket.url",
  AzureBlob: "azureBlob.url",
  OCIRepository: "ociRepository.url",
} as const;
const FLUX_FACTS = [
  "complianceState",
  "provisioningState",
  "sourceKind",
  "sourceSyncedCommitId",
  "sourceUpdatedAt",
  "statusUpdatedAt",
  "suspend",
  ...Object.values(FLUX_SOURCE_URLS),
];
const OBJECT_FACTS = ["kind", "namespace", "complianceState", "helmReleaseProperties.lastRevisionApplied"];
const SOURCE_CONTROL_FACTS = ["provisioningState", "complianceStatus.complianceState", "repositoryUrl", "operatorType"];
const HELM_COUNTS = ["failureCount", "installFailureCount", "upgradeFailureCount"];

/**
 * One configuration row: the extension, Flux configuration or sourceControlConfiguration
 * component, followed by one `fluxObject` component per Flux object status.
 */
export function judgeConfiguration(row: unknown): ComponentHealth[] {
  const root = Prop.root(row);
  const rawId = (root.get("id").text() ?? "").trim();
  const ref = parseConfigId(rawId);
  const props = root.get("properties");
  const base = { id: rawId, clusterId: intern(ref.cluster.id), name: intern(root.get("name").nonEmpty() ?? ref.name) };
  switch (ref.type) {
    case "extensions":
      return [judgeExtension(base, props)];
    case "fluxConfigurations":
      return judgeFlux(base, props);
    case "sourceControlConfigurations":
      return [component({ ...base, kind: "sourceControl", facts: factsOf(props, SOURCE_CONTROL_FACTS) }, judgeSourceControl(props))];
  }
}

type Base = Pick<ComponentHealth, "id" | "clusterId" | "name">;

/** A failed operation says only "Failed"; the detail that explains it becomes the message. */
function withDetail(main: Verdict, details: Verdict[]): Verdict {
  const known = main.reason !== "MissingProperty" && main.reason !== "UnknownValue";
  return main.state !== "healthy" && known && details[0] ? { ...main, message: details[0].message } : main;
}

function judgeExtension(base: Base, props: Prop): ComponentHealth {
  const details: Verdict[] = [];
  // Statuses without a level (the Flux extension guide shows code and message, the rest null) explain a failure but do not decide one.
  const notes: Verdict[] = [];
  const errorInfo = props.get("errorInfo");
  if (errorInfo.present) {
    // A generic "terminal provisioning state 'Failed'" wraps the real error in details[].
    const inner = errorInfo
      .get("details")
      .items()
      .filter((d) => d.get("message").nonEmpty());
    const source = inner.length ? inner[inner.length - 1] : errorInfo;
    const message = source.get("message");
    const code = source.get("code").nonEmpty() ?? errorInfo.get("code").nonEmpty();
    if (message.nonEmpty() || code) {
      const evidence = [
        evidenceOf(errorInfo.get("message"), errorInfo.get("code").nonEmpty()),
        ...inner.map((d) => evidenceOf(d.get("message"), d.get("code").nonEmpty())),
      ];
      details.push(verdict("failing", "ExtensionError", message.nonEmpty() ?? `error ${code}`, inner.length ? evidence : [evidenceOf(message, code)]));
    }
  }
  for (const status of props.get("statuses").items()) {
    const level = status.get("level").text()?.toLowerCase();
    const message = status.get("message");
    const code = status.get("code").nonEmpty();
    const text = message.nonEmpty() ?? status.get("displayStatus").nonEmpty() ?? `status ${code ?? level}`;
    if (level === "error" || level === "warning")
      details.push(verdict(level === "error" ? "failing" : "degraded", level === "error" ? "StatusError" : "StatusWarning", text, [evidenceOf(message, code)]));
    else if (level === undefined && (message.nonEmpty() || code)) notes.push(verdict("healthy", "Status", text, [evidenceOf(message, code)]));
  }
  const provisioning = withDetail(judgeEnum(props.get("provisioningState"), PROVISIONING), [...details, ...notes]);
  const condition = combine([provisioning, ...details]);
  if (condition.state !== "healthy") condition.evidence.push(...notes.flatMap((n) => n.evidence));
  const type = props.get("extensionType").nonEmpty();
  const extensionType = type === undefined ? undefined : intern(type.toLowerCase());
  return component({ ...base, kind: "extension", extensionType, facts: factsOf(props, EXTENSION_FACTS) }, condition);
}

function judgeFlux(base: Base, props: Prop): ComponentHealth[] {
  const seen = new Set<string>();
  const objects = props
    .get("statuses")
    .items()
    .filter((s) => s.present)
    .map((status, i) => judgeFluxObject(base, status, seen, i));
  const details: Verdict[] = [];
  const errorMessage = props.get("errorMessage");
  if (errorMessage.nonEmpty()) details.push(verdict("failing", "FluxError", errorMessage.nonEmpty()!, [evidenceOf(errorMessage)]));
  // Objects explain a configuration's failure but do not decide its state: they are components of their own.
  const failedObject = objects.find((o) => o.state === "failing") ?? objects.find((o) => o.state !== "healthy");
  const explanation = failedObject
    ? [{ ...failedObject, message: `${failedObject.facts?.kind ?? "object"} ${failedObject.name}: ${failedObject.message}` }]
    : [];
  const verdicts = [judgeEnum(props.get("complianceState"), FLUX_COMPLIANCE), judgeEnum(props.get("provisioningState"), PROVISIONING)].map((v) =>
    withDetail(v, [...details, ...explanation]),
  );
  if (props.get("suspend").bool() === true) verdicts.push(verdict("degraded", "Suspended", "reconciliation is suspended", [evidenceOf(props.get("suspend"))]));
  const condition = combine([...verdicts, ...details]);
  if (condition.state !== "healthy" && failedObject) condition.evidence.push(...failedObject.evidence);
  const config = component({ ...base, kind: "flux", facts: factsOf(props, FLUX_FACTS) }, condition);
  return [config, ...objects];
}

/** `seen` holds the object keys of this configuration: two statuses naming the same object stay two components. */
function judgeFluxObject(parent: Base, status: Prop, seen: Set<string>, index: number): ComponentHealth {
  const name = intern(status.get("name").nonEmpty() ?? "(unnamed)");
  const kind = status.get("kind").nonEmpty() ?? "Object";
  const namespace = status.get("namespace").nonEmpty() ?? "-";
  const details: Verdict[] = [];
  for (const condition of status.get("statusConditions").items()) {
    const value = condition.get("status").text()?.toLowerCase();
    const message = condition.get("message");
    const reason = condition.get("reason").nonEmpty();
    if (value === "false")
      details.push(
        verdict("failing", reason ?? "NotReady", message.nonEmpty() ?? `${condition.get("type").text() ?? "condition"} is False`, [
          evidenceOf(message, reason),
        ]),
      );
    else if (value === "unknown") details.push(verdict("pending", reason ?? "Reconciling", message.nonEmpty() ?? "reconciling", [evidenceOf(message, reason)]));
  }
  const helm = status.get("helmReleaseProperties");
  const counts = HELM_COUNTS.map((c) => helm.get(c)).filter((c) => (c.number() ?? 0) > 0);
  if (counts.length)
    details.push(
      verdict(
        "degraded",
        "HelmReleaseFailures",
        counts.map((c) => `${c.path.split(".").pop()} ${c.text()}`).join(", "),
        counts.map((c) => evidenceOf(c)),
      ),
    );
  const compliance = withDetail(judgeEnum(status.get("complianceState"), FLUX_COMPLIANCE), details);
  const suffix = `${kind}/${namespace}/${name}`;
  const key = suffix.toLowerCase();
  const id = `${parent.id}/statuses/${suffix}${seen.has(key) ? `/${index}` : ""}`;
  seen.add(key);
  return component(
    { id, clusterId: parent.clusterId, kind: "fluxObject", name, parentId: parent.id, facts: factsOf(status, OBJECT_FACTS) },
    combine([compliance, ...details]),
  );
}

function judgeSourceControl(props: Prop) {
  const status = props.get("complianceStatus");
  const message = status.get("message");
  const details =
    message.nonEmpty() && status.get("messageLevel").text()?.toLowerCase() === "error"
      ? [verdict("failing", "ComplianceError", message.nonEmpty()!, [evidenceOf(message)])]
      : [];
  const compliance = status.present
    ? withDetail(judgeEnum(status.get("complianceState"), SOURCE_CONTROL_COMPLIANCE), details)
    : judgeEnum(status, SOURCE_CONTROL_COMPLIANCE);
  return combine([compliance, withDetail(judgeEnum(props.get("provisioningState"), PROVISIONING), details), ...details]);
}
