/**
 * Failures open now (grouped by catalog entry, each group with its cause, fix and affected clusters)
 * or resolved in a window. Every filter but "no entry matched" is the API's, applied to the whole
 * list before it pages.
 */
import { useState } from "preact/hooks";
import type { FleetSummary } from "../../shared/api/fleet-view";
import type { OpenFailureBody } from "../../shared/api/schemas";
import { api, apiPages } from "../api";
import { clusterPage, page } from "../paths";
import { navigate } from "../router";
import { GroupIncidentAck } from "../incident-ack";
import { FailureActions, Markers } from "../operate";
import { html, Table, Loaded, n, Remedy as Fix, span, State, useLoad, when } from "../ui";
import { catalogIndex, type CatalogSummary, type Remedy } from "./shared";

/** The API's shape, from its schema (one source of truth). */
type OpenFailure = OpenFailureBody;

interface ResolvedFailure {
  componentId: string;
  componentName: string;
  clusterId: string;
  clusterName: string;
  recoveredAt: string;
  catalogId: string | null;
  timeToRecoverMs?: number;
}

/** Rows read per request, and shown per group before "show all". */
const PAGE = 1000;
const ROWS_SHOWN = 25;
const FILTERS = ["status", "catalogId", "category", "extensionType", "kind", "subscription", "resourceGroup", "since"] as const;
type Filters = Partial<Record<(typeof FILTERS)[number], string>>;

const UNCLASSIFIED = "unclassified";

export function Failures({ query }: { query: URLSearchParams }) {
  const f: Filters = Object.fromEntries(FILTERS.map((k) => [k, query.get(k) ?? undefined]).filter(([, v]) => v));
  const [pages, setPages] = useState(1);
  // Bumped after an operator action so the markers are read again.
  const [version, setVersion] = useState(0);
  const apiQuery = new URLSearchParams({ status: f.status ?? "open", limit: String(PAGE) });
  for (const k of ["category", "extensionType", "kind", "subscription", "resourceGroup", "since"] as const) if (f[k]) apiQuery.set(k, f[k]!);
  if (f.catalogId && f.catalogId !== UNCLASSIFIED) apiQuery.set("catalogId", f.catalogId);
  const key = `${apiQuery}#${pages}#${version}`;
  const rows = useLoad(key, (signal) => apiPages<OpenFailure & ResolvedFailure>(`failures?${apiQuery}`, pages * PAGE, signal));
  const keep = (r: { catalogId: string | null }) => f.catalogId !== UNCLASSIFIED || r.catalogId === null;
  return html`<h1>${f.status === "resolved" ? "Resolved failures" : "Open failures"}</h1>
    <${FilterForm} f=${f} />
    <${Loaded} state=${rows} label="failures"
      >${(d: { items: Array<OpenFailure & ResolvedFailure>; more: boolean }) => {
        const items = d.items.filter(keep);
        return html`<p role="status">
            ${n(items.length)} ${f.status === "resolved" ? "recovered components" : "failing or degraded components"}
            shown${d.more ? `, from the first ${n(d.items.length)} read` : ""}.
            ${d.more ? html` <button type="button" onClick=${() => setPages(pages + 1)}>Read ${n(PAGE)} more</button>` : null}
          </p>
          ${f.status === "resolved" ? html`<${Resolved} items=${items} />` : html`<${Groups} items=${items} onDone=${() => setVersion(version + 1)} />`}`;
      }}<//
    >`;
}

function FilterForm({ f }: { f: Filters }) {
  const catalog = useLoad("catalog", catalogIndex);
  const summary = useLoad("summary", (signal) => api<FleetSummary>("summary", { signal }));
  const submit = (e: Event) => {
    e.preventDefault();
    const data = new FormData(e.currentTarget as HTMLFormElement);
    navigate(page("failures", Object.fromEntries(FILTERS.map((k) => [k, String(data.get(k) ?? "").trim() || undefined]))));
  };
  const entries: CatalogSummary[] = [...(catalog.data?.values() ?? [])];
  const select = (name: keyof Filters, label: string, options: Array<[string, string]>) =>
    html`<label
      >${label}
      <select name=${name} value=${f[name] ?? ""}>
        <option value="">any</option>
        ${options.map(([v, l]) => html`<option value=${v} selected=${f[name] === v}>${l}</option>`)}
      </select></label
    >`;
  return html`<form class="filters" onSubmit=${submit} aria-label="Filter failures">
    <label
      >Status
      <select name="status">
        <option value="open" selected=${f.status !== "resolved"}>open now</option>
        <option value="resolved" selected=${f.status === "resolved"}>resolved (last 7 days)</option>
      </select></label
    >
    ${select("catalogId", "Catalog entry", [...entries.map((e): [string, string] => [e.id, `${e.title} (${e.id})`]), [UNCLASSIFIED, "no entry matched"]])}
    ${select(
      "category",
      "Category",
      [...new Set(entries.map((e) => e.category))].sort().map((c) => [c, c]),
    )}
    ${select(
      "extensionType",
      "Extension type",
      Object.keys(summary.data?.extensions ?? {})
        .sort()
        .map((x) => [x, x]),
    )}
    ${select("kind", "Cluster kind", [
      ["arc", "Arc"],
      ["aks", "AKS"],
    ])}
    ${select(
      "subscription",
      "Subscription",
      Object.keys(summary.data?.clusters.bySubscription ?? {})
        .sort()
        .map((x) => [x, x]),
    )}
    <label>Resource group <input name="resourceGroup" value=${f.resourceGroup ?? ""} /></label>
    <button type="submit">Apply</button> <a href=${page("failures")}>Clear</a>
  </form>`;
}

interface Group {
  key: string;
  title: string;
  entry: Remedy | null;
  rows: OpenFailure[];
  clusters: Set<string>;
}

function Groups({ items, onDone }: { items: OpenFailure[]; onDone: () => void }) {
  const groups = new Map<string, Group>();
  for (const r of items) {
    const key = r.catalogId ?? `fingerprint:${r.fingerprint ?? r.message}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { key, title: r.entry?.title ?? r.fingerprint ?? r.message, entry: r.entry, rows: [], clusters: new Set() }));
    g.rows.push(r);
    g.clusters.add(r.clusterId);
  }
  const sorted = [...groups.values()].sort((a, b) => b.clusters.size - a.clusters.size || a.key.localeCompare(b.key));
  if (!sorted.length) return html`<p>No failures match these filters.</p>`;
  return html`${sorted.map((g) => html`<${GroupView} g=${g} onDone=${onDone} />`)}`;
}

function GroupView({ g, onDone }: { g: Group; onDone: () => void }) {
  const [all, setAll] = useState(false);
  const shown = all ? g.rows : g.rows.slice(0, ROWS_SHOWN);
  const id = `group-${g.key.replace(/[^a-z0-9-]/gi, "-")}`;
  return html`<section class="group" aria-labelledby=${id}>
    <h2 id=${id}>${g.entry ? `${g.entry.title}` : `Unclassified: ${g.title}`}</h2>
    <p class="meta">
      ${g.entry ? html`<a href=${page(`catalog/${g.entry.id}`)}>${g.entry.id}</a> · ${g.entry.category} · severity ${g.entry.severity} · ` : "no catalog entry matched · "}${n(g.rows.length)}
      component${g.rows.length === 1 ? "" : "s"} on ${n(g.clusters.size)} cluster${g.clusters.size === 1 ? "" : "s"}
    </p>
    <${GroupIncidentAck} failure=${g.rows[0]} />
    ${g.entry ? html`<${Fix} entry=${g.entry} />` : null}
    <${Table} caption="Affected clusters" columns=${["Cluster", "Component", "State", "Failing since", "Evidence", "Operators"]}>
        ${shown.map(
          (r) =>
            html`<tr>
              <td><a href=${clusterPage(r.clusterId)}>${r.clusterName}</a></td>
              <td>${r.componentName}${r.extensionType ? html` <small>(${r.extensionType})</small>` : null}</td>
              <td><${State} state=${r.state} /></td>
              <td>${when(r.since)}</td>
              <td class="msg">${r.reason}: ${r.message}</td>
              <td><${Markers} f=${r} /><${FailureActions} f=${r} onDone=${onDone} /></td>
            </tr>`,
        )}
      </${Table}>
    ${g.rows.length > shown.length ? html`<button type="button" onClick=${() => setAll(true)}>Show all ${n(g.rows.length)}</button>` : null}
  </section>`;
}

function Resolved({ items }: { items: ResolvedFailure[] }) {
  const [shown, setShown] = useState(100);
  if (!items.length) return html`<p>No recoveries match these filters.</p>`;
  return html`<${Table} caption="Recovered components, oldest recovery first" columns=${["Cluster", "Component", "Catalog entry", "Recovered", "Time to recover"]}>
        ${items.slice(0, shown).map(
          (r) =>
            html`<tr>
              <td><a href=${clusterPage(r.clusterId)}>${r.clusterName}</a></td>
              <td>${r.componentName}</td>
              <td>${r.catalogId ? html`<a href=${page(`catalog/${r.catalogId}`)}>${r.catalogId}</a>` : "none matched"}</td>
              <td>${when(r.recoveredAt)}</td>
              <td>${span(r.timeToRecoverMs)}</td>
            </tr>`,
        )}
      </${Table}>
    ${items.length > shown ? html`<button type="button" onClick=${() => setShown(shown + 100)}>Show 100 more</button>` : null}`;
}
