/**
 * Continuation tokens: opaque to clients, but checked by us. A token records where the next page
 * starts and a digest of the query it belongs to, so a token replayed with other filters, edited or
 * truncated gets a 400 naming `continuationToken` instead of a wrong page.
 */
import { createHash } from "node:crypto";
import { badParameter } from "./errors";

export const TOKEN_PARAMETER = "continuationToken";

interface TokenBody {
  v: 1;
  /** Digest of the query (filters and sort) the token continues. */
  q: string;
  /** Position: an offset into the sorted result, or a store's own token. */
  p: number | string;
}

export function queryDigest(parts: Record<string, unknown>): string {
  const canonical = JSON.stringify(
    Object.keys(parts)
      .sort()
      .map((k) => [k, parts[k] ?? null]),
  );
  return createHash("sha256").update(canonical).digest("base64url").slice(0, 16);
}

export function encodeToken(query: string, position: number | string): string {
  const body: TokenBody = { v: 1, q: query, p: position };
  return Buffer.from(JSON.stringify(body)).toString("base64url");
}

/** The position a token carries; throws a 400 when it is malformed or belongs to another query. */
export function decodeToken(token: string, query: string): number | string {
  let body: Partial<TokenBody> | undefined;
  try {
    if (!/^[A-Za-z0-9_-]+$/.test(token)) throw new Error("not base64url");
    body = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as Partial<TokenBody>;
  } catch {
    throw badParameter(TOKEN_PARAMETER, "not a token this API issued", "InvalidContinuationToken");
  }
  const p = body?.p;
  const validPosition = (typeof p === "number" && Number.isInteger(p) && p >= 0) || (typeof p === "string" && p.length > 0);
  if (!body || body.v !== 1 || typeof body.q !== "string" || !validPosition)
    throw badParameter(TOKEN_PARAMETER, "not a token this API issued", "InvalidContinuationToken");
  if (body.q !== query)
    throw badParameter(TOKEN_PARAMETER, "the token belongs to a query with other filters; repeat the original query", "InvalidContinuationToken");
  return p as number | string;
}
