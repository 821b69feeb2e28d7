/**
 * What operators already know, applied to a digest: a silenced failure leaves the headlines and the
 * lists (it is listed apart, with the reason and who), an acknowledged one is shown with who and
 * since instead of as news, and silenced failures that began in their silence's last day are listed
 * so a silence does not hide a regression. Pure, like model.ts.
 */
import { ackFor, ackForIncident, recentUnderSilence, silenceFor, subjectOf, type FailureSubject, type OpenFailureRef } from "../operate";
import type { Acknowledgement, Silence } from "../store/operations";
import {
  composeDigest,
  isFailureState,
  toFailureItem,
  type AckMark,
  type CatalogLookup,
  type Digest,
  type DigestInput,
  type DigestLimits,
  type FailureItem,
} from "./model";

export interface DigestOperations {
  silences: readonly Silence[];
  acknowledgements: readonly Acknowledgement[];
}

const ackMark = (a: Acknowledgement): AckMark => ({
  by: a.by,
  since: a.at,
  ...(a.note ? { note: a.note } : {}),
  ...(a.ticketUrl ? { ticketUrl: a.ticketUrl } : {}),
});
const silenceMark = (s: Silence) => ({ reason: s.reason, by: s.updatedBy ?? s.createdBy, until: s.expiresAt });
const byName = (a: FailureItem, b: FailureItem) => a.clusterName.localeCompare(b.clusterName) || a.componentId.localeCompare(b.componentId);

/** A failure item as acknowledgements see it. */
function refOf(f: FailureItem): OpenFailureRef {
  return {
    componentId: f.componentId,
    clusterId: f.clusterId,
    catalogId: f.catalogId,
    ...(f.fingerprint ? { fingerprint: f.fingerprint } : {}),
    since: f.since,
  };
}

/** Builds the digest of `input` with the operators' silences and acknowledgements applied. */
export function composeWithOperations(input: DigestInput, ops: DigestOperations, lookup: CatalogLookup, limits: DigestLimits): Digest {
  const now = input.now;
  const tags = new Map(input.clusters.map((c) => [c.clusterId, c.tags]));
  const open = input.openFailures.filter((c) => isFailureState(c.state));
  const silencedBy = new Map<string, Silence>();
  const subjects = new Map<string, FailureSubject>();
  for (const c of open) {
    const subject = subjectOf(c, tags.get(c.clusterId));
    subjects.set(c.id, subject);
    const silence = silenceFor(ops.silences, subject, now);
    if (silence) silencedBy.set(c.id, silence);
  }
  const digest = composeDigest({ ...input, openFailures: input.openFailures.filter((c) => !silencedBy.has(c.id)) }, lookup, limits);
  const item = (id: string) =>
    toFailureItem(
      open.find((c) => c.id === id)!,
      now,
      lookup,
      limits,
    );
  const silenced = [...silencedBy].map(([id, s]) => ({ ...item(id), silenced: silenceMark(s) })).sort(byName);
  const hidden = [...silencedBy.keys()].map((id) => subjects.get(id)!);
  const recent = recentUnderSilence(ops.silences, hidden, now).map(({ silence, failure }) => ({
    ...item(failure.componentId),
    silenced: silenceMark(silence),
  }));

  // Acknowledged failures leave the news lists; an acknowledged incident stays, marked.
  const unsilenced = open.filter((c) => !silencedBy.has(c.id)).map((c) => ({ ...subjectOf(c) }));
  const incidents = digest.incidents.map((g) => {
    const ack = ackForIncident(ops.acknowledgements, g.key, unsilenced);
    return ack ? { ...g, acknowledged: ackMark(ack) } : g;
  });
  const acknowledged: FailureItem[] = [];
  const news = (list: FailureItem[]) =>
    list.filter((f) => {
      const ack = ackFor(ops.acknowledgements, refOf(f));
      if (ack) acknowledged.push({ ...f, acknowledged: ackMark(ack) });
      return !ack;
    });
  const newFailures = news(digest.newFailures);
  const stillFailing = news(digest.stillFailing);
  const keep = <T>(list: T[]) => list.slice(0, limits.maxItems);
  return {
    ...digest,
    totals: {
      ...digest.totals,
      newFailures: digest.totals.newFailures - (digest.newFailures.length - newFailures.length),
      stillFailing: digest.totals.stillFailing - (digest.stillFailing.length - stillFailing.length),
    },
    incidents,
    newFailures,
    stillFailing,
    operations: { acknowledged: keep(acknowledged.sort(byName)), silenced: keep(silenced), recentUnderSilence: keep(recent) },
  };
}
