/**
 * Operator actions where a failure is shown: its silenced / acknowledged markers as text, and the
 * Acknowledge and Silence forms. Locally, changes need the operator key (FLEET_OPERATOR_KEY): asked for
 * once when the API refuses, kept in sessionStorage like the API key, sent only in a header.
 * In Azure, Easy Auth's cookie carries the caller's role and the API's 403 message is shown as is.
 */
import type { ComponentChildren } from "preact";
import { useState } from "preact/hooks";
import type { FailureMarkers } from "../shared/api/operations-view";
import { api, ApiProblem } from "./api";
import { html, when } from "./ui";
import { scopeOf } from "./pages/shared";

const OPERATOR_KEY = "fleet-health.operator-key";
const OPERATOR_NAME = "fleet-health.operator-name";
/** The API's bound on a silence's expiry. */
export const MAX_SILENCE_DAYS = 90;

/** A change under the operator role: the stored key and name go in headers, never in the URL. */
export function act<T>(path: string, init: { method: "POST" | "PATCH" | "DELETE"; body?: unknown; etag?: string }): Promise<T> {
  const headers: Record<string, string> = {};
  const key = sessionStorage.getItem(OPERATOR_KEY);
  const name = sessionStorage.getItem(OPERATOR_NAME);
  if (key) headers["x-fleet-operator-key"] = key;
  if (name) headers["x-fleet-operator"] = name;
  if (init.etag) headers["if-match"] = init.etag;
  return api<T>(path, { method: init.method, body: init.body, headers });
}

/** The local API names the operator key in its 403; Azure's names the app role, where a key would not help. */
const wantsKey = (e: unknown) => e instanceof ApiProblem && e.kind === "operator" && /operator key|FLEET_OPERATOR_KEY/.test(e.message);

/**
 * A form whose submit runs `run(data)` under the operator role. On a 403 asking for the operator key it
 * shows a key field in the same form; submitting again stores the key and retries with the same data.
 */
export function OperatorForm({
  label,
  submit,
  run,
  onDone,
  children,
}: {
  label: string;
  submit: string;
  run: (data: FormData) => Promise<unknown>;
  onDone: () => void;
  children?: ComponentChildren;
}) {
  const [error, setError] = useState<string>();
  const [askKey, setAskKey] = useState(false);
  const [busy, setBusy] = useState(false);
  const onSubmit = async (e: Event) => {
    e.preventDefault();
    const data = new FormData(e.currentTarget as HTMLFormElement);
    const key = String(data.get("operatorKey") ?? "").trim();
    if (key) sessionStorage.setItem(OPERATOR_KEY, key);
    const name = String(data.get("operatorName") ?? "").trim();
    if (name) sessionStorage.setItem(OPERATOR_NAME, name);
    setBusy(true);
    try {
      await run(data);
      setError(undefined);
      setAskKey(false);
      onDone();
    } catch (err) {
      if (wantsKey(err)) {
        if (key) sessionStorage.removeItem(OPERATOR_KEY);
        setAskKey(true);
      }
      setError(err instanceof ApiProblem ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  return html`<form class="operate" onSubmit=${onSubmit} aria-label=${label}>
    ${children}
    ${
      askKey
        ? html`<fieldset>
            <legend>Operator key needed</legend>
            <p>Kept in this browser tab only (sessionStorage), sent in the x-fleet-operator-key header, never in a link.</p>
            <label>Operator key (FLEET_OPERATOR_KEY) <input name="operatorKey" type="password" autocomplete="off" required /></label>
            <label>Your name, for the audit trail (optional) <input name="operatorName" autocomplete="name" /></label>
          </fieldset>`
        : null
    }
    ${error ? html`<p class="problem" role="alert">${error}</p>` : null}
    <button type="submit" disabled=${busy}>${submit}</button>
  </form>`;
}

/** Silenced and acknowledged markers in words (never colour alone). */
export function Markers({ f }: { f: FailureMarkers }) {
  return html`${f.silenced ? html`<p class="marker"><strong>Silenced</strong> by ${f.silenced.by} until ${when(f.silenced.until)}: ${f.silenced.reason}</p>` : null}
  ${
    f.acknowledged
      ? html`<p class="marker">
          <strong>Acknowledged</strong> by ${f.acknowledged.by} since
          ${when(f.acknowledged.since)}${f.acknowledged.note ? `: ${f.acknowledged.note}` : ""}${f.acknowledged.ticketUrl ? html` (<a href=${f.acknowledged.ticketUrl} rel="noopener noreferrer" target="_blank">ticket</a>)` : null}
        </p>`
      : null
  }`;
}

export interface ActionableFailure extends FailureMarkers {
  clusterId: string;
  componentId: string;
  componentName: string;
  catalogId: string | null;
  fingerprint?: string;
}

/** The expiry `days` from now, as the API wants it (ISO 8601 with a zone). */
export function expiryIn(days: number, now = Date.now()): string {
  return new Date(now + days * 86_400_000).toISOString();
}

/** Acknowledge (unless already acknowledged) and Silence this problem, as disclosures. */
export function FailureActions({ f, onDone }: { f: ActionableFailure; onDone: () => void }) {
  const scope = scopeOf(f.clusterId);
  const problem = f.catalogId ? { catalogId: f.catalogId } : f.fingerprint ? { fingerprint: f.fingerprint } : undefined;
  const acknowledge = (d: FormData) => {
    const note = String(d.get("note") ?? "").trim();
    const ticketUrl = String(d.get("ticketUrl") ?? "").trim();
    return act("acknowledgements", {
      method: "POST",
      body: { clusterId: f.clusterId, componentId: f.componentId, ...(note ? { note } : {}), ...(ticketUrl ? { ticketUrl } : {}) },
    });
  };
  const silence = (d: FormData) => {
    const narrow = d.getAll("scope");
    const body = {
      ...problem,
      scope: {
        ...(narrow.includes("cluster") ? { clusterId: f.clusterId } : {}),
        ...(narrow.includes("subscription") ? { subscriptionId: scope.subscriptionId } : {}),
        ...(narrow.includes("resourceGroup") ? { resourceGroup: scope.resourceGroup } : {}),
      },
      reason: String(d.get("reason") ?? "").trim(),
      expiresAt: expiryIn(Number(d.get("days"))),
    };
    return act("silences", { method: "POST", body });
  };
  const id = (name: string) => `${name}-${f.componentId.replace(/[^a-z0-9]/gi, "-")}`;
  return html`<div class="actions">
    ${
      f.acknowledged
        ? null
        : html`<details>
            <summary>Acknowledge</summary>
            <${OperatorForm} label=${`Acknowledge ${f.componentName}`} submit="Acknowledge" run=${acknowledge} onDone=${onDone}>
              <label for=${id("note")}>Note (optional)</label><input id=${id("note")} name="note" maxlength="2000" />
              <label for=${id("ticket")}>Ticket link (optional)</label><input id=${id("ticket")} name="ticketUrl" type="url" />
            <//>
          </details>`
    }
    ${
      f.silenced || !problem
        ? null
        : html`<details>
            <summary>Silence this problem</summary>
            <${OperatorForm} label=${`Silence ${f.catalogId ?? "this unclassified failure"}`} submit="Silence" run=${silence} onDone=${onDone}>
              <p>Silences ${f.catalogId ? `catalog entry ${f.catalogId}` : `fingerprint ${f.fingerprint}`} across the fleet, unless narrowed:</p>
              <fieldset>
                <legend>Only on</legend>
                <label><input type="checkbox" name="scope" value="cluster" /> this cluster</label>
                <label><input type="checkbox" name="scope" value="subscription" /> subscription ${scope.subscriptionId}</label>
                <label><input type="checkbox" name="scope" value="resourceGroup" /> resource group ${scope.resourceGroup}</label>
              </fieldset>
              <label for=${id("reason")}>Reason</label><input id=${id("reason")} name="reason" required maxlength="1000" />
              <label for=${id("days")}>Expires in (days, 1 to ${MAX_SILENCE_DAYS})</label
              ><input id=${id("days")} name="days" type="number" min="1" max=${MAX_SILENCE_DAYS} step="1" value="7" required />
            <//>
          </details>`
    }
  </div>`;
}
