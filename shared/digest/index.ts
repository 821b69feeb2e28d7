/**
 * The scheduled failure digest. `runDigestFromEnv` is the use case the timer, the `digest` command and
 * `start` call; `buildDigest` + `renderText` build and print one from a history without storing it;
 * `openDigestStore` serves `GET /api/digests` and `GET /api/digests/{id}`.
 */
export { buildDigest, type BuildDigestOptions } from "./build";
export { composeDigest, DEFAULT_LIMITS, type Digest, type DigestLimits, type FailureItem, type ProblemGroup, type RecoveryItem, type TopEntry } from "./model";
export { renderText } from "./render/text";
export { describeDelivery, runDigest, runDigestFromEnv, runScheduledDigest, type DeliveryResult, type RunDigestOptions, type RunDigestResult } from "./run";
export { DigestStoreError, openDigestStore, type DeliveryStatus, type DigestStore, type DigestSummary, type StoredDigest } from "./store";
export { DigestInputError, digestId, parseDuration, scheduledWindow, windowSince, type DigestWindow } from "./window";
