/** The catalog: every entry, searchable, with the clusters each affects now; one entry with its fix. */
import { useState } from "preact/hooks";
import { api } from "../api";
import { page } from "../paths";
import { html, Table, Loaded, n, Remedy as Fix, useLoad } from "../ui";
import { catalogIndex, type CatalogSummary, type Incident, type Remedy } from "./shared";

async function catalogWithCounts(signal: AbortSignal) {
  const [entries, incidents] = await Promise.all([catalogIndex(), api<{ items: Incident[] }>("incidents?minClusters=1", { signal })]);
  const counts = new Map(incidents.items.filter((i) => i.catalogId).map((i) => [i.catalogId!, i]));
  return [...entries.values()].map((e) => ({ ...e, clusters: counts.get(e.id)?.clusterCount ?? 0, components: counts.get(e.id)?.componentCount ?? 0 }));
}

export function Catalog({ query }: { query: URLSearchParams }) {
  const data = useLoad("catalog-counts", catalogWithCounts);
  const [q, setQ] = useState(query.get("q") ?? "");
  const words = q.toLowerCase().split(/\s+/).filter(Boolean);
  return html`<h1>Error catalog</h1>
    <p>The documented errors the classifier knows, with how many clusters each affects now (an open failure on at least one of their components).</p>
    <label for="catalog-search">Search entries</label>
    <input id="catalog-search" type="search" value=${q} onInput=${(e: Event) => setQ((e.target as HTMLInputElement).value)} />
    <${Loaded} state=${data} label="the catalog"
      >${(entries: Array<CatalogSummary & { clusters: number; components: number }>) => {
        const shown = entries
          .filter((e) => words.every((w) => `${e.id} ${e.title} ${e.category} ${e.observable.join(" ")}`.toLowerCase().includes(w)))
          .sort((a, b) => b.clusters - a.clusters || a.id.localeCompare(b.id));
        return html`<p role="status">${n(shown.length)} of ${n(entries.length)} entries.</p>
          <${Table} caption="Catalog entries, most affected clusters first" columns=${["Entry", "Category", "Severity", "Seen on", "Clusters affected now"]}>
              ${shown.map(
                (e) =>
                  html`<tr>
                    <td><a href=${page(`catalog/${e.id}`)}>${e.title}</a> <small>${e.id}</small></td>
                    <td>${e.category}</td>
                    <td>${e.severity}</td>
                    <td>${e.observable.join(", ")}</td>
                    <td class="num">${e.clusters ? html`<a href=${page("failures", { catalogId: e.id })}>${n(e.clusters)}</a>` : "0"}</td>
                  </tr>`,
              )}
            </${Table}>`;
      }}<//
    >`;
}

export function CatalogEntry({ id }: { id: string }) {
  const entry = useLoad(`entry:${id}`, (signal) => api<Remedy>(`catalog/${encodeURIComponent(id)}`, { signal }));
  return html`<${Loaded} state=${entry} label="the catalog entry"
    >${(e: Remedy) =>
      html`<h1>${e.title}</h1>
        <p class="meta">${e.id} · ${e.category} · severity ${e.severity} · <a href=${page("failures", { catalogId: e.id })}>open failures of this entry</a></p>
        <${Fix} entry=${e} />`}<//
  >`;
}
