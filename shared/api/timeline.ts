/**
 * A cluster's timeline as a chart of N points can show it: the count of failing or degraded components
 * over the window, in at most N intervals (each with its lowest, highest and last count and how many
 * changes it holds), the changes per component, and the failure episodes newest first, a page at a
 * time. 10,000 transitions become a few kilobytes; the raw list stays on `/history`.
 */
import type { TransitionRecord } from "../store/types";
import type { Episode } from "./episodes";
import { isOpenFailure } from "./fleet-view";
import { pageByKey, sortedBy, type Page } from "./paging";

export interface TimelineInterval {
  /** Start of the interval. */
  at: string;
  /** Failing or degraded components at the end of the interval. */
  failing: number;
  min: number;
  max: number;
  /** Transitions in the interval. */
  changes: number;
}

export interface TimelineSeries {
  intervalMs: number;
  /** Intervals with at least one change, and the first one; the count holds between them. */
  intervals: TimelineInterval[];
}

export interface ComponentActivity {
  componentId: string;
  componentName: string;
  changes: number;
  episodes: number;
  /** The state after its last change in the window. */
  state: TransitionRecord["to"];
}

/** Shortest interval: a chart gains nothing from splitting one sweep's changes. */
const MIN_INTERVAL_MS = 60_000;

const opens = (state: TransitionRecord["to"] | null): boolean => state !== null && state !== "deleted" && isOpenFailure(state);

/**
 * The failing count over [from, to) in at most `points` intervals, from transitions oldest first. A
 * component whose first change in the window leaves a failing or degraded state was failing at its start.
 */
export function failingSeries(transitions: readonly TransitionRecord[], from: number, to: number, points: number): TimelineSeries {
  const intervalMs = Math.max(MIN_INTERVAL_MS, Math.ceil((to - from) / points));
  const open = new Set<string>();
  const seen = new Set<string>();
  for (const t of transitions) {
    if (seen.has(t.componentId)) continue;
    seen.add(t.componentId);
    if (opens(t.from)) open.add(t.componentId);
  }
  let current: TimelineInterval = { at: new Date(from).toISOString(), failing: open.size, min: open.size, max: open.size, changes: 0 };
  const intervals = [current];
  let currentIndex = 0;
  for (const t of transitions) {
    const index = Math.max(0, Math.floor((Date.parse(t.at) - from) / intervalMs));
    if (index !== currentIndex) {
      const carried = current.failing;
      current = { at: new Date(from + index * intervalMs).toISOString(), failing: carried, min: carried, max: carried, changes: 0 };
      currentIndex = index;
      intervals.push(current);
    }
    if (opens(t.to)) open.add(t.componentId);
    else open.delete(t.componentId);
    current.changes++;
    current.failing = open.size;
    current.min = Math.min(current.min, open.size);
    current.max = Math.max(current.max, open.size);
  }
  return { intervalMs, intervals };
}

/** Changes and episodes per component, most changes first. */
export function componentActivity(transitions: readonly TransitionRecord[], episodes: readonly Episode[]): ComponentActivity[] {
  const byId = new Map<string, ComponentActivity>();
  for (const t of transitions) {
    const entry = byId.get(t.componentId) ?? { componentId: t.componentId, componentName: t.componentName, changes: 0, episodes: 0, state: t.to };
    entry.changes++;
    entry.state = t.to;
    byId.set(t.componentId, entry);
  }
  for (const e of episodes) {
    const entry = byId.get(e.componentId);
    if (entry) entry.episodes++;
  }
  return [...byId.values()].sort((a, b) => b.changes - a.changes || a.componentName.localeCompare(b.componentName));
}

/** Newest first: the key counts down with the start; unknown starts (before the window) sort last. */
function episodeKey(e: Episode): string {
  const start = e.startedAt ? Date.parse(e.startedAt) : 0;
  return `${String(9_999_999_999_999 - start).padStart(13, "0")}~${e.componentId}`;
}

/** One page of episodes, newest first; the token carries the last key sent, so newer episodes never shift a page. */
export function episodePage(episodes: readonly Episode[], options: { limit: number; continuationToken?: string; query: string }): Page<Episode> {
  return pageByKey(sortedBy(episodes, episodeKey), options);
}
