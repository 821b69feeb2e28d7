/**
 * The soak's judge: compares the timeline the store recorded with what the simulator says was true
 * at each sweep. Pure, so the rules are tested on their own (timeline.test.ts).
 *
 * Per component, states are reduced to bad (any observed state but healthy) and ok (healthy, never
 * seen, or deleted): the store records a new component only when it is not healthy, and a deletion
 * as such, so a failing component deleted is a change (bad → ok) and a healthy one created is none. Only epochs whose sweep was recorded and actually observed the component
 * count: its subscription not in the sweep's partial scopes, its cluster not dark, its stored state
 * not unknown. Between two such epochs:
 *   lost transition    the truth changed, the store did not
 *   false transition   the store changed, the truth did not (a false recovery when it went to good)
 * Duplicated transitions: the same change stored twice in a row for one component. Transitions of a
 * sweep that was killed before it recorded itself still happened: they apply in sweep-id order.
 */
export type Truth = "good" | "bad" | "absent" | "dark";
export type Stored = "good" | "bad" | "absent" | "unknown";

export interface EpochTruth {
  /** Lower-case component id → truth when the sweep of this epoch started. */
  states: Map<string, Truth>;
}

export interface RecordedSweep {
  sweepId: string;
  epoch: number;
  /** Lower-case subscription ids the sweep could not read in full; "*" for everything. */
  partialSubscriptions: Set<string>;
}

export interface StoredTransition {
  /** Sweep ids start with the sweep's start time, so they sort in time order. */
  sweepId: string;
  componentId: string;
  to: string;
  /** What makes two transitions the same change (from, reason, fingerprint ...). */
  key?: string;
}

export interface Verdict {
  comparisons: number;
  lost: number;
  falseTransitions: number;
  falseRecoveries: number;
  duplicated: number;
  examples: string[];
}

const storedOf = (to: string): Stored => (to === "deleted" ? "absent" : to === "healthy" ? "good" : to === "unknown" ? "unknown" : "bad");
/** Absent and good are one value for the comparison (see above). */
const ok = (state: Truth | Stored) => (state === "absent" ? "good" : state);
const subscriptionOf = (id: string) => /^\/subscriptions\/([^/]+)/.exec(id)?.[1] ?? "";

export function judgeTimeline(epochs: EpochTruth[], sweeps: RecordedSweep[], transitions: StoredTransition[]): Verdict {
  const verdict: Verdict = { comparisons: 0, lost: 0, falseTransitions: 0, falseRecoveries: 0, duplicated: 0, examples: [] };
  const bySweep = new Map<string, StoredTransition[]>();
  const lastKey = new Map<string, string>();
  for (const t of transitions) {
    const id = t.componentId.toLowerCase();
    const key = `${t.to}|${t.key ?? ""}`;
    if (lastKey.get(id) === key) {
      verdict.duplicated++;
      if (verdict.examples.length < 10) verdict.examples.push(`duplicated: ${id} -> ${t.to} in ${t.sweepId}`);
    }
    lastKey.set(id, key);
    bySweep.set(t.sweepId, [...(bySweep.get(t.sweepId) ?? []), { ...t, componentId: id }]);
  }
  const ids = new Set(epochs.flatMap((e) => [...e.states.keys()]));
  const stored = new Map<string, Stored>();
  /** Per component, the last epoch it was observed in: [truth, stored]. */
  const seen = new Map<string, { truth: Truth; stored: Stored; epoch: number }>();
  const recorded = new Map(sweeps.map((s) => [s.sweepId, s]));
  for (const sweepId of [...new Set([...bySweep.keys(), ...recorded.keys()])].sort()) {
    for (const t of bySweep.get(sweepId) ?? []) stored.set(t.componentId, storedOf(t.to));
    const sweep = recorded.get(sweepId);
    if (!sweep) continue;
    const truthNow = epochs[sweep.epoch]?.states;
    if (!truthNow) continue;
    for (const id of ids) {
      const truth = truthNow.get(id) ?? "absent";
      const now = stored.get(id) ?? "absent";
      const partial = sweep.partialSubscriptions.has("*") || sweep.partialSubscriptions.has(subscriptionOf(id));
      if (truth === "dark" || now === "unknown" || partial) continue;
      const before = seen.get(id);
      seen.set(id, { truth, stored: now, epoch: sweep.epoch });
      if (!before) continue;
      verdict.comparisons++;
      const truthChanged = ok(before.truth) !== ok(truth);
      const storeChanged = ok(before.stored) !== ok(now);
      if (truthChanged && !storeChanged) {
        verdict.lost++;
        if (verdict.examples.length < 10)
          verdict.examples.push(`lost: ${id} ${before.truth}->${truth} between epochs ${before.epoch} and ${sweep.epoch}, stored ${now}`);
      } else if (!truthChanged && storeChanged) {
        verdict.falseTransitions++;
        if (ok(now) === "good") verdict.falseRecoveries++;
        if (verdict.examples.length < 10)
          verdict.examples.push(`false: ${id} stored ${before.stored}->${now} between epochs ${before.epoch} and ${sweep.epoch}, truth ${truth}`);
      }
    }
  }
  return verdict;
}
