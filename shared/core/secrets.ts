import { timingSafeEqual } from "node:crypto";

/** Whether a presented key equals the expected one, compared in constant time (no timing hint about its prefix). */
export function keyMatches(given: string | null | undefined, expected: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
