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
import { FormProblem, SilenceFields, silenceValues, type Suggested } from "./silence-form";

const OPERATOR_KEY = "fleet-health.operator-key";
const OPERATOR_NAME = "fleet-health.operator-name";

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

/** What a refused change says: the API's message, or the form's own check. */
function messageOf(err: unknown, what: string): string {
  if (err instanceof ApiProblem && err.kind === "conflict")
    return `Someone else changed this ${what} after you opened it, so your changes were not saved (the API answered 412: ${err.message}).`;
  return err instanceof ApiProblem || err instanceof FormProblem ? err.message : String(err);
}

/**
 * A form whose submit runs `run(data)` under the operator role. On a 403 asking for the operator key it
 * shows a key field in the same form; submitting again stores the key and retries with the same data.
 * The form checks its fields itself (noValidate), so every refusal is a sentence next to the form and
 * the field at fault (the form's or the API's 400 `parameter`) gets the focus. With `retry`, a 412
 * offers to read the current version and apply the same changes to it.
 */
export function OperatorForm({
  label,
  submit,
  run,
  onDone,
  retry,
  what = "item",
  children,
}: {
  label: string;
  submit: string;
  run: (data: FormData) => Promise<unknown>;
  onDone: (result: unknown) => void;
  retry?: (data: FormData) => Promise<unknown>;
  what?: string;
  children?: ComponentChildren;
}) {
  const [error, setError] = useState<string>();
  const [askKey, setAskKey] = useState(false);
  const [conflict, setConflict] = useState<FormData>();
  const [busy, setBusy] = useState(false);
  const attempt = async (form: HTMLFormElement, data: FormData, how: (data: FormData) => Promise<unknown>) => {
    const key = String(data.get("operatorKey") ?? "").trim();
    if (key) sessionStorage.setItem(OPERATOR_KEY, key);
    const name = String(data.get("operatorName") ?? "").trim();
    if (name) sessionStorage.setItem(OPERATOR_NAME, name);
    setBusy(true);
    try {
      const result = await how(data);
      setError(undefined);
      setAskKey(false);
      setConflict(undefined);
      onDone(result);
    } catch (err) {
      if (wantsKey(err)) {
        if (key) sessionStorage.removeItem(OPERATOR_KEY);
        setAskKey(true);
      }
      setConflict(err instanceof ApiProblem && err.kind === "conflict" && retry ? data : undefined);
      setError(messageOf(err, what));
      const at = err instanceof FormProblem ? err.field : err instanceof ApiProblem ? err.parameter : undefined;
      const input = at ? form.elements.namedItem(at) : null;
      if (input instanceof HTMLElement) input.focus();
    } finally {
      setBusy(false);
    }
  };
  const onSubmit = (e: Event) => {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    void attempt(form, new FormData(form), run);
  };
  return html`<form class="operate" onSubmit=${onSubmit} aria-label=${label} novalidate>
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
    ${
      conflict && retry
        ? html`<p>
            <button type="button" disabled=${busy} onClick=${(e: Event) => attempt((e.currentTarget as HTMLButtonElement).form!, conflict, retry)}>
              Reload and apply my changes again
            </button>
            ${" "}(reads the current version; what you did not change stays as the other person left it)
          </p>`
        : null
    }
    <button type="submit" disabled=${busy}>${submit}</button>
  </form>`;
}

/** Silenced and acknowledged markers in words (never colour alone). */
export function Markers({ f }: { f: FailureMarkers }) {
  return html`${f.silenced ? html`<p class="marker"><strong>Silenced</strong> by ${f.silenced.by} until ${when(f.silenced.until)}: ${f.silenced.reason}</p>` : null}
  ${
    f.acknowledged
      ? html`<p class="marker">
          <strong>Acknowledged</strong> by ${f.acknowledged.by} since${" "}
          ${when(f.acknowledged.since)}${f.acknowledged.note ? `: ${f.acknowledged.note}` : ""}${f.acknowledged.ticketUrl ? html` (<a href=${f.acknowledged.ticketUrl} rel="noopener noreferrer" target="_blank">ticket</a>)` : null}
        </p>`
      : null
  }`;
}

/** An acknowledgement's note and ticket link; `initial` when editing one. */
export function AckFields({ idPrefix, initial }: { idPrefix: string; initial?: { note?: string; ticketUrl?: string } }) {
  return html`<label for=${`${idPrefix}-note`}>Note (optional)</label
    ><input id=${`${idPrefix}-note`} name="note" maxlength="2000" value=${initial?.note ?? ""} />
    <label for=${`${idPrefix}-ticket`}>Ticket link (optional)</label
    ><input id=${`${idPrefix}-ticket`} name="ticketUrl" type="url" value=${initial?.ticketUrl ?? ""} placeholder="https://…" />`;
}

/** The note and ticket link given; with `clear`, an emptied field is sent as null (the API then drops it). */
export function ackValues(d: FormData, clear = false): { note?: string | null; ticketUrl?: string | null } {
  const out: { note?: string | null; ticketUrl?: string | null } = {};
  for (const name of ["note", "ticketUrl"] as const) {
    const value = String(d.get(name) ?? "").trim();
    if (value) out[name] = value;
    else if (clear) out[name] = null;
  }
  return out;
}

export interface ActionableFailure extends FailureMarkers {
  clusterId: string;
  componentId: string;
  componentName: string;
  clusterName?: string;
  extensionType?: string;
  catalogId: string | null;
  fingerprint?: string;
}

/** Acknowledge (unless already acknowledged) and Silence this problem, as disclosures. */
export function FailureActions({ f, onDone }: { f: ActionableFailure; onDone: () => void }) {
  const problem = f.catalogId ? { catalogId: f.catalogId } : f.fingerprint ? { fingerprint: f.fingerprint } : undefined;
  const acknowledge = (d: FormData) =>
    act("acknowledgements", { method: "POST", body: { clusterId: f.clusterId, componentId: f.componentId, ...ackValues(d) } });
  const suggested: Suggested = {
    clusterId: f.clusterId,
    clusterName: f.clusterName ?? f.clusterId.split("/").at(-1)!,
    ...scopeOf(f.clusterId),
    extensionType: f.extensionType,
  };
  const silence = (d: FormData) => act("silences", { method: "POST", body: { ...silenceValues(d, { suggested }), ...problem } });
  const id = (name: string) => `${name}-${f.componentId.replace(/[^a-z0-9]/gi, "-")}`;
  return html`<div class="actions">
    ${
      f.acknowledged
        ? null
        : html`<details>
            <summary>Acknowledge</summary>
            <${OperatorForm} label=${`Acknowledge ${f.componentName}`} submit="Acknowledge" run=${acknowledge} onDone=${onDone}>
              <${AckFields} idPrefix=${id("ack")} />
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
              <${SilenceFields} idPrefix=${id("silence")} suggested=${suggested} />
            <//>
          </details>`
    }
  </div>`;
}
