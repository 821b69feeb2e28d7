/**
 * One cluster: its ARM id and portal link, every component with state, since when, evidence and
 * catalog match (and the fix of each open failure), a timeline of how many components were failing,
 * and its failure episodes with time to recover.
 */
import { useState } from "preact/hooks";
import type { ComponentRecord } from "../../shared/store/types";
import type { ClusterDetailBody, ClusterTimelineBody, EpisodeBody } from "../../shared/api/schemas";
import { api } from "../api";
import { TimeChart, type Series } from "../chart";
import { clusterApi, page } from "../paths";
import { act, FailureActions, Markers, OperatorForm } from "../operate";
import { html, Table, Loaded, n, Problem, Remedy as Fix, span, State, useLoad, when } from "../ui";

type Component = Omit<ComponentRecord, "clusterId" | "clusterName" | "clusterKind" | "subscriptionId" | "resourceGroup" | "lastSeenSweepId">;

/** The API's cluster detail (its schema), with components as the page reads them. */
type ClusterDetail = Omit<ClusterDetailBody, "components"> & { components: Component[] };

type Timeline = ClusterTimelineBody;

const OPEN = new Set<string>(["failing", "degraded"]);
const EPISODES_SHOWN = 50;
const ACTIVE_SHOWN = 10;

/** The timeline's API path for a window (absent values: the API's defaults) and an episodes page. */
function timelinePath(id: string, query: { from?: string; to?: string | null; continuationToken?: string }): string {
  const q = new URLSearchParams(Object.entries({ ...query, limit: String(EPISODES_SHOWN) }).filter((e): e is [string, string] => Boolean(e[1])));
  return `${clusterApi(id)}/timeline?${q}`;
}

export function Cluster({ id }: { id: string }) {
  // Bumped after an operator action so markers and notes are read again.
  const [version, setVersion] = useState(0);
  const reload = () => setVersion(version + 1);
  // Set by "Show the whole history": the window's start; the API's default window otherwise.
  const [from, setFrom] = useState<string | undefined>(undefined);
  const detail = useLoad(`cluster:${id}#${version}`, (signal) => api<ClusterDetail>(clusterApi(id), { signal }));
  // Asked at once, not after the detail: the timeline is the slow answer on a long-lived cluster.
  const timeline = useLoad(`timeline:${id}#${version}#${from ?? ""}`, (signal) => api<Timeline>(timelinePath(id, { from }), { signal }));
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
        <${Notes} clusterId=${c.id} timeline=${timeline} onDone=${reload} />
        <${TimelineSection} id=${c.id} timeline=${timeline} onWiden=${setFrom} />`}<//
  >`;
}

/** The cluster's notes (from its history), and a form to add one. */
function Notes({ clusterId, timeline, onDone }: { clusterId: string; timeline: Loaded<Timeline>; onDone: () => void }) {
  const notes = (timeline.data?.notes ?? []).slice().reverse();
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
    <${Table} caption="Every component of the cluster, worst first" columns=${["Component", "Kind", "State", "Since", "Evidence", "Catalog match"]}>
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
      </${Table}>
  </section>`;
}

/**
 * The API's intervals as a step line of the most components failing in each; where the count at an
 * interval's end is lower and the next interval with a change is not adjacent, that count holds until it.
 */
function failingOverTime(series: Timeline["series"]): Series {
  const x: number[] = [];
  const y: number[] = [];
  series.intervals.forEach((i, k) => {
    const at = Date.parse(i.at);
    x.push(at / 1000);
    y.push(i.max);
    const end = at + series.intervalMs;
    const next = series.intervals[k + 1];
    if (i.failing !== i.max && (!next || Date.parse(next.at) > end)) {
      x.push(end / 1000);
      y.push(i.failing);
    }
  });
  return { label: "failing or degraded components", x, y, stepped: true };
}

/** What the window holds and how to see more: never a cut-off chart presented as the whole story. */
function WindowNotice({ t, onWiden }: { t: Timeline; onWiden: (from: string) => void }) {
  const { window: w } = t;
  const older = w.earliestAt !== null && w.earliestAt < w.from;
  // One string: htm would drop the space at a line break that prettier puts between its parts.
  const shows = `Showing ${n(t.changes)} state changes from ${when(w.from)} to ${w.to ? when(w.to) : "now"}${w.defaulted ? " (the 30 days up to the cluster's latest change)" : ""}.`;
  return html`<p class="window" data-window=${older ? "partial" : "whole"}>
    ${shows}${" "}
    ${
      older
        ? html`Older changes are not shown: the history starts ${when(w.earliestAt)}.${" "}
            <button type="button" onClick=${() => onWiden(w.earliestAt!)}>Show the whole history</button>`
        : "This is the cluster's whole recorded history."
    }
  </p>`;
}

function TimelineSection({ id, timeline, onWiden }: { id: string; timeline: Loaded<Timeline>; onWiden: (from: string) => void }) {
  return html`<section aria-labelledby="timeline">
    <h2 id="timeline">Timeline</h2>
    <${Loaded} state=${timeline} label="the timeline"
      >${(t: Timeline) => {
        const { intervals, intervalMs } = t.series;
        const summarised = intervals.some((i) => i.changes > 1);
        return html`<${WindowNotice} t=${t} onWiden=${onWiden} />
          ${
            intervals.length
              ? html`<${TimeChart}
                  series=${failingOverTime(t.series)}
                  yLabel="components"
                  label=${`Failing or degraded components of this cluster over time, from ${n(t.changes)} recorded state changes${
                    summarised ? `, summarised into intervals of ${span(intervalMs)}: each step is the highest count in its interval` : ""
                  }; latest change ${when(t.window.latestAt)}.`}
                />`
              : html`<p>No state changes in this window.</p>`
          }
          <${Activity} t=${t} />
          <${Episodes} id=${id} t=${t} />`;
      }}<//
    >
  </section>`;
}

/** The components that changed most in the window. */
function Activity({ t }: { t: Timeline }) {
  if (!t.components.length) return null;
  return html`<${Table} caption=${`Components with the most state changes in the window (${n(Math.min(ACTIVE_SHOWN, t.components.length))} of ${n(t.components.length)} that changed)`} columns=${["Component", "State changes", "Failure episodes", "State after its last change"]}>
      ${t.components.slice(0, ACTIVE_SHOWN).map(
        (c) =>
          html`<tr>
            <td>${c.componentName}</td>
            <td class="num">${n(c.changes)}</td>
            <td class="num">${n(c.episodes)}</td>
            <td>${c.state === "deleted" ? "deleted" : html`<${State} state=${c.state} />`}</td>
          </tr>`,
      )}
    </${Table}>`;
}

/** Episodes newest first, a page from the timeline's answer and more on request (the same window). */
function Episodes({ id, t }: { id: string; t: Timeline }) {
  // Pages read on request belong to the answer they continue; a new answer (reload, wider window) starts over.
  const [read, setRead] = useState<{ of: Timeline; items: EpisodeBody[]; next?: string } | null>(null);
  const { items, next } = read?.of === t ? read : { items: t.episodes.items, next: t.episodes.continuationToken };
  const [state, setState] = useState<{ loading?: boolean; error?: unknown }>({});
  const more = () => {
    setState({ loading: true });
    api<Timeline>(timelinePath(id, { from: t.window.from, to: t.window.to, continuationToken: next })).then(
      (page) => {
        setRead({ of: t, items: [...items, ...page.episodes.items], next: page.episodes.continuationToken });
        setState({});
      },
      (error: unknown) => setState({ error }),
    );
  };
  const { total, open } = t.episodes;
  return html`<h3>Failure episodes (${n(total)}${open ? `, ${n(open)} still open` : ""})</h3>
    ${
      items.length
        ? html`<${Table} caption=${`Failure episodes in the window, newest first (${n(items.length)} of ${n(total)} shown)`} columns=${["Component", "Catalog entry", "Started", "Ended", "Time to recover"]}>
                ${items.map(
                  (e) =>
                    html`<tr>
                      <td>${e.componentName}</td>
                      <td>${e.catalogId ?? "none matched"}</td>
                      <td>${e.startedBeforeWindow ? "before the window" : when(e.startedAt)}</td>
                      <td>${e.endedAt ? when(e.endedAt) : "still open"}</td>
                      <td>${e.endedAt ? span(e.timeToRecoverMs) : "not recovered"}</td>
                    </tr>`,
                )}
              </${Table}>
            ${state.error !== undefined ? html`<${Problem} error=${state.error} />` : null}
            ${
              next
                ? html`<button type="button" disabled=${state.loading} onClick=${more}>${state.loading ? "Reading …" : `Show ${EPISODES_SHOWN} more`}</button>`
                : null
            }`
        : html`<p>No failure episodes in this window.</p>`
    }`;
}
