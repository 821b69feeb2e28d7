/**
 * The digest use case: build the digest of a window, store it (first content wins for a window), and
 * when asked, deliver it to every configured target that has not had it yet, then retry the failed
 * deliveries of earlier digests. Safe to run twice or concurrently for one window: each (digest,
 * target) is claimed in the store before it is sent.
 */
import { boolSetting, type Env, settingOrDefault } from "../core/config";
import { loadOperations } from "../operate";
import { fleetHistoryOptionsFromEnv, openFleetHistory } from "../store";
import { openOperationsStore } from "../store/operations";
import type { FleetHistory } from "../store/types";
import { buildDigest, type BuildDigestOptions } from "./build";
import { type DigestTarget, targetsFromEnv, type TargetsFromEnvOptions } from "./deliver/targets";
import type { Digest } from "./model";
import { type DeliveryTarget, type DigestStore, openDigestStore, type StoredDigest } from "./store";
import { type DigestWindow, scheduledWindow } from "./window";

export interface RunDigestOptions extends Omit<BuildDigestOptions, "history"> {
  history: FleetHistory;
  store: DigestStore;
  /** Deliver to `targets`; without it the digest is only built and stored. */
  send: boolean;
  targets: DigestTarget[];
  /** No message when the window was quiet (FLEET_DIGEST_SKIP_EMPTY); the deliveries are stored as skipped. */
  skipEmpty?: boolean;
  /** How far back failed deliveries of earlier digests are retried (default 7 days). */
  retryWindowMs?: number;
  log?: (line: string) => void;
  /** The run's deadline: deliveries not made by then are stored as failed and retried by the next run. */
  abortSignal?: AbortSignal;
}

export type DeliveryResult =
  | { digestId: string; target: DeliveryTarget; result: "delivered"; httpStatus?: number; attempts: number }
  | { digestId: string; target: DeliveryTarget; result: "failed"; httpStatus?: number; error: { code: string; message: string } }
  /** Already delivered or skipped, or another run holds it right now. */
  | { digestId: string; target: DeliveryTarget; result: "not-claimed" };

export interface RunDigestResult {
  /** The digest as stored (a repeated run for a window gets the first run's content). */
  stored: StoredDigest;
  created: boolean;
  deliveries: DeliveryResult[];
}

async function deliverOne(
  store: DigestStore,
  target: DigestTarget,
  digestId: string,
  content: () => Promise<Digest | undefined>,
  now: Date,
  abortSignal?: AbortSignal,
): Promise<DeliveryResult> {
  const claim = await store.claimDelivery(digestId, target.name, { now });
  if (!claim) return { digestId, target: target.name, result: "not-claimed" };
  try {
    const digest = await content();
    if (!digest) throw Object.assign(new Error(`digest ${digestId} is no longer stored`), { code: "DigestMissing" });
    const sent = await target.send(digest, { abortSignal });
    await store.completeDelivery(claim, { ok: true, ...(sent.httpStatus !== undefined ? { httpStatus: sent.httpStatus } : {}) });
    return {
      digestId,
      target: target.name,
      result: "delivered",
      attempts: sent.attempts,
      ...(sent.httpStatus !== undefined ? { httpStatus: sent.httpStatus } : {}),
    };
  } catch (err) {
    const e = err as { code?: string; message?: string; httpStatus?: number };
    const error = { code: e.code ?? "DeliveryFailed", message: e.message ?? String(err) };
    await store.completeDelivery(claim, { ok: false, error, ...(e.httpStatus !== undefined ? { httpStatus: e.httpStatus } : {}) });
    return { digestId, target: target.name, result: "failed", error, ...(e.httpStatus !== undefined ? { httpStatus: e.httpStatus } : {}) };
  }
}

/** One line per delivery, for logs and the command line. */
export function describeDelivery(d: DeliveryResult): string {
  const head = `digest ${d.digestId} -> ${d.target}:`;
  switch (d.result) {
    case "delivered":
      return `${head} delivered${d.httpStatus ? ` (HTTP ${d.httpStatus})` : ""}${d.attempts > 1 ? ` after ${d.attempts} attempts` : ""}`;
    case "failed":
      return `${head} FAILED [${d.error.code}] ${d.error.message} (retried on the next run)`;
    case "not-claimed":
      return `${head} not sent (already delivered or skipped, or another run is sending it)`;
  }
}

export async function runDigest(options: RunDigestOptions): Promise<RunDigestResult> {
  const { store, targets } = options;
  const now = options.now ?? new Date();
  const log = options.log ?? (() => undefined);
  const built = await buildDigest({ ...options, now });
  const { stored, created } = await store.save(built);
  log(`digest ${stored.id} ${created ? "stored" : "already stored; using the stored content"}`);
  if (!options.send || targets.length === 0) return { stored, created, deliveries: [] };

  const skip = options.skipEmpty === true && stored.digest.quiet;
  await store.addDeliveries(
    stored.id,
    targets.map((t) => t.name),
    skip ? "skipped" : "pending",
  );
  if (skip) log(`digest ${stored.id} is quiet and FLEET_DIGEST_SKIP_EMPTY is on: nothing sent`);

  const byName = new Map(targets.map((t) => [t.name, t]));
  const earlier = await store.undelivered({ since: new Date(now.getTime() - (options.retryWindowMs ?? 7 * 86_400_000)), now });
  const work = [...targets.map((t) => ({ digestId: stored.id, target: t.name })), ...earlier.filter((d) => d.digestId !== stored.id && byName.has(d.target))];
  const contents = new Map<string, Promise<Digest | undefined>>([[stored.id, Promise.resolve(stored.digest)]]);
  const content = (id: string) => () => {
    if (!contents.has(id))
      contents.set(
        id,
        store.get(id).then((s) => s?.digest),
      );
    return contents.get(id)!;
  };
  const deliveries = await Promise.all(work.map((w) => deliverOne(store, byName.get(w.target)!, w.digestId, content(w.digestId), now, options.abortSignal)));
  return { stored: (await store.get(stored.id)) ?? stored, created, deliveries };
}

export interface RunDigestFromEnvOptions {
  env: Env;
  send: boolean;
  /** The window; or `since` (ms before `now`, default 24 h). */
  window?: DigestWindow;
  since?: number;
  now?: Date;
  log?: (line: string) => void;
  /** The run's deadline (shared/core/deadline.ts). */
  abortSignal?: AbortSignal;
  /** Retry timing and the e-mail credential, for tests. */
  targetOptions?: TargetsFromEnvOptions;
}

/** The use case wired from the environment: Table storage, targets, FLEET_DIGEST_SKIP_EMPTY. */
export async function runDigestFromEnv(options: RunDigestFromEnvOptions): Promise<RunDigestResult> {
  const { env } = options;
  // Targets are read first so a misconfigured one fails before anything is built or stored.
  const targets = options.send ? targetsFromEnv(env, options.targetOptions) : [];
  const storeOptions = fleetHistoryOptionsFromEnv(env);
  const [history, store, operations] = await Promise.all([
    openFleetHistory(storeOptions),
    openDigestStore(storeOptions),
    openOperationsStore(storeOptions).then(loadOperations),
  ]);
  return runDigest({
    history,
    store,
    operations,
    send: options.send,
    targets,
    skipEmpty: boolSetting("digestSkipEmpty", env),
    ...(options.window ? { window: options.window } : {}),
    ...(options.since !== undefined ? { since: options.since } : {}),
    ...(options.now ? { now: options.now } : {}),
    ...(options.log ? { log: options.log } : {}),
    ...(options.abortSignal ? { abortSignal: options.abortSignal } : {}),
  });
}

/** What the digest timer runs: the schedule period that just ended, delivered to every configured target. */
export function runScheduledDigest(options: Omit<RunDigestFromEnvOptions, "send" | "window" | "since">): Promise<RunDigestResult> {
  const now = options.now ?? new Date();
  return runDigestFromEnv({ ...options, now, send: true, window: scheduledWindow(settingOrDefault("digestSchedule", options.env), now) });
}
