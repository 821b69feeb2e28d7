/**
 * The dashboard's one way to the API: same origin, the key (local host with FLEET_API_KEY) from
 * sessionStorage in the x-functions-key header, never in a URL. Failures become typed errors the
 * pages turn into plain sentences.
 */
import { API_BASE } from "./paths";

const KEY_STORAGE = "fleet-health.api-key";
/** Window event: a request was refused for want of the right key. */
export const NEEDS_KEY = "fleet-health:needs-key";

export class ApiProblem extends Error {
  constructor(
    readonly kind: "down" | "key" | "operator" | "conflict" | "notFound" | "server" | "badRequest",
    message: string,
    readonly status?: number,
    /** The request field the API named as at fault (400), e.g. `expiresAt` or `scope.tag`. */
    readonly parameter?: string,
  ) {
    super(message);
  }
}

export function storedKey(): string | null {
  return sessionStorage.getItem(KEY_STORAGE);
}

export function storeKey(key: string): void {
  sessionStorage.setItem(KEY_STORAGE, key.trim());
}

export function forgetKey(): void {
  sessionStorage.removeItem(KEY_STORAGE);
}

/** GET (or another method, with a body and extra headers) `/api/<path>`, parsed JSON; throws ApiProblem on anything else. */
export async function api<T>(
  path: string,
  init: { method?: "GET" | "POST" | "PATCH" | "DELETE"; body?: unknown; headers?: Record<string, string>; signal?: AbortSignal } = {},
): Promise<T> {
  const headers: Record<string, string> = { accept: "application/json", ...init.headers };
  const key = storedKey();
  if (key) headers["x-functions-key"] = key;
  if (init.body !== undefined) headers["content-type"] = "application/json";
  let res: Response;
  try {
    res = await fetch(`${API_BASE}/${path}`, {
      method: init.method ?? "GET",
      headers,
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      signal: init.signal,
    });
  } catch (err) {
    if ((err as Error).name === "AbortError") throw err;
    throw new ApiProblem(
      "down",
      `The fleet-health API at ${location.origin}${API_BASE} could not be reached. Check that the host is running, then reload this page.`,
    );
  }
  if (res.ok) return (await res.json()) as T;
  const body = (await res.json().catch(() => undefined)) as { error?: { message?: string; parameter?: string } } | undefined;
  const detail = body?.error?.message;
  // The API's own 403 (with a message) is about the operator role; the platform's refusal of the key has none.
  if (res.status === 403 && detail) throw new ApiProblem("operator", detail, 403);
  if (res.status === 412) throw new ApiProblem("conflict", detail ?? "Someone else changed this in the meantime.", 412);
  if (res.status === 401 || res.status === 403) {
    // One key form for the whole page (main.ts listens), however many requests were refused.
    dispatchEvent(new Event(NEEDS_KEY));
    throw new ApiProblem("key", key ? "The API refused the key. Enter the right key." : "The API needs a key.", res.status);
  }
  if (res.status === 404) throw new ApiProblem("notFound", detail ?? "Not found.", 404);
  if (res.status >= 500 || !detail)
    throw new ApiProblem("server", `The API answered ${res.status}${detail ? `: ${detail}` : ""}. Try again shortly.`, res.status);
  throw new ApiProblem("badRequest", detail, res.status, body?.error?.parameter);
}

/** Every page of a paged list, up to `maxItems`, and whether more were left. */
export async function apiPages<T>(path: string, maxItems: number, signal?: AbortSignal): Promise<{ items: T[]; more: boolean }> {
  const items: T[] = [];
  let token: string | undefined;
  do {
    const sep = path.includes("?") ? "&" : "?";
    const page = await api<{ items: T[]; continuationToken?: string }>(token ? `${path}${sep}continuationToken=${encodeURIComponent(token)}` : path, {
      signal,
    });
    items.push(...page.items);
    token = page.continuationToken;
  } while (token && items.length < maxItems);
  return { items, more: Boolean(token) };
}
