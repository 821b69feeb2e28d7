/**
 * Acknowledging a fleet-wide incident where it is shown (the overview's incidents, a failures group):
 * "acknowledged by … since …" when it is, an Acknowledge disclosure when it is not. Only incidents keyed
 * by catalog entry or fingerprint can be acknowledged (the API's `incidentKey`).
 */
import { useState } from "preact/hooks";
import type { AcknowledgementBody } from "../shared/api/schemas";
import { api } from "./api";
import { act, AckFields, ackValues, Markers, OperatorForm } from "./operate";
import type { Incident } from "./pages/shared";
import { html, useLoad } from "./ui";

const ACKABLE = /^(catalog|fingerprint):/;

export function IncidentAck({ incident }: { incident: Pick<Incident, "key" | "title" | "acknowledged"> }) {
  const [made, setMade] = useState<AcknowledgementBody>();
  const acknowledged = made ? { id: made.id, by: made.by, since: made.at, note: made.note, ticketUrl: made.ticketUrl } : incident.acknowledged;
  if (acknowledged) return html`<${Markers} f=${{ acknowledged }} />`;
  if (!ACKABLE.test(incident.key)) return null;
  const acknowledge = (d: FormData) => act<AcknowledgementBody>("acknowledgements", { method: "POST", body: { incidentKey: incident.key, ...ackValues(d) } });
  const done = (ack: unknown) => {
    incidentsRead = undefined;
    setMade(ack as AcknowledgementBody);
  };
  return html`<details class="actions">
    <summary>Acknowledge this incident</summary>
    <${OperatorForm} label=${`Acknowledge the incident ${incident.title}`} submit="Acknowledge incident" run=${acknowledge} onDone=${done} what="incident">
      <p>For every cluster it is open on now; it ends when they all recover.</p>
      <${AckFields} idPrefix=${`incident-${incident.key.replace(/[^a-z0-9]/gi, "-")}`} />
    <//>
  </details>`;
}

/** One read of /api/incidents for all the groups of a page, read again after an acknowledgement or a minute. */
let incidentsRead: { at: number; items: Promise<Incident[]> } | undefined;
function incidents(): Promise<Incident[]> {
  if (!incidentsRead || Date.now() - incidentsRead.at > 60_000) {
    const items = api<{ items: Incident[] }>("incidents").then((d) => d.items);
    incidentsRead = { at: Date.now(), items };
    items.catch(() => (incidentsRead = undefined));
  }
  return incidentsRead.items;
}

/** For a failures group: when its problem is a fleet-wide incident, says so and offers to acknowledge it. */
export function GroupIncidentAck({ failure }: { failure: { catalogId: string | null; fingerprint?: string } }) {
  const key = failure.catalogId ? `catalog:${failure.catalogId}` : failure.fingerprint ? `fingerprint:${failure.fingerprint}` : undefined;
  const found = useLoad(`incident#${key}`, () => incidents().then((items) => items.find((i) => i.key === key)));
  const incident = found.data;
  if (!incident) return null;
  return html`<div class="incident">
    <p><strong>Fleet-wide incident</strong>: open on ${incident.clusterCount} clusters.</p>
    <${IncidentAck} incident=${incident} />
  </div>`;
}
