/** Paste an error, get the catalog entry, its cause and fix (POST /api/classify). */
import { useState } from "preact/hooks";
import { api } from "../api";
import { page } from "../paths";
import { html, Problem, Remedy as Fix } from "../ui";
import type { Remedy } from "./shared";

interface Classified {
  catalogId: string | null;
  confidence: number;
  fingerprint: string;
  entry: Remedy | null;
}

export function Classify() {
  const [result, setResult] = useState<{ data?: Classified; error?: unknown; busy?: boolean }>({});
  const submit = (e: Event) => {
    e.preventDefault();
    const message = String(new FormData(e.currentTarget as HTMLFormElement).get("message") ?? "");
    setResult({ busy: true });
    api<Classified>("classify", { method: "POST", body: { message } }).then(
      (data) => setResult({ data }),
      (error: unknown) => setResult({ error }),
    );
  };
  const d = result.data;
  return html`<h1>Classify an error</h1>
    <form onSubmit=${submit} class="classify">
      <label for="message">Error message (from az, kubectl, the portal or a Flux condition)</label>
      <textarea id="message" name="message" rows="6" required maxlength="32768"></textarea>
      <button type="submit" disabled=${result.busy}>Classify</button>
    </form>
    <div aria-live="polite">
      ${result.busy ? html`<p role="status">Classifying …</p>` : null} ${result.error !== undefined ? html`<${Problem} error=${result.error} />` : null}
      ${
        d
          ? d.entry
            ? html`<section class="result">
                <h2>${d.entry.title}</h2>
                <p class="meta">
                  <a href=${page(`catalog/${d.entry.id}`)}>${d.entry.id}</a> · ${d.entry.category} · severity ${d.entry.severity} · confidence
                  ${Math.round(d.confidence * 100)}%
                </p>
                <${Fix} entry=${d.entry} />
              </section>`
            : html`<section class="result">
                <h2>No catalog entry matched</h2>
                <p>
                  Fingerprint <code>${d.fingerprint}</code>: failures with the same fingerprint are grouped together on the
                  <a href=${page("failures", { catalogId: "unclassified" })}>failures page</a>.
                </p>
              </section>`
          : null
      }
    </div>`;
}
