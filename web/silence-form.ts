/**
 * The silence form's fields and the body they make: the problem (a catalog entry or an unclassified
 * fingerprint), every scope the API accepts (extension type, subscription, resource group, cluster, tag),
 * a reason and an expiry as a date and time in UTC (the dashboard shows every time in UTC). The form
 * checks what it can before sending (so the operator is told at once, next to the field), and the
 * API's own 400 message is shown for the rest.
 */
import { html, useLoad } from "./ui";
import { catalogIndex, type CatalogSummary } from "./pages/shared";

/** The API's bound on a silence's expiry (shared/operate/silence.ts MAX_SILENCE_MS). */
export const MAX_SILENCE_DAYS = 90;
const DAY_MS = 86_400_000;
const SCOPES = [
  ["extensionType", "Extension type", "e.g. microsoft.flux"],
  ["subscriptionId", "Subscription id", "a GUID"],
  ["resourceGroup", "Resource group", "case-insensitive"],
  ["clusterId", "Cluster (ARM id)", "/subscriptions/…/providers/Microsoft.Kubernetes/connectedClusters/…"],
  ["tag", "Cluster tag (key=value)", "e.g. env=staging: key case-insensitive, value exact"],
] as const;
export type ScopeField = (typeof SCOPES)[number][0];
/** As the API lists a silence's scope: the tag split in key and value. */
export type ShownScope = Partial<Record<Exclude<ScopeField, "tag">, string>> & { tag?: { key: string; value: string } };

/** A check of the form that failed; `field` is the input's name, focused with the message. */
export class FormProblem extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** A failure's own places, offered as "only on" check boxes when silencing from where it is shown. */
export interface Suggested {
  clusterId: string;
  clusterName: string;
  subscriptionId: string;
  resourceGroup: string;
  extensionType?: string;
}

/** The `datetime-local` value of an instant, in UTC. */
export const utcInput = (ms: number) => new Date(ms).toISOString().slice(0, 16);

/** The instant a `datetime-local` value names, read as UTC; undefined when it is not one. */
export function fromUtcInput(value: string): Date | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?$/.test(value)) return undefined;
  const d = new Date(`${value}Z`);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/** `key=value` for a shown tag scope. */
export const tagText = (tag: { key: string; value: string }) => `${tag.key}=${tag.value}`;

export interface SilenceValues {
  catalogId?: string;
  fingerprint?: string;
  scope: Partial<Record<ScopeField, string>>;
  reason: string;
  expiresAt: string;
}

const field = (d: FormData, name: string) => String(d.get(name) ?? "").trim();

/**
 * What the form says, checked: exactly one problem (when the form asks for it), a tag as key=value, a
 * reason, and an expiry in the future and at most 90 days ahead. `keep`: the expiry as opened for an
 * edit; left as it was, it is kept as it is (even when past: editing the reason of an expired silence).
 */
export function silenceValues(d: FormData, options: { suggested?: Suggested; now?: number; keep?: string } = {}): SilenceValues {
  const now = options.now ?? Date.now();
  const problem: Pick<SilenceValues, "catalogId" | "fingerprint"> = {};
  if (d.has("catalogId") || d.has("fingerprint")) {
    const catalogId = field(d, "catalogId");
    const fingerprint = field(d, "fingerprint");
    if (!catalogId === !fingerprint)
      throw new FormProblem("catalogId", "Choose a catalog entry, or give the fingerprint of an unclassified failure (not both).");
    Object.assign(problem, catalogId ? { catalogId } : { fingerprint });
  }
  const scope: Partial<Record<ScopeField, string>> = {};
  const ticked = d.getAll("only");
  for (const [name] of SCOPES) {
    const value = ticked.includes(name) && options.suggested ? options.suggested[name as keyof Suggested] : field(d, `scope.${name}`);
    if (value) scope[name] = value;
  }
  if (scope.tag !== undefined && !/^[^=]+=/.test(scope.tag)) throw new FormProblem("scope.tag", "Cluster tag: write it as key=value, e.g. env=staging.");
  const reason = field(d, "reason");
  if (!reason) throw new FormProblem("reason", "Reason: say why, so others know what this silence is for. It is required.");
  const raw = field(d, "expiresAt");
  if (options.keep && raw === utcInput(Date.parse(options.keep))) return { ...problem, scope, reason, expiresAt: options.keep };
  const expires = fromUtcInput(raw);
  if (!expires) throw new FormProblem("expiresAt", "Expires at: choose a date and a time (UTC).");
  if (expires.getTime() <= now) throw new FormProblem("expiresAt", "Expires at: must be in the future.");
  if (expires.getTime() - now > MAX_SILENCE_DAYS * DAY_MS)
    throw new FormProblem(
      "expiresAt",
      `Expires at: at most ${MAX_SILENCE_DAYS} days ahead, so the latest is ${utcInput(now + MAX_SILENCE_DAYS * DAY_MS).replace("T", " ")} UTC. Extend it later if still needed.`,
    );
  return { ...problem, scope, reason, expiresAt: expires.toISOString() };
}

/**
 * The fields, for a new silence (`initial` empty), one from a failure (`suggested`: its places as
 * check boxes, the problem fixed) or an edit (`initial`: the silence's values).
 */
export function SilenceFields({
  idPrefix,
  initial,
  suggested,
  askProblem,
  now = Date.now(),
}: {
  idPrefix: string;
  initial?: { catalogId?: string; fingerprint?: string; scope?: ShownScope; reason?: string; expiresAt?: string };
  suggested?: Suggested;
  askProblem?: boolean;
  now?: number;
}) {
  const id = (name: string) => `${idPrefix}-${name.replace(/\./g, "-")}`;
  const latest = now + MAX_SILENCE_DAYS * DAY_MS;
  const expiry = initial?.expiresAt ? utcInput(Date.parse(initial.expiresAt)) : utcInput(now + 7 * DAY_MS);
  const scopeValue = (name: ScopeField) => {
    const v = initial?.scope?.[name];
    return v === undefined ? "" : typeof v === "string" ? v : tagText(v);
  };
  const offered = suggested
    ? ([
        ["clusterId", `this cluster (${suggested.clusterName})`],
        ["subscriptionId", `subscription ${suggested.subscriptionId}`],
        ["resourceGroup", `resource group ${suggested.resourceGroup}`],
        ...(suggested.extensionType ? [["extensionType", `extension type ${suggested.extensionType}`]] : []),
      ] as Array<[ScopeField, string]>)
    : [];
  return html`${askProblem ? html`<${ProblemFields} id=${id} initial=${initial} />` : null}
    <fieldset>
      <legend>Only on (every part given must hold; none: the whole fleet)</legend>
      ${offered.map(([name, label]) => html`<label><input type="checkbox" name="only" value=${name} /> ${label}</label>`)}
      ${SCOPES.filter(([name]) => !offered.some(([o]) => o === name)).map(
        ([name, label, hint]) =>
          html`<label for=${id(`scope.${name}`)}>${label}</label>
            <input id=${id(`scope.${name}`)} name=${`scope.${name}`} value=${scopeValue(name)} aria-describedby=${id(`hint-${name}`)} />
            <small id=${id(`hint-${name}`)}>${hint}</small>`,
      )}
    </fieldset>
    <label for=${id("reason")}>Reason (required)</label>
    <input id=${id("reason")} name="reason" required maxlength="1000" value=${initial?.reason ?? ""} />
    <label for=${id("expiresAt")}>Expires at (UTC, required)</label>
    <input
      id=${id("expiresAt")}
      name="expiresAt"
      type="datetime-local"
      step="60"
      required
      min=${utcInput(now)}
      max=${utcInput(latest)}
      value=${expiry}
      aria-describedby=${id("expiry-hint")}
    />
    <small id=${id("expiry-hint")}
      >At most ${MAX_SILENCE_DAYS} days ahead (until ${utcInput(latest).replace("T", " ")} UTC), so a forgotten silence ends by itself; the failure shows up
      again at that time.</small
    >`;
}

function ProblemFields({ id, initial }: { id: (name: string) => string; initial?: { catalogId?: string; fingerprint?: string } }) {
  const catalog = useLoad("catalog", catalogIndex);
  const entries: CatalogSummary[] = [...(catalog.data?.values() ?? [])].sort((a, b) => a.id.localeCompare(b.id));
  return html`<fieldset>
    <legend>Problem (one of)</legend>
    <label for=${id("catalogId")}>Catalog entry</label>
    <select id=${id("catalogId")} name="catalogId">
      <option value="">none: an unclassified failure</option>
      ${entries.map((e) => html`<option value=${e.id} selected=${initial?.catalogId === e.id}>${e.title} (${e.id})</option>`)}
    </select>
    <label for=${id("fingerprint")}>Or the fingerprint of an unclassified failure</label>
    <input id=${id("fingerprint")} name="fingerprint" value=${initial?.fingerprint ?? ""} aria-describedby=${id("fingerprint-hint")} />
    <small id=${id("fingerprint-hint")}>As the failures page and /api/incidents show it.</small>
  </fieldset>`;
}
