/** The digests' shapes (summaries, deliveries, the digest as sent); re-exported by ./schemas.ts. */
import { Type } from "@sinclair/typebox";
import { count, dateTime, named, oneOf, opt, page, str } from "./schema-kit";

const DeliveryStatus = Type.Object({
  target: oneOf(["teams", "slack", "webhook", "email"] as const),
  status: oneOf(["pending", "sending", "delivered", "failed", "skipped"] as const),
  attempts: count(),
  lastAttemptAt: opt(dateTime()),
  deliveredAt: opt(dateTime()),
  httpStatus: opt(Type.Integer()),
  error: opt(Type.Object({ code: str(), message: str() })),
});
const digestSummaryFields = {
  id: str("`<from>_<to>` of the window"),
  window: Type.Object({ from: dateTime(), to: dateTime() }),
  generatedAt: dateTime(),
  quiet: Type.Boolean(),
  totals: Type.Object({
    newFailures: count(),
    stillFailing: count(),
    recovered: count(),
    failingClusters: count(),
    incidents: count(),
    unclassified: count(),
    changes: count(),
  }),
  gaps: Type.Array(Type.String()),
  deliveries: Type.Array(DeliveryStatus),
};
export const DigestSummary = named("DigestSummary", Type.Object(digestSummaryFields));
export const Digest = named(
  "Digest",
  Type.Object({ ...digestSummaryFields, digest: Type.Object({}, { description: "The digest's content as sent; see docs/digest.md" }) }),
);

export const DigestPage = page(DigestSummary);
export const DigestEmail = named(
  "DigestEmail",
  Type.Object({
    id: str("The digest's id"),
    subject: str(),
    text: str("The plain-text part"),
    html: str("The HTML part, exactly as sent: no script, inline styles only"),
  }),
);
