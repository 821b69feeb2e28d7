/**
 * Silences and acknowledgements: what each keeps quiet, why, who set it, until when, the open failures a
 * silence covers and the new failures it would have matched in its last day (regressions hide there).
 * Create a silence with any scope; edit and delete both kinds. Edits and deletes send the listed
 * version in If-Match: an edit refused with 412 offers to apply the same changes to the current
 * version; a delete refused with 412 reads the list again.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import type { AcknowledgementBody, SilenceBody } from "../../shared/api/schemas";
import { api, ApiProblem } from "../api";
import { act, AckFields, ackValues, OperatorForm } from "../operate";
import { clusterPage, page } from "../paths";
import { FormProblem, SilenceFields, silenceValues, tagText, type ShownScope } from "../silence-form";
import { html, Table, Loaded, n, useLoad, when } from "../ui";

type Silence = SilenceBody;
type Ack = AcknowledgementBody;

const problemOf = (s: Silence) => (s.catalogId ? s.catalogId : `fingerprint ${s.fingerprint}`);
const idOf = (id: string) => id.replace(/[^a-z0-9]/gi, "-");

export function Silences() {
  const [version, setVersion] = useState(0);
  const [message, setMessage] = useState<string>();
  const reload = (said: string) => {
    setMessage(said);
    setVersion((v) => v + 1);
  };
  const silences = useLoad(`silences#${version}`, (signal) => api<{ items: Silence[] }>("silences", { signal }));
  const acks = useLoad(`acks#${version}`, (signal) => api<{ items: Ack[] }>("acknowledgements", { signal }));
  const create = (d: FormData) => act("silences", { method: "POST", body: silenceValues(d) });
  return html`<h1>Silences</h1>
    <p>
      A silenced failure is still recorded and shown, marked silenced; digests leave it out of the headlines until the silence expires. Silence a problem here,
      or from the <a href=${page("failures")}>failures</a> or a cluster page where it is shown.
    </p>
    ${message ? html`<p role="alert">${message}</p>` : null}
    <section aria-labelledby="new-silence">
      <h2 id="new-silence">New silence</h2>
      <details>
        <summary>Silence a problem</summary>
        <${OperatorForm} label="New silence" submit="Create silence" run=${create} onDone=${() => reload("Silence created.")} what="silence">
          <${SilenceFields} idPrefix="new" askProblem=${true} />
        <//>
      </details>
    </section>
    <${Loaded} state=${silences} label="silences"
      >${(d: { items: Silence[] }) =>
        html`<${SilenceTable} id="in-force" title="In force" items=${d.items.filter((s) => s.status === "active")} onDone=${reload} />
          <${SilenceTable} id="expired" title="Expired" items=${d.items.filter((s) => s.status === "expired")} onDone=${reload} />`}<//
    >
    <${Loaded} state=${acks} label="acknowledgements">${(d: { items: Ack[] }) => html`<${AckTable} items=${d.items} onDone=${reload} />`}<//>`;
}

function Scope({ scope }: { scope: ShownScope }) {
  const parts = Object.entries(scope);
  if (!parts.length) return html`whole fleet`;
  return html`${parts.map(
    ([k, v], i) =>
      html`${i ? ", " : ""}${
        k === "clusterId"
          ? html`cluster <a href=${clusterPage(v as string)}>${(v as string).split("/").at(-1)}</a>`
          : k === "tag"
            ? `tag ${tagText(v as { key: string; value: string })}`
            : `${k} ${v as string}`
      }`,
  )}`;
}

function SilenceTable({ id, title, items, onDone }: { id: string; title: string; items: Silence[]; onDone: (said: string) => void }) {
  return html`<section aria-labelledby=${id}>
    <h2 id=${id}>${title}</h2>
    ${
      items.length
        ? html`<${Table} caption=${`${title === "Expired" ? "Expired silences: no longer in force, kept until the retention run" : "Silences in force now"}`} columns=${["Problem", "Only on", "Reason", "By", "Expires", "Open failures covered", "New failures it would have matched in its last day", "Actions"]}>
              ${items.map((s) => html`<${SilenceRow} key=${s.id} s=${s} onDone=${onDone} />`)}
            </${Table}>`
        : html`<p>None.</p>`
    }
  </section>`;
}

function SilenceRow({ s, onDone }: { s: Silence; onDone: (said: string) => void }) {
  const opened = { scope: scopeText(s.scope), reason: s.reason, expiresAt: s.expiresAt };
  const changes = (d: FormData) => {
    const v = silenceValues(d, { keep: s.expiresAt });
    return {
      ...(sameScope(v.scope, opened.scope) ? {} : { scope: v.scope }),
      ...(v.reason === opened.reason ? {} : { reason: v.reason }),
      ...(v.expiresAt === opened.expiresAt ? {} : { expiresAt: v.expiresAt }),
    };
  };
  return html`<tr>
    <td>${s.catalogId ? html`<a href=${page(`catalog/${s.catalogId}`)}>${s.catalogId}</a>` : `fingerprint ${s.fingerprint}`}</td>
    <td><${Scope} scope=${s.scope} /></td>
    <td>${s.reason}</td>
    <td>${s.updatedBy ?? s.createdBy}</td>
    <td>${when(s.expiresAt)}${s.status === "expired" ? html` <strong>(expired)</strong>` : null}</td>
    <td>${n(s.matchingFailures)}</td>
    <td>
      ${
        s.recentMatches.length
          ? html`<ul>
              ${s.recentMatches.map((m) => html`<li><a href=${clusterPage(m.clusterId)}>${m.clusterName ?? m.clusterId}</a>: ${m.componentId.split("/").at(-1)} since ${when(m.since)}</li>`)}
            </ul>`
          : "none"
      }
    </td>
    <td>
      <${VersionedEdit}
        path=${`silences/${encodeURIComponent(s.id)}`}
        etag=${s.etag}
        what="silence"
        name=${`silence of ${problemOf(s)}`}
        changes=${changes}
        onDone=${onDone}
      >
        <${SilenceFields} idPrefix=${`edit-${idOf(s.id)}`} initial=${s} />
      <//>
      <${ConfirmDelete} path=${`silences/${encodeURIComponent(s.id)}`} etag=${s.etag} what="silence" name=${`silence of ${problemOf(s)}`} onDone=${onDone} />
    </td>
  </tr>`;
}

/** The shown scope as the form writes it (the tag as key=value). */
function scopeText(scope: ShownScope): Record<string, string> {
  return Object.fromEntries(Object.entries(scope).map(([k, v]) => [k, typeof v === "string" ? v : tagText(v as { key: string; value: string })]));
}

function sameScope(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((k) => (a[k] ?? "") === (b[k] ?? ""));
}

function AckTable({ items, onDone }: { items: Ack[]; onDone: (said: string) => void }) {
  const sorted = items.slice().sort((a, b) => a.status.localeCompare(b.status) || b.at.localeCompare(a.at));
  return html`<section aria-labelledby="acks">
    <h2 id="acks">Acknowledgements</h2>
    <p>An acknowledgement ends by itself when what it covers recovers (status ended).</p>
    ${
      sorted.length
        ? html`<${Table} caption="Acknowledgements, active first" columns=${["Of", "By", "Since", "Note", "Ticket", "Status", "Actions"]}>
              ${sorted.map((a) => html`<${AckRow} key=${a.id} a=${a} onDone=${onDone} />`)}
            </${Table}>`
        : html`<p>None.</p>`
    }
  </section>`;
}

function AckRow({ a, onDone }: { a: Ack; onDone: (said: string) => void }) {
  const t = a.target;
  const name = t.kind === "incident" ? `acknowledgement of incident ${t.key}` : `acknowledgement of ${t.componentId.split("/").at(-1)}`;
  const changes = (d: FormData) => {
    const v = ackValues(d, true);
    return {
      ...(v.note === (a.note ?? null) ? {} : { note: v.note }),
      ...(v.ticketUrl === (a.ticketUrl ?? null) ? {} : { ticketUrl: v.ticketUrl }),
    };
  };
  return html`<tr>
    <td>
      ${
        t.kind === "incident"
          ? html`incident ${t.key.startsWith("catalog:") ? html`<a href=${page("failures", { catalogId: t.key.slice(8) })}>${t.key}</a>` : t.key}`
          : html`<a href=${clusterPage(t.clusterId)}>${t.clusterId.split("/").at(-1)}</a>: ${t.componentId.split("/").at(-1)}`
      }
    </td>
    <td>${a.updatedBy ?? a.by}</td>
    <td>${when(a.at)}</td>
    <td>${a.note ?? ""}</td>
    <td>${a.ticketUrl ? html`<a href=${a.ticketUrl} rel="noopener noreferrer" target="_blank">ticket</a>` : ""}</td>
    <td>${a.status}</td>
    <td>
      <${VersionedEdit}
        path=${`acknowledgements/${encodeURIComponent(a.id)}`}
        etag=${a.etag}
        what="acknowledgement"
        name=${name}
        changes=${changes}
        onDone=${onDone}
      >
        <${AckFields} idPrefix=${`edit-${idOf(a.id)}`} initial=${a} />
      <//>
      <${ConfirmDelete} path=${`acknowledgements/${encodeURIComponent(a.id)}`} etag=${a.etag} what="acknowledgement" name=${name} onDone=${onDone} />
    </td>
  </tr>`;
}

interface Versioned {
  path: string;
  etag: string;
  what: string;
  name: string;
  onDone: (said: string) => void;
}

/**
 * Edit under the listed version: only the fields changed against it are sent, so after a 412 the same
 * changes can be applied to the current version without undoing what the other person changed.
 */
function VersionedEdit({ path, etag, what, name, changes, onDone, children }: Versioned & { changes: (d: FormData) => object; children: unknown }) {
  const body = (d: FormData) => {
    const b = changes(d);
    if (!Object.keys(b).length) throw new FormProblem("reason", "Nothing to save: no field was changed.");
    return b;
  };
  const run = (d: FormData) => act(path, { method: "PATCH", body: body(d), etag });
  const retry = async (d: FormData) => act(path, { method: "PATCH", body: body(d), etag: (await api<{ etag: string }>(path)).etag });
  return html`<details>
    <summary aria-label=${`Edit ${name}`}>Edit</summary>
    <${OperatorForm} label=${`Edit ${name}`} submit="Save" run=${run} retry=${retry} what=${what} onDone=${() => onDone(`The ${name} was saved.`)}
      >${children}<//
    >
  </details>`;
}

/** Delete after a confirmation; a 412 (changed meanwhile) reads the list again rather than delete what was not seen. */
function ConfirmDelete({ path, etag, what, name, onDone }: Versioned) {
  const [asking, setAsking] = useState(false);
  const confirm = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (asking) confirm.current?.form?.querySelector<HTMLButtonElement>('button[type="submit"]')?.focus();
  }, [asking]);
  const run = async () => {
    try {
      await act(path, { method: "DELETE", etag });
      return `The ${name} was deleted.`;
    } catch (err) {
      if (err instanceof ApiProblem && err.kind === "conflict")
        return `Someone else changed this ${what} in the meantime; nothing was deleted and the list was read again. Check it and delete again if still wanted.`;
      throw err;
    }
  };
  if (!asking) return html`<button type="button" onClick=${() => setAsking(true)} aria-label=${`Delete ${name}`}>Delete</button>`;
  return html`<${OperatorForm}
    label=${`Confirm: delete ${name}`}
    submit="Yes, delete"
    run=${run}
    what=${what}
    onDone=${(said: unknown) => onDone(said as string)}
  >
    <p>Delete the ${name}? This cannot be undone (the audit trail keeps it).</p>
    <button type="button" ref=${confirm} onClick=${() => setAsking(false)}>Cancel</button>
  <//>`;
}
