/**
 * The overview: coverage first (so a quiet screen is never read as a healthy fleet), then clusters and
 * components by state, open failures by catalog entry, fleet-wide incidents, and 30-day charts. The
 * numbers come from one request (/api/summary); incidents, titles and charts load after them.
 */
import type { FleetSummary } from "../../shared/api/fleet-view";
import { api, apiPages } from "../api";
import { TimeChart } from "../chart";
import { IncidentAck } from "../incident-ack";
import { page } from "../paths";
import { html, Table, Loaded, n, span, State, STATES, useLoad, when } from "../ui";
import { catalogIndex, type Incident } from "./shared";

const DAY_MS = 86_400_000;
/** Sweeps read for the 30-day chart: 30 days of 15-minute sweeps. */
const MAX_SWEEPS = 2_880;
const MAX_RECOVERIES = 5_000;

export function Overview() {
  const summary = useLoad("summary", (signal) => api<FleetSummary>("summary", { signal }));
  return html`<h1>Fleet overview</h1>
    <${Loaded} state=${summary} label="the fleet summary">${(s: FleetSummary) => html`<${Coverage} s=${s} /><${States} s=${s} /><${OpenByEntry} s=${s} />`}<//>
    <${Incidents} />
    <${Charts} />`;
}

function Coverage({ s }: { s: FleetSummary }) {
  const stale = !s.lastCompleteSweep || s.lastCompleteSweep.sweepId !== s.latestSweep?.sweepId;
  return html`<section aria-labelledby="coverage">
    <h2 id="coverage">Coverage</h2>
    ${!s.latestSweep ? html`<p class="warn" role="alert">No sweep has been recorded yet: nothing below says the fleet is healthy.</p>` : null}
    ${s.partial ? html`<p class="warn" role="alert"><span aria-hidden="true">⚠ </span>The latest sweep could not read ${n(s.partialScopes.length)} scope${s.partialScopes.length === 1 ? "" : "s"}: clusters there are shown with their last known state.</p>` : null}
    <dl class="facts">
      <dt>Latest sweep</dt>
      <dd data-testid="latest-sweep">${s.latestSweep ? `${when(s.latestSweep.finishedAt)}${s.latestSweep.partial ? " (partial)" : " (complete)"}` : "none"}</dd>
      <dt>Last complete sweep</dt>
      <dd>${s.lastCompleteSweep ? when(s.lastCompleteSweep.finishedAt) : "none"}${s.latestSweep && stale ? " (older than the latest sweep)" : ""}</dd>
      <dt>Clusters not seen (dark)</dt>
      <dd>
        <span data-count="clusters-dark">${n(s.clusters.dark)}</span> of ${n(s.clusters.total)}: not returned by the latest sweeps; their state is the last one
        known, not a current reading
      </dd>
    </dl>
    ${
      s.partialScopes.length
        ? html`<${Table} caption="Scopes not read in the latest sweep" columns=${["Scope", "Error", "Message"]}>
              ${s.partialScopes.map(
                (p) =>
                  html`<tr>
                    <td>${p.scope}</td>
                    <td>${p.code}</td>
                    <td>${p.message}</td>
                  </tr>`,
              )}
            </${Table}>`
        : null
    }
  </section>`;
}

function States({ s }: { s: FleetSummary }) {
  const cell = (count: number, query: Record<string, string>) =>
    html`<td class="num">${count ? html`<a href=${page("clusters", query)}>${n(count)}</a>` : "0"}</td>`;
  return html`<section aria-labelledby="states">
    <h2 id="states">Clusters and components by state</h2>
    <p>A cluster's state is the worst state of its components (the cluster resource, its extensions and Flux configurations).</p>
    <table class="counts">
      <caption>
        Clusters (<span data-count="clusters-total">${n(s.clusters.total)}</span
        >) and components (<span data-count="components-total">${n(s.components.total)}</span
        >) by state
      </caption>
      <thead>
        <tr>
          <th scope="col">State</th>
          <th scope="col">Clusters</th>
          <th scope="col">Arc clusters</th>
          <th scope="col">AKS clusters</th>
          <th scope="col">Components</th>
        </tr>
      </thead>
      <tbody>
        ${STATES.map(
          (st) =>
            html`<tr>
              <th scope="row"><${State} state=${st} /></th>
              <td class="num" data-count=${`clusters-${st}`}>
                ${s.clusters.byState[st] ? html`<a href=${page("clusters", { state: st })}>${n(s.clusters.byState[st])}</a>` : "0"}
              </td>
              ${cell(s.clusters.byKind.arc.byState[st], { state: st, kind: "arc" })}${cell(s.clusters.byKind.aks.byState[st], { state: st, kind: "aks" })}
              <td class="num" data-count=${`components-${st}`}>${n(s.components.byState[st])}</td>
            </tr>`,
        )}
      </tbody>
      <tfoot>
        <tr>
          <th scope="row">All</th>
          <td class="num">${n(s.clusters.total)}</td>
          <td class="num">${n(s.clusters.byKind.arc.total)}</td>
          <td class="num">${n(s.clusters.byKind.aks.total)}</td>
          <td class="num">${n(s.components.total)}</td>
        </tr>
      </tfoot>
    </table>
  </section>`;
}

function OpenByEntry({ s }: { s: FleetSummary }) {
  const catalog = useLoad("catalog", catalogIndex);
  const rows = Object.entries(s.failures.byCatalogId).sort((a, b) => b[1] - a[1]);
  return html`<section aria-labelledby="open">
    <h2 id="open">Open failures by catalog entry</h2>
    <p>
      <span data-count="failures-open">${n(s.failures.open)}</span> components are failing or degraded now;${" "}
      <span data-count="failures-unclassified">${n(s.failures.unclassified)}</span> of them match no catalog entry.
    </p>
    <${Table} caption="Failing or degraded components per catalog entry" columns=${["Catalog entry", "Severity", "Components"]}>
        ${rows.map(([id, count]) => {
          const entry = catalog.data?.get(id);
          return html`<tr>
            <td><a href=${page("failures", { catalogId: id })}>${entry ? `${entry.title} (${id})` : id}</a></td>
            <td>${entry?.severity ?? ""}</td>
            <td class="num">${n(count)}</td>
          </tr>`;
        })}
        ${
          s.failures.unclassified
            ? html`<tr>
                <td><a href=${page("failures", { catalogId: "unclassified" })}>No catalog entry matched</a></td>
                <td></td>
                <td class="num">${n(s.failures.unclassified)}</td>
              </tr>`
            : null
        }
      </${Table}>
  </section>`;
}

function Incidents() {
  const incidents = useLoad("incidents", (signal) => api<{ items: Incident[] }>("incidents", { signal }));
  return html`<section aria-labelledby="incidents">
    <h2 id="incidents">Fleet-wide incidents</h2>
    <p>The same problem open on two or more clusters at once.</p>
    <${Loaded} state=${incidents} label="incidents"
      >${(d: { items: Incident[] }) =>
        d.items.length === 0
          ? html`<p>None open.</p>`
          : html`<${Table} caption="Open incidents, most clusters first" columns=${["Problem", "Severity", "Clusters", "Components", "First seen"]}>
                ${d.items.slice(0, 20).map(
                  (i) =>
                    html`<tr>
                      <td>
                        ${i.catalogId ? html`<a href=${page("failures", { catalogId: i.catalogId })}>${i.title}</a>` : i.title}<${IncidentAck} incident=${i} />
                      </td>
                      <td>${i.severity ?? "unclassified"}</td>
                      <td class="num">${n(i.clusterCount)}</td>
                      <td class="num">${n(i.componentCount)}</td>
                      <td>${when(i.firstSeenAt)}</td>
                    </tr>`,
                )}
              </${Table}>`}<//
    >
  </section>`;
}

interface SweepPoint {
  finishedAt: string;
  byState: Record<string, number>;
}

async function chartData(signal: AbortSignal) {
  const since = new Date(Date.now() - 30 * DAY_MS).toISOString();
  const [sweeps, recoveries] = await Promise.all([
    apiPages<SweepPoint>("sweeps?limit=100", MAX_SWEEPS, signal),
    apiPages<{ recoveredAt: string; timeToRecoverMs?: number }>(
      `failures?status=resolved&since=${encodeURIComponent(since)}&limit=1000`,
      MAX_RECOVERIES,
      signal,
    ),
  ]);
  const recent = sweeps.items.filter((s) => s.finishedAt >= since).reverse();
  const timed = recoveries.items.filter((r) => r.timeToRecoverMs !== undefined);
  return {
    failing: {
      label: "failing or degraded components",
      x: recent.map((s) => Date.parse(s.finishedAt) / 1000),
      y: recent.map((s) => (s.byState.failing ?? 0) + (s.byState.degraded ?? 0)),
      stepped: true,
    },
    recover: {
      label: "hours to recover",
      x: timed.map((r) => Date.parse(r.recoveredAt) / 1000),
      y: timed.map((r) => r.timeToRecoverMs! / 3_600_000),
      points: true,
    },
    recoveries: timed.length,
    capped: recoveries.more,
    medianMs: median(timed.map((r) => r.timeToRecoverMs!)),
  };
}

function median(values: number[]): number | null {
  if (!values.length) return null;
  const sorted = values.slice().sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function Charts() {
  const data = useLoad("charts", chartData);
  return html`<section aria-labelledby="charts">
    <h2 id="charts">Last 30 days</h2>
    <${Loaded} state=${data} label="the 30-day history"
      >${(d: Awaited<ReturnType<typeof chartData>>) =>
        html` <${TimeChart}
            series=${d.failing}
            yLabel="components"
            label=${`Failing or degraded components after each sweep: ${d.failing.x.length} sweeps, now ${n(d.failing.y.at(-1) ?? 0)}.`}
          />
          <${TimeChart}
            series=${d.recover}
            yLabel="hours"
            label=${`Time to recover of each failure that ended in the last 30 days: ${n(d.recoveries)}${d.capped ? " (the first " + n(d.recoveries) + " read)" : ""}, median ${span(d.medianMs)}.`}
          />`}<//
    >
  </section>`;
}
