import { describe, expect, it } from "vitest";
import {
  ackFor,
  ackForIncident,
  changedAcknowledgement,
  incidentKeyOf,
  isAckActive,
  newAcknowledgement,
  newNote,
  type OpenFailureRef,
} from "../../shared/operate";
import { fieldOf } from "./support";
import type { Acknowledgement } from "../../shared/store/operations";

const CLUSTER = "/subscriptions/00000000-0000-0000-0000-00000000000a/resourcegroups/rg/providers/microsoft.kubernetes/connectedclusters/alpha";
const FLUX = `${CLUSTER}/providers/microsoft.kubernetesconfiguration/extensions/flux`;
const NOW = new Date("2026-12-01T12:00:00.000Z");
const open = (over: Partial<OpenFailureRef> = {}): OpenFailureRef => ({
  componentId: FLUX,
  clusterId: CLUSTER,
  catalogId: "flux-extension-install",
  since: "2026-12-01T10:00:00.000Z",
  ...over,
});
const ack = (over: Partial<Acknowledgement> = {}): Acknowledgement => ({
  id: "a",
  target: { kind: "failure", clusterId: CLUSTER, componentId: FLUX },
  by: "ann",
  at: "2026-12-01T11:00:00.000Z",
  ...over,
});
const who = { id: "a", by: "ann", now: NOW };

describe("acknowledgements", () => {
  it("holds while the acknowledged episode is open; a new episode after it is news again", () => {
    const a = ack();
    expect(isAckActive(a, [open()])).toBe(true);
    expect(isAckActive(a, [open({ since: a.at })])).toBe(true);
    expect(isAckActive(a, [open({ since: "2026-12-01T11:00:00.001Z" })])).toBe(false);
    expect(isAckActive(a, [])).toBe(false);
    expect(ackFor([a], open())).toBe(a);
    expect(ackFor([a], open({ componentId: `${CLUSTER}/providers/microsoft.kubernetesconfiguration/extensions/other` }))).toBeUndefined();
  });

  it("of an incident, holds while a failure of the incident that began before it is open; the failure's own wins", () => {
    const incident = ack({ id: "i", target: { kind: "incident", key: "catalog:flux-extension-install" }, at: "2026-12-01T10:30:00.000Z" });
    const own = ack();
    expect(ackFor([incident, own], open())?.id).toBe("a");
    expect(ackFor([incident], open())?.id).toBe("i");
    expect(ackFor([incident], open({ catalogId: "helm-timeout-ready" }))).toBeUndefined();
    expect(ackForIncident([incident], "catalog:flux-extension-install", [open()])?.id).toBe("i");
    expect(ackForIncident([incident], "catalog:flux-extension-install", [open({ since: "2026-12-01T11:00:00.000Z" })])).toBeUndefined();
    expect(incidentKeyOf({ catalogId: null, fingerprint: "fp" })).toBe("fingerprint:fp");
    expect(incidentKeyOf({ catalogId: null })).toBeUndefined();
  });

  it("is made only for something open, with a clear field when not", () => {
    const isOpen = () => true;
    expect(newAcknowledgement({ clusterId: CLUSTER.toUpperCase(), componentId: FLUX, note: " on it ", ticketUrl: "https://t.example/1" }, who, isOpen)).toEqual(
      {
        id: "a",
        target: { kind: "failure", clusterId: CLUSTER, componentId: FLUX },
        by: "ann",
        at: NOW.toISOString(),
        note: "on it",
        ticketUrl: "https://t.example/1",
      },
    );
    expect(newAcknowledgement({ incidentKey: "fingerprint:x <n>" }, who, isOpen).target).toEqual({ kind: "incident", key: "fingerprint:x <n>" });
    expect(fieldOf(() => newAcknowledgement({ clusterId: CLUSTER, componentId: FLUX }, who, () => false))).toBe("componentId");
    expect(fieldOf(() => newAcknowledgement({ incidentKey: "catalog:x" }, who, () => false))).toBe("incidentKey");
    expect(fieldOf(() => newAcknowledgement({}, who, isOpen))).toBe("clusterId");
    expect(fieldOf(() => newAcknowledgement({ clusterId: CLUSTER, incidentKey: "catalog:x" }, who, isOpen))).toBe("incidentKey");
    expect(fieldOf(() => newAcknowledgement({ incidentKey: "other:x" }, who, isOpen))).toBe("incidentKey");
    expect(fieldOf(() => newAcknowledgement({ clusterId: CLUSTER, componentId: FLUX, ticketUrl: "javascript:alert(1)" }, who, isOpen))).toBe("ticketUrl");
    expect(fieldOf(() => newAcknowledgement({ clusterId: CLUSTER, componentId: FLUX, note: "x".repeat(2001) }, who, isOpen))).toBe("note");
  });

  it("changes only the note and the ticket link; null clears", () => {
    const a = ack({ note: "n", ticketUrl: "https://t.example/1" });
    expect(changedAcknowledgement(a, { note: null }, { by: "bob", now: NOW })).toEqual({
      ...ack(),
      ticketUrl: "https://t.example/1",
      updatedBy: "bob",
      updatedAt: NOW.toISOString(),
    });
    expect(fieldOf(() => changedAcknowledgement(a, { by: "mallory" }, { by: "bob", now: NOW }))).toBe("by");
  });
});

describe("notes", () => {
  it("belong to a cluster and optionally one of its components", () => {
    expect(newNote({ clusterId: CLUSTER, componentId: FLUX, text: "restarted" }, who)).toEqual({
      id: "a",
      clusterId: CLUSTER,
      componentId: FLUX,
      by: "ann",
      at: NOW.toISOString(),
      text: "restarted",
    });
    expect(fieldOf(() => newNote({ clusterId: CLUSTER, componentId: "/subscriptions/x", text: "t" }, who))).toBe("componentId");
    expect(fieldOf(() => newNote({ clusterId: CLUSTER }, who))).toBe("text");
  });
});
