/**
 * Acknowledgements ("we are on it") and notes on a cluster's timeline. An acknowledgement of one
 * failure holds while that failure episode is open; of a fleet-wide incident, while any failure of
 * the incident that began before the acknowledgement is still open. So it ends by itself when the
 * failure resolves, and a later recurrence is news again. Pure, like silence.ts.
 */
import type { Acknowledgement, AckTarget, Note } from "../store/operations";
import { clusterIdField, componentIdField, objectOf, OperateInputError, text, urlField, type Json } from "./input";

export const NOTE_MAX = 2000;

/** An open failure as acknowledgements see it. */
export interface OpenFailureRef {
  componentId: string;
  clusterId: string;
  catalogId: string | null;
  fingerprint?: string;
  /** When the failure episode began. */
  since: string;
}

/** The incident key of a failure, as /api/incidents and the digest group them; none without catalog id or fingerprint. */
export function incidentKeyOf(failure: Pick<OpenFailureRef, "catalogId" | "fingerprint">): string | undefined {
  if (failure.catalogId) return `catalog:${failure.catalogId}`;
  return failure.fingerprint ? `fingerprint:${failure.fingerprint}` : undefined;
}

function targetOf(body: Json): AckTarget {
  const clusterId = clusterIdField(body, "clusterId");
  const incidentKey = text(body, "incidentKey", 320, { pattern: /^(catalog|fingerprint):.+$/s });
  if (!clusterId === !incidentKey)
    throw new OperateInputError(
      clusterId ? "incidentKey" : "clusterId",
      "give either clusterId and componentId (one open failure) or incidentKey (a fleet-wide incident)",
    );
  if (incidentKey) {
    if (body.componentId !== undefined) throw new OperateInputError("componentId", "belongs to a failure, not an incident");
    return { kind: "incident", key: incidentKey };
  }
  return { kind: "failure", clusterId: clusterId!, componentId: componentIdField(body, "componentId", clusterId!) };
}

const ACK_FIELDS = ["clusterId", "componentId", "incidentKey", "note", "ticketUrl"];

/** A new acknowledgement; the target must be open now (`isOpen`), or there is nothing to acknowledge. */
export function newAcknowledgement(body: unknown, who: { id: string; by: string; now: Date }, isOpen: (target: AckTarget) => boolean): Acknowledgement {
  const input = objectOf(body, ACK_FIELDS);
  const target = targetOf(input);
  if (!isOpen(target))
    throw new OperateInputError(
      target.kind === "failure" ? "componentId" : "incidentKey",
      target.kind === "failure" ? "no open failure of this component in the latest sweep" : "no open failure with this incident key in the latest sweep",
    );
  const note = text(input, "note", NOTE_MAX);
  const ticketUrl = urlField(input, "ticketUrl");
  return { id: who.id, target, by: who.by, at: who.now.toISOString(), ...(note ? { note } : {}), ...(ticketUrl ? { ticketUrl } : {}) };
}

/** Only the note and the ticket link change; `null` clears one. The target and the time stay. */
export function changedAcknowledgement(stored: Acknowledgement, body: unknown, who: { by: string; now: Date }): Acknowledgement {
  const input = objectOf(body, ["note", "ticketUrl"]);
  const { note: oldNote, ticketUrl: oldUrl, ...rest } = stored;
  const note = input.note === null ? undefined : input.note === undefined ? oldNote : text(input, "note", NOTE_MAX);
  const ticketUrl = input.ticketUrl === null ? undefined : input.ticketUrl === undefined ? oldUrl : urlField(input, "ticketUrl");
  return { ...rest, ...(note ? { note } : {}), ...(ticketUrl ? { ticketUrl } : {}), updatedBy: who.by, updatedAt: who.now.toISOString() };
}

/** The failure episode (or an incident member) began no later than the acknowledgement. */
function covers(ack: Acknowledgement, failure: OpenFailureRef): boolean {
  if (failure.since > ack.at) return false;
  return ack.target.kind === "failure" ? ack.target.componentId === failure.componentId : ack.target.key === incidentKeyOf(failure);
}

/** Still in force: something it covers is open. */
export function isAckActive(ack: Acknowledgement, open: readonly OpenFailureRef[]): boolean {
  return open.some((f) => covers(ack, f));
}

/** The acknowledgement in force for one open failure (its own first, then its incident's), earliest first. */
export function ackFor(acks: readonly Acknowledgement[], failure: OpenFailureRef): Acknowledgement | undefined {
  const matching = acks.filter((a) => covers(a, failure));
  return matching.find((a) => a.target.kind === "failure") ?? matching.sort((a, b) => a.at.localeCompare(b.at))[0];
}

/** The acknowledgement in force for an incident: one of the incident itself that an open member is covered by. */
export function ackForIncident(acks: readonly Acknowledgement[], key: string, members: readonly OpenFailureRef[]): Acknowledgement | undefined {
  return acks.filter((a) => a.target.kind === "incident" && a.target.key === key && isAckActive(a, members)).sort((a, b) => a.at.localeCompare(b.at))[0];
}

const NOTE_FIELDS = ["clusterId", "componentId", "text"];

export function newNote(body: unknown, who: { id: string; by: string; now: Date }): Note {
  const input = objectOf(body, NOTE_FIELDS);
  const clusterId = clusterIdField(input, "clusterId", { required: true })!;
  const componentId = input.componentId === undefined ? undefined : componentIdField(input, "componentId", clusterId);
  return {
    id: who.id,
    clusterId,
    by: who.by,
    at: who.now.toISOString(),
    text: text(input, "text", NOTE_MAX, { required: true })!,
    ...(componentId ? { componentId } : {}),
  };
}
