/** Building blocks every page uses: markup, data loading with honest errors, states by icon and text. */
import { h, type ComponentChildren } from "preact";
import { useEffect, useState } from "preact/hooks";
import htm from "htm";
import type { HealthState } from "../shared/core/model";
import { ApiProblem, storeKey } from "./api";
import { page } from "./paths";

export const html = htm.bind(h);

/** Worst first, as the pages list them (the API's HEALTH_STATES, reversed; types only cross over). */
export const STATES = ["failing", "unknown", "degraded", "pending", "healthy"] as const satisfies readonly HealthState[];

/** State as an icon and a word, so it never rests on colour alone. */
const STATE_ICONS: Record<HealthState, string> = { healthy: "✔", pending: "…", degraded: "▲", unknown: "?", failing: "✖" };

export function State({ state }: { state: HealthState | "deleted" }) {
  return html`<span class=${`state state-${state}`}><span aria-hidden="true">${STATE_ICONS[state as HealthState] ?? "·"} </span>${state}</span>`;
}

export const n = (value: number) => value.toLocaleString("en-US");

/** `2026-12-03 11:48 UTC` */
export function when(iso: string | null | undefined): string {
  return iso ? `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC` : "never";
}

/** Largest two units of a span: `3d 4h`, `5h 2m`, `40s`. */
export function span(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return "not yet";
  const parts: string[] = [];
  let rest = Math.round(ms / 1000);
  for (const [unit, size] of [
    ["d", 86400],
    ["h", 3600],
    ["m", 60],
    ["s", 1],
  ] as const) {
    if (rest >= size || (unit === "s" && parts.length === 0)) parts.push(`${Math.floor(rest / size)}${unit}`);
    rest %= size;
  }
  return parts.slice(0, 2).join(" ");
}

export type Loaded<T> = { data?: T; error?: unknown; loading: boolean };

/** Loads once per key; aborts when the page changes so a late answer never lands on the wrong page. */
export function useLoad<T>(key: string, load: (signal: AbortSignal) => Promise<T>): Loaded<T> {
  const [state, setState] = useState<Loaded<T>>({ loading: true });
  useEffect(() => {
    const abort = new AbortController();
    setState({ loading: true });
    load(abort.signal).then(
      (data) => !abort.signal.aborted && setState({ data, loading: false }),
      (error: unknown) => !abort.signal.aborted && setState({ error, loading: false }),
    );
    return () => abort.abort();
  }, [key]);
  return state;
}

/** A key form when the API wants one, a plain sentence for anything else; never a blank page. */
export function Problem({ error }: { error: unknown }) {
  if (error instanceof ApiProblem && error.kind === "key") return html`<p>${error.message}</p>`;
  if (error instanceof ApiProblem && error.kind === "notFound") return html`<${NotFound} detail=${error.message} />`;
  const message = error instanceof ApiProblem ? error.message : `Something went wrong in the dashboard: ${(error as Error)?.message ?? String(error)}`;
  return html`<div class="problem" role="alert">
    <h2>${error instanceof ApiProblem && error.kind === "down" ? "The API is not answering" : "The request failed"}</h2>
    <p>${message}</p>
  </div>`;
}

export function KeyForm({ message }: { message: string }) {
  const submit = (e: Event) => {
    e.preventDefault();
    const input = (e.currentTarget as HTMLFormElement).elements.namedItem("key") as HTMLInputElement;
    storeKey(input.value);
    location.reload();
  };
  return html`<form class="problem keyform" onSubmit=${submit} aria-labelledby="key-title">
    <h1 id="key-title">API key needed</h1>
    <p>${message} It is kept in this browser tab only (sessionStorage) and sent in the x-functions-key header, never in a link.</p>
    <label for="key">API key (FLEET_API_KEY)</label>
    <input id="key" name="key" type="password" autocomplete="off" required />
    <button type="submit">Use this key</button>
  </form>`;
}

export function NotFound({ detail }: { detail?: string }) {
  return html`<section class="problem" role="alert">
    <h1>Page not found</h1>
    <p>${detail ?? `There is no dashboard page at ${location.pathname}.`}</p>
    <p>Start from the <a href=${page("")}>fleet overview</a>, the <a href=${page("failures")}>failures</a> or the <a href=${page("catalog")}>catalog</a>.</p>
  </section>`;
}

/** Renders `body(data)` once loaded; a status line while loading; the problem otherwise. */
export function Loaded<T>({ state, label, children }: { state: Loaded<T>; label: string; children: (data: T) => ComponentChildren }) {
  if (state.loading) return html`<p class="loading" role="status">Loading ${label} …</p>`;
  if (state.error !== undefined) return html`<${Problem} error=${state.error} />`;
  return html`${children(state.data as T)}`;
}

export function CopyButton({ text }: { text: string }) {
  const [done, setDone] = useState(false);
  const copy = () =>
    navigator.clipboard?.writeText(text).then(
      () => setDone(true),
      () => setDone(false),
    );
  return html`<button type="button" class="copy" onClick=${copy} aria-label="Copy command">${done ? "Copied" : "Copy"}</button>`;
}

function hostOf(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return url;
  }
}

/** A catalog entry's fix: cause, steps with their exact commands, the Learn link. */
export function Remedy({ entry }: { entry: { id: string; cause: string; steps: Array<{ text: string; command?: string }>; docUrl: string } }) {
  return html`<div class="remedy">
    <p><strong>Cause:</strong> ${entry.cause}</p>
    <ol class="steps">
      ${entry.steps.map(
        (s) =>
          html`<li>
            <p>${s.text}</p>
            ${
              s.command
                ? html`<div class="cmd">
                    <pre tabindex="0"><code>${s.command}</code></pre>
                    <${CopyButton} text=${s.command} />
                  </div>`
                : null
            }
          </li>`,
      )}
    </ol>
    <p><a href=${entry.docUrl} rel="noopener noreferrer" target="_blank">Documentation for ${entry.id} (${hostOf(entry.docUrl)})</a></p>
  </div>`;
}

/** A data table as every list shows one: a caption saying what it lists and column headers with their scope. */
export function Table({ caption, columns, children }: { caption: ComponentChildren; columns: string[]; children: ComponentChildren }) {
  return html`<table>
    <caption>
      ${caption}
    </caption>
    <thead>
      <tr>
        ${columns.map((c) => html`<th scope="col">${c}</th>`)}
      </tr>
    </thead>
    <tbody>
      ${children}
    </tbody>
  </table>`;
}
