/**
 * Operators acting on what they see: silences, acknowledgements and notes (the rules), over the
 * operations store (shared/store/operations.ts). The API changes them; the digest and the API's
 * failure views read them through `loadOperations`.
 */
import type { ComponentRecord, FleetHistory } from "../store/types";
import { type Acknowledgement, type OperationsStore, type Silence, type Versioned } from "../store/operations";
import { collect } from "../store/paging";
import { isAckActive, type OpenFailureRef } from "./acknowledgement";
import { silenceExpiredBefore, type FailureSubject } from "./silence";

export * from "./acknowledgement";
export * from "./silence";
export { OperateInputError } from "./input";

/** A stored component as silences and acknowledgements see it. */
export function subjectOf(c: ComponentRecord, tags?: Record<string, string>): FailureSubject & OpenFailureRef {
  return {
    componentId: c.id,
    clusterId: c.clusterId,
    subscriptionId: c.subscriptionId,
    resourceGroup: c.resourceGroup,
    ...(c.extensionType ? { extensionType: c.extensionType } : {}),
    catalogId: c.catalogId,
    ...(c.fingerprint ? { fingerprint: c.fingerprint } : {}),
    since: c.firstSeenFailingAt ?? c.lastTransitionAt,
    ...(tags ? { tags } : {}),
  };
}

/** Everything the readers need at once: silences and acknowledgements are few. */
export interface Operations {
  silences: Array<Versioned<Silence>>;
  acknowledgements: Array<Versioned<Acknowledgement>>;
}

export async function loadOperations(store: OperationsStore): Promise<Operations> {
  const [silences, acknowledgements] = await Promise.all([collect(store.list("silence")), collect(store.list("ack"))]);
  return { silences, acknowledgements };
}

/**
 * The retention rules applied to operator records: a silence that expired before the cutoff, an
 * acknowledgement made before it that covers nothing open any more, a note and an audit entry older
 * than it. An acknowledgement of a failure that is still open is kept, like the open failure.
 */
export async function applyOperationsRetention(
  store: OperationsStore,
  history: Pick<FleetHistory, "listComponents">,
  options: { days: number; now?: Date },
): Promise<number> {
  const cutoff = new Date((options.now ?? new Date()).getTime() - options.days * 86_400_000);
  const open: OpenFailureRef[] = [];
  for (const state of ["failing", "degraded"] as const) for await (const c of history.listComponents({ state })) open.push(subjectOf(c));
  const before = cutoff.toISOString();
  return store.applyRetention(cutoff, (kind, record) => {
    if (kind === "silence") return silenceExpiredBefore(record as Silence, cutoff);
    if (kind === "ack") return (record as Acknowledgement).at < before && !isAckActive(record as Acknowledgement, open);
    return (record as { at: string }).at < before;
  });
}
