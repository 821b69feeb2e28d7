/**
 * One cluster: its ARM id and portal link, every component with state, since when, evidence and
 * catalog match (and the fix of each open failure), a timeline of how many components were failing,
 * and its failure episodes with time to recover.
 */
import { useState } from "preact/hooks";
import type { ComponentRecord, TransitionRecord } from "../../shared/store/types";
import type { ClusterDetailBody } from "../../shared/api/schemas";
import { api } from "../api";
import { TimeChart, type Series } from "../chart";
import { clusterApi, page } from "../paths";
import { act, FailureActions, Markers, OperatorForm } from "../operate";
import { html, Loaded, n, Remedy as Fix, span, State, useLoad, when } from "../ui";

type Component = Omit<ComponentRecord, "clusterId" | "clusterName" | "clusterKind" | "subscriptionId" | "resourceGroup" | "lastSeenSweepId">;

/** The API's cluster detail (its schema), with components as the page reads them. */
type ClusterDetail = Omit<ClusterDetailBody, "components"> & { components: Component[] };

interface Episode {
  componentId: string;
  componentName: string;
  catalogId: string | null;
  startedAt: string | null;
  startedBeforeWindow?: boolean;
  endedAt: string | null;
  timeToRecoverMs: number | null;
}

interface Note {
  id: string;
  by: string;
  at: string;
  text: string;
}

interface History {
  transitions: TransitionRecord[];
  episodes: Episode[];
  notes?: Note[];
}

const OPEN = new Set<string>(["failing", "degraded"]);
const EPISODES_SHOWN = 50;

export function Cluster({ id }: { id: string }) {
  // Bumped after an operator action so markers and notes are read again.
  const [version, setVersion] = useState(0);
  const reload = () => setVersion(version + 1);
  const detail = useLoad(`cluster:${id}#${version}`, (signal) => api<ClusterDetail>(clusterApi(id), { signal }));
  // Asked at once, not after the detail: the timeline is the slow answer on a long-lived cluster.
  const history = useLoad(`history:${id}#${version}`, (signal) => api<History>(`${clusterApi(id)}/history`, { signal }));
  return html`<${Loaded} state=${detail} label="the cluster"
    >${(c: ClusterDetail) =>
      html` <h1>Cluster ${c.name} <${State} state=${c.state} /></h1>
        <dl class="facts">
          <dt>ARM id</dt>
          <dd>
            <code>${c.armId}</code> · <a href=${c.links.portalUrl} target="_blank" rel="noopener noreferrer">open in the Azure portal</a> ·${" "}
            <a href=${c.links.resourceGraphUrl} target="_blank" rel="noopener noreferrer">the same data in Resource Graph Explorer</a>
          </dd>
          <dt>Kind</dt>
          <dd>${c.kind === "arc" ? "Azure Arc-enabled Kubernetes (connectedClusters)" : "AKS (managedClusters)"}</dd>
          <dt>Subscription / resource group</dt>
          <dd>${c.subscriptionName ? `${c.subscriptionName} (${c.subscriptionId})` : c.subscriptionId} / ${c.resourceGroup}</dd>
          ${
            c.location
              ? html`<dt>Location</dt>
                  <dd>${c.location}</dd>`
              : ""
          }
          ${
            c.tags && Object.keys(c.tags).length
              ? html`<dt>Tags</dt>
                  <dd>
                    ${Object.entries(c.tags)
                      .map(([k, v]) => `${k}=${v}`)
                      .join(", ")}
                  </dd>`
              : ""
          }
          ${Object.entries(c.components.find((x) => x.kind === "cluster")?.facts ?? {}).map(
            ([k, v]) =>
              html`<dt>${k}</dt>
                <dd>${v}</dd>`,
          )}
          <dt>Last seen</dt>
          <dd>${when(c.lastSeenAt)}${c.dark ? " (dark: not returned by the latest sweeps; the states below are the last known ones)" : ""}</dd>
        </dl>
        ${
          c.openFailures.length
            ? html`<section aria-labelledby="open-failures">
                <h2 id="open-failures">Open failures (${n(c.openFailures.length)})</h2>
                ${c.openFailures.map(
                  (f) =>
                    html`<article class="failure">
                      <h3>${f.componentName}: ${f.entry?.title ?? "no catalog entry matched"}</h3>
                      <p><${State} state=${f.state} /> since ${when(f.since)}: ${f.reason}: ${f.message}</p>
                      <${Markers} f=${f} />
                      <${FailureActions} f=${{ ...f, clusterId: c.id }} onDone=${reload} />${f.entry ? html`<${Fix} entry=${f.entry} />` : null}
                    </article>`,
                )}
              </section>`
            : html`<p>No open failures.</p>`
        }
        <${Components} items=${c.components} />
        <${Notes} clusterId=${c.id} history=${history} onDone=${reload} />
        <${Timeline} history=${history} />`}<//
  >`;
}

/** The cluster's notes (from its history), and a form to add one. */
function Notes({ clusterId, history, onDone }: { clusterId: string; history: Loaded<History>; onDone: () => void }) {
  const notes = (history.data?.notes ?? []).slice().reverse();
  return html`<section aria-labelledby="notes">
    <h2 id="notes">Notes (${n(notes.length)})</h2>
    ${
      notes.length
        ? html`<ul class="notes">
            ${notes.map((x) => html`<li><strong>${x.by}</strong>, ${when(x.at)}: ${x.text}</li>`)}
          </ul>`
        : html`<p>No notes in the timeline's window.</p>`
    }
    <${OperatorForm}
      label="Add a note"
      submit="Add note"
      run=${(d: FormData) => act("notes", { method: "POST", body: { clusterId, text: String(d.get("text") ?? "").trim() } })}
      onDone=${onDone}
    >
      <label for="note-text">Note</label><textarea id="note-text" name="text" required maxlength="2000" rows="2"></textarea>
    <//>
  </section>`;
}

function Components({ items }: { items: Component[] }) {
  return html`<section aria-labelledby="components">
    <h2 id="components">Components (${n(items.length)})</h2>
    <table>
      <caption>
        Every component of the cluster, worst first
      </caption>
      <thead>
        <tr>
          <th scope="col">Component</th>
          <th scope="col">Kind</th>
          <th scope="col">State</th>
          <th scope="col">Since</th>
          <th scope="col">Evidence</th>
          <th scope="col">Catalog match</th>
        </tr>
      </thead>
      <tbody>
        ${items.map(
          (c) =>
            html`<tr>
              <td>${c.name}${c.extensionType ? html` <small>(${c.extensionType})</small>` : null}</td>
              <td>${c.kind}</td>
              <td><${State} state=${c.state} /></td>
              <td>${when(OPEN.has(c.state) ? (c.firstSeenFailingAt ?? c.lastTransitionAt) : c.lastTransitionAt)}</td>
              <td class="msg">${c.reason}${c.message ? `: ${c.message}` : ""}</td>
              <td>
                ${c.catalogId ? html`<a href=${page(`catalog/${c.catalogId}`)}>${c.catalogId}</a>${c.confidence !== undefined ? ` (${Math.round(c.confidence * 100)}%)` : ""}` : OPEN.has(c.state) ? "none matched" : ""}
              </td>
            </tr>`,
        )}
      </tbody>
    </table>
  </section>`;
}

/** Components failing or degraded after each transition, as a step line. */
export function failingOverTime(transitions: readonly TransitionRecord[]): Series {
  const open = new Set<string>();
  const x: number[] = [];
  const y: number[] = [];
  for (const t of [...transitions].sort((a, b) => a.at.localeCompare(b.at))) {
    if (OPEN.has(t.to)) open.add(t.componentId);
    else open.delete(t.componentId);
    const at = Date.parse(t.at) / 1000;
    if (x.at(-1) === at) y[y.length - 1] = open.size;
    else {
      x.push(at);
      y.push(open.size);
    }
  }
  return { label: "failing or degraded components", x, y, stepped: true };
}

function Timeline({ history }: { history: Loaded<History> }) {
  const [shown, setShown] = useState(EPISODES_SHOWN);
  return html`<section aria-labelledby="timeline">
    <h2 id="timeline">Timeline</h2>
    <${Loaded} state=${history} label="the timeline"
      >${(h: History) => {
        const series = failingOverTime(h.transitions);
        const episodes = h.episodes.slice().reverse();
        return html`<${TimeChart}
            series=${series}
            yLabel="components"
            label=${`Failing or degraded components of this cluster over time, from ${n(h.transitions.length)} recorded state changes.`}
          />
          <h3>Failure episodes (${n(episodes.length)})</h3>
          ${
            episodes.length
              ? html`<table>
                    <caption>
                      Failure episodes, newest first
                    </caption>
                    <thead>
                      <tr>
                        <th scope="col">Component</th>
                        <th scope="col">Catalog entry</th>
                        <th scope="col">Started</th>
                        <th scope="col">Ended</th>
                        <th scope="col">Time to recover</th>
                      </tr>
                    </thead>
                    <tbody>
                      ${episodes.slice(0, shown).map(
                        (e) =>
                          html`<tr>
                            <td>${e.componentName}</td>
                            <td>${e.catalogId ?? "none matched"}</td>
                            <td>${e.startedBeforeWindow ? "before the window" : when(e.startedAt)}</td>
                            <td>${e.endedAt ? when(e.endedAt) : "still open"}</td>
                            <td>${e.endedAt ? span(e.timeToRecoverMs) : "not recovered"}</td>
                          </tr>`,
                      )}
                    </tbody>
                  </table>
                  ${episodes.length > shown ? html`<button type="button" onClick=${() => setShown(shown + EPISODES_SHOWN)}>Show ${EPISODES_SHOWN} more</button>` : null}`
              : html`<p>No failure episodes recorded.</p>`
          }`;
      }}<//
    >
  </section>`;
}
