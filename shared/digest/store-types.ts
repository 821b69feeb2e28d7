/** What the digest store keeps and answers (implemented over Table storage in ./store.ts). */
import type { PagedList } from "../store/paging";
import type { StoreOperationOptions } from "../store/types";
import type { Digest, DigestTotals } from "./model";
import type { DigestWindow } from "./window";

export const DELIVERY_TARGETS = ["teams", "slack", "webhook", "email"] as const;
export type DeliveryTarget = (typeof DELIVERY_TARGETS)[number];

/**
 * `pending`: to be sent; `sending`: claimed by a run (until `leaseUntil`); `delivered`; `failed`: the
 * last attempt failed and the next run retries; `skipped`: nothing to say (FLEET_DIGEST_SKIP_EMPTY).
 */
export type DeliveryState = "pending" | "sending" | "delivered" | "failed" | "skipped";

export interface DeliveryStatus {
  target: DeliveryTarget;
  status: DeliveryState;
  attempts: number;
  lastAttemptAt?: string;
  deliveredAt?: string;
  /** HTTP status of the target's last answer, when there was one. */
  httpStatus?: number;
  error?: { code: string; message: string };
}

/** What `list` returns per digest: everything but the content. */
export interface DigestSummary {
  id: string;
  window: DigestWindow;
  generatedAt: string;
  quiet: boolean;
  totals: DigestTotals;
  /** Coverage problems (data that could not be read), in words. */
  gaps: string[];
  /** One per target a run was asked to send to; empty when the digest was only built. */
  deliveries: DeliveryStatus[];
}

export interface StoredDigest extends DigestSummary {
  digest: Digest;
}

/** A delivery this run may send; pass it back to `completeDelivery`. */
export interface DeliveryClaim {
  digestId: string;
  target: DeliveryTarget;
  attempts: number;
  etag: string;
}

export type DeliveryOutcome = { ok: true; httpStatus?: number } | { ok: false; httpStatus?: number; error: { code: string; message: string } };

export interface ClaimDeliveryOptions extends StoreOperationOptions {
  now?: Date;
  leaseMs?: number;
}

export interface CompleteDeliveryOptions extends StoreOperationOptions {
  now?: Date;
}

export interface UndeliveredOptions extends StoreOperationOptions {
  since: Date;
  now?: Date;
  /** At most this many (50 when absent). */
  limit?: number;
}

/** Every call takes an options bag with an `abortSignal`, passed to each table request. */
export interface DigestStore {
  /** Stored digests, newest window first, without their content; pages of 20 unless `byPage` names a `maxPageSize`. */
  list(options?: StoreOperationOptions): PagedList<DigestSummary>;
  /** One digest with its content and delivery status; `undefined` when not stored. Throws `InvalidDigestId` for text that is no digest id. */
  get(id: string, options?: StoreOperationOptions): Promise<StoredDigest | undefined>;
  /** Stores the digest unless one with its id exists; either way returns what is stored (the first content wins). */
  save(digest: Digest, options?: StoreOperationOptions): Promise<{ stored: StoredDigest; created: boolean }>;
  /** Adds a delivery row per target that has none yet. */
  addDeliveries(id: string, targets: readonly DeliveryTarget[], status: "pending" | "skipped", options?: StoreOperationOptions): Promise<void>;
  /** Claims a delivery unless it is delivered, skipped, or leased by another run. */
  claimDelivery(id: string, target: DeliveryTarget, options?: ClaimDeliveryOptions): Promise<DeliveryClaim | undefined>;
  /** Records the outcome; false when the lease was lost to another run meanwhile. */
  completeDelivery(claim: DeliveryClaim, outcome: DeliveryOutcome, options?: CompleteDeliveryOptions): Promise<boolean>;
  /** Deliveries not yet done (pending, failed, or with an expired lease) of digests whose window ended after `since`, newest first. */
  undelivered(options: UndeliveredOptions): Promise<Array<{ digestId: string; target: DeliveryTarget }>>;
}
