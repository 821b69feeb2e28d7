/**
 * Building blocks of a judgement: each signal read from Azure gives a verdict (state, reason,
 * message, evidence); a component's condition is the worst of its verdicts.
 */
import type { Condition, Evidence, HealthState } from "../core/model";
import { HEALTH_STATES, worstState } from "../core/model";
import { intern, internShared } from "./intern";
import type { Prop } from "./properties";

export type Verdict = Condition;

/** Condition messages are one readable line; evidence keeps the full text. */
const MESSAGE_LIMIT = 2000;

export function oneLine(text: string): string {
  const head = text.length > MESSAGE_LIMIT * 2 ? text.slice(0, MESSAGE_LIMIT * 2) : text;
  const line = head.replace(/\s+/g, " ").trim();
  return line.length > MESSAGE_LIMIT ? `${line.slice(0, MESSAGE_LIMIT - 1)}…` : line;
}

export function evidenceOf(prop: Prop, code?: string): Evidence {
  const value = prop.present ? (prop.text() ?? JSON.stringify(prop.value)) : "<missing>";
  const make = (): Evidence =>
    code ? { field: intern(prop.path), value: intern(value), code: intern(code) } : { field: intern(prop.path), value: intern(value) };
  // `properties.ProvisioningState = Succeeded` is the same on 50,000 extensions: share it (evidence is never mutated).
  return value.length <= 64 ? internShared(`e\u0000${prop.path}\u0000${value}\u0000${code ?? ""}`, make) : make();
}

export function verdict(state: HealthState, reason: string, message: string, evidence: Evidence[]): Verdict {
  return { state, reason, message: intern(oneLine(message)), evidence };
}

/** The property is missing (or null): never healthy. */
export function missing(prop: Prop): Verdict {
  return verdict("unknown", "MissingProperty", `${prop.path} is missing`, [evidenceOf(prop)]);
}

export interface EnumOutcome {
  state: HealthState;
  reason: string;
}

/**
 * Judges an enum-valued property through a table keyed by lower-cased value. Missing values and
 * values the table does not know are `unknown`: Azure adds enum values over time (Arc's
 * `AgentNotInstalled`), and an unread value must never pass as healthy.
 */
export function judgeEnum(prop: Prop, table: Record<string, EnumOutcome>, describe: (value: string) => string = (v) => `${prop.path} is ${v}`): Verdict {
  if (!prop.present) return missing(prop);
  const value = prop.text();
  const outcome = value === undefined ? undefined : table[value.trim().toLowerCase()];
  if (!outcome)
    return verdict("unknown", "UnknownValue", `${prop.path} has a value this service does not know: ${value ?? JSON.stringify(prop.value)}`, [
      evidenceOf(prop),
    ]);
  return verdict(outcome.state, outcome.reason, describe(value!), [evidenceOf(prop)]);
}

/**
 * The worst verdict decides state, reason and message; evidence lists every unhealthy verdict's
 * evidence (worst first), or every verdict's when all are healthy, so a healthy judgement still
 * shows what it rests on.
 */
export function combine(verdicts: Verdict[]): Condition {
  const state = worstState(verdicts.map((v) => v.state));
  if (state === "healthy") {
    const first = verdicts[0] ?? verdict("unknown", "NoData", "nothing was read", []);
    const evidence = evidenceOfAll(verdicts);
    // Healthy evidence repeats across the fleet; its array is shared, never pushed to (only unhealthy evidence is extended).
    const key = evidence.map((e) => `${e.field}\u0000${e.value}\u0000${e.code ?? ""}`).join("\u0001");
    return { state: first.state, reason: first.reason, message: first.message, evidence: internShared(`a\u0000${key}`, () => evidence) };
  }
  const unhealthy = verdicts.filter((v) => v.state !== "healthy").sort((a, b) => rank(b.state) - rank(a.state));
  const lead = unhealthy[0];
  return { state, reason: lead.reason, message: lead.message, evidence: evidenceOfAll(unhealthy) };
}

/** `concat` sizes the array exactly; a pushed-to array keeps spare capacity, which adds up over a fleet. */
function evidenceOfAll(verdicts: Verdict[]): Evidence[] {
  return ([] as Evidence[]).concat(...verdicts.map((v) => v.evidence));
}

function rank(state: HealthState): number {
  return HEALTH_STATES.indexOf(state);
}
