/** Clusters filtered by state, kind or name, one page of 100 at a time (never 10,000 rows at once). */
import { useState } from "preact/hooks";
import type { ClusterRow } from "../../shared/api/fleet-view";
import { api } from "../api";
import { clusterPage, page } from "../paths";
import { navigate } from "../router";
import { html, Table, Loaded, n, State, STATES, useLoad, when } from "../ui";

const PAGE = 100;

export function Clusters({ query }: { query: URLSearchParams }) {
  const filters = Object.fromEntries(["state", "kind", "search", "catalogId"].map((k) => [k, query.get(k) ?? ""]).filter(([, v]) => v));
  const [tokens, setTokens] = useState<string[]>([]);
  const apiQuery = new URLSearchParams({ ...filters, sort: "state", limit: String(PAGE) });
  if (tokens.length) apiQuery.set("continuationToken", tokens[tokens.length - 1]);
  const list = useLoad(apiQuery.toString(), (signal) => api<{ items: ClusterRow[]; continuationToken?: string }>(`clusters?${apiQuery}`, { signal }));
  const submit = (e: Event) => {
    e.preventDefault();
    const data = new FormData(e.currentTarget as HTMLFormElement);
    setTokens([]);
    navigate(page("clusters", Object.fromEntries(["state", "kind", "search"].map((k) => [k, String(data.get(k) ?? "").trim() || undefined]))));
  };
  return html`<h1>Clusters</h1>
    <form class="filters" onSubmit=${submit} aria-label="Filter clusters">
      <label
        >State
        <select name="state">
          <option value="">any</option>
          ${STATES.map((s) => html`<option value=${s} selected=${filters.state === s}>${s}</option>`)}
        </select></label
      >
      <label
        >Kind
        <select name="kind">
          <option value="">any</option>
          <option value="arc" selected=${filters.kind === "arc"}>Arc</option>
          <option value="aks" selected=${filters.kind === "aks"}>AKS</option>
        </select></label
      >
      <label>Name contains <input name="search" value=${filters.search ?? ""} /></label>
      <button type="submit">Apply</button>
    </form>
    <${Loaded} state=${list} label="clusters"
      >${(d: { items: ClusterRow[]; continuationToken?: string }) =>
        html` <p role="status">Page ${tokens.length + 1}: ${n(d.items.length)} clusters, worst state first.</p>
          <${Table} caption="Clusters" columns=${["Cluster", "Kind", "State", "Failing components", "Failing since", "Last seen"]}>
              ${d.items.map(
                (c) =>
                  html`<tr>
                    <td><a href=${clusterPage(c.id)}>${c.name}</a></td>
                    <td>${c.kind === "arc" ? "Arc" : "AKS"}</td>
                    <td><${State} state=${c.state} />${c.dark ? " (dark)" : ""}</td>
                    <td class="num">${n(c.openFailures)} of ${n(c.components)}</td>
                    <td>${c.failingSince ? when(c.failingSince) : ""}</td>
                    <td>${when(c.lastSeenAt)}</td>
                  </tr>`,
              )}
            </${Table}>
          <nav aria-label="Pages">
            ${tokens.length ? html`<button type="button" onClick=${() => setTokens(tokens.slice(0, -1))}>Previous page</button> ` : null}${d.continuationToken ? html`<button type="button" onClick=${() => setTokens([...tokens, d.continuationToken!])}>Next page</button>` : null}
          </nav>`}<//
    >`;
}
