import { createHash } from "node:crypto";

/** A small seeded PRNG (mulberry32): the same seed always gives the same fleet and the same faults. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A fake git commit SHA for a label. */
export function commitSha(label: string): string {
  return createHash("sha1").update(label).digest("hex");
}

/** A deterministic version-4-shaped GUID from any label. */
export function guidFrom(label: string): string {
  const h = createHash("sha256").update(label).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** A stable 32-bit hash of a string (FNV-1a), for per-id choices that must not depend on order. */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export function pick<T>(items: readonly T[], n: number): T {
  return items[n % items.length];
}
