/**
 * How silences and acknowledgements show on failures: an open failure carries `silenced` (reason,
 * who, until) and `acknowledged` (by, since) markers wherever the API lists it.
 */
import { ackFor, ackForIncident, silenceFor, subjectOf, type Operations } from "../operate";
import type { Acknowledgement, Note } from "../store/operations";
import { collect } from "../store/paging";
import type { OpenFailureRef, FailureSubject } from "../operate";
import type { ComponentRecord } from "../store/types";
import type { FleetView } from "./fleet-view";
import type { ApiServices } from "./services";

export interface FailureMarkers {
  silenced?: { id: string; reason: string; by: string; until: string };
  acknowledged?: { id: string; by: string; since: string; note?: string; ticketUrl?: string };
}

/** The markers of one failure given the operations now. */
export function markersOf(ops: Operations, subject: FailureSubject & OpenFailureRef, now: Date): FailureMarkers {
  const silence = silenceFor(ops.silences, subject, now);
  const ack = ackFor(ops.acknowledgements, subject);
  return {
    ...(silence ? { silenced: { id: silence.id, reason: silence.reason, by: silence.updatedBy ?? silence.createdBy, until: silence.expiresAt } } : {}),
    ...(ack ? { acknowledged: ackMarker(ack) } : {}),
  };
}

function ackMarker(ack: Acknowledgement): NonNullable<FailureMarkers["acknowledged"]> {
  return { id: ack.id, by: ack.by, since: ack.at, ...(ack.note ? { note: ack.note } : {}), ...(ack.ticketUrl ? { ticketUrl: ack.ticketUrl } : {}) };
}

type ClusterTags = (clusterId: string) => Record<string, string> | undefined;

/**
 * A function adding the markers to a failure's view; one read of the operations per request. Silence
 * scopes match cluster tags: from `clusterTags` when the caller has them, else from the read model.
 */
export async function failureMarker(
  services: ApiServices,
  clusterTags?: ClusterTags,
): Promise<<T extends object>(view: T, c: ComponentRecord) => T & FailureMarkers> {
  const [ops, tagsOf] = await Promise.all([
    services.currentOperations(),
    clusterTags ??
      services.view().then(
        (fleet): ClusterTags =>
          (id) =>
            fleet.byId.get(id)?.tags,
      ),
  ]);
  const now = new Date();
  return (view, c) => ({ ...view, ...markersOf(ops, subjectOf(c, tagsOf(c.clusterId)), now) });
}

/** The view's open failures as silences and acknowledgements see them, computed once per view. */
const subjects = new WeakMap<FleetView, Array<ReturnType<typeof subjectOf> & { clusterName: string }>>();
export function openSubjects(view: FleetView): Array<ReturnType<typeof subjectOf> & { clusterName: string }> {
  let list = subjects.get(view);
  if (!list) subjects.set(view, (list = view.openFailures.map((c) => ({ ...subjectOf(c, view.byId.get(c.clusterId)?.tags), clusterName: c.clusterName }))));
  return list;
}

/** A function adding an incident's acknowledgement (of the incident itself) to its view. */
export async function incidentMarker(
  services: ApiServices,
  view: FleetView,
): Promise<<T extends { key: string }>(incident: T) => T & Pick<FailureMarkers, "acknowledged">> {
  const ops = await services.currentOperations();
  const open = openSubjects(view);
  return (incident) => {
    const ack = ackForIncident(ops.acknowledgements, incident.key, open);
    return { ...incident, ...(ack ? { acknowledged: ackMarker(ack) } : {}) };
  };
}

/** Operators' notes on one cluster in a window, oldest first like its transitions. */
export async function clusterNotes(services: ApiServices, clusterId: string, window: { from?: Date; to?: Date }): Promise<Note[]> {
  const from = window.from?.toISOString() ?? "";
  const to = window.to?.toISOString() ?? "~";
  return (await collect(services.operations.list("note")))
    .filter((n) => n.clusterId === clusterId && n.at >= from && n.at <= to)
    .map(({ etag: _e, ...note }) => note)
    .sort((a, b) => a.at.localeCompare(b.at) || a.id.localeCompare(b.id));
}
