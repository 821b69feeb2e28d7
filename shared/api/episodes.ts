/**
 * Failure episodes from a component timeline: an episode opens when a component turns failing or
 * degraded and closes when it turns healthy, pending or is deleted; `unknown` (data missing) neither
 * opens nor closes one. Time to recover is the episode's length.
 */
import type { TransitionRecord } from "../store/types";
import { isOpenFailure } from "./fleet-view";

export interface Episode {
  componentId: string;
  componentName: string;
  /** The catalog entry the episode was first classified as (the latest one if it changed). */
  catalogId: string | null;
  startedAt: string | null;
  /** True when the episode began before the requested window; `startedAt` then comes from the store's duration. */
  startedBeforeWindow: boolean;
  endedAt: string | null;
  timeToRecoverMs: number | null;
}

function isOpen(to: TransitionRecord["to"]): boolean {
  return to !== "deleted" && isOpenFailure(to);
}

/** Episodes in the order they started, from transitions oldest first. */
export function failureEpisodes(transitions: readonly TransitionRecord[]): Episode[] {
  const open = new Map<string, Episode>();
  const episodes: Episode[] = [];
  const seen = new Set<string>();
  for (const t of transitions) {
    const first = !seen.has(t.componentId);
    seen.add(t.componentId);
    const current = open.get(t.componentId);
    if (isOpen(t.to)) {
      if (current) current.catalogId = t.catalogId ?? current.catalogId;
      else {
        const continuing = first && t.from !== null && isOpenFailure(t.from);
        const episode: Episode = {
          componentId: t.componentId,
          componentName: t.componentName,
          catalogId: t.catalogId,
          startedAt: continuing ? startBefore(t) : t.at,
          startedBeforeWindow: continuing,
          endedAt: null,
          timeToRecoverMs: null,
        };
        open.set(t.componentId, episode);
        episodes.push(episode);
      }
      continue;
    }
    if (t.to === "unknown") continue;
    if (current) {
      close(current, t);
      open.delete(t.componentId);
    } else if (first && t.from !== null && isOpenFailure(t.from)) {
      // The window starts inside an episode that this transition ends.
      const episode: Episode = {
        componentId: t.componentId,
        componentName: t.componentName,
        catalogId: t.endedCatalogId ?? t.catalogId,
        startedAt: startBefore(t),
        startedBeforeWindow: true,
        endedAt: null,
        timeToRecoverMs: null,
      };
      close(episode, t);
      episodes.push(episode);
    }
  }
  return episodes;
}

function startBefore(t: TransitionRecord): string | null {
  return t.previousDurationMs === undefined ? null : new Date(Date.parse(t.at) - t.previousDurationMs).toISOString();
}

function close(episode: Episode, t: TransitionRecord): void {
  episode.endedAt = t.at;
  episode.catalogId = episode.catalogId ?? t.endedCatalogId ?? null;
  episode.timeToRecoverMs = episode.startedAt ? Date.parse(t.at) - Date.parse(episode.startedAt) : null;
}
