/**
 * Silences: what each keeps quiet, why, who set it, until when, the open failures it covers and the
 * failures that began under it in its last day (regressions hide there). Delete sends the listed
 * version in If-Match; if someone else changed it first (412), the list is read again.
 */
import { useState } from "preact/hooks";
import { api, ApiProblem } from "../api";
import { act } from "../operate";
import { clusterPage, page } from "../paths";
import { html, Loaded, n, useLoad, when } from "../ui";

interface Silence {
  id: string;
  catalogId?: string;
  fingerprint?: string;
  scope: Record<string, string>;
  reason: string;
  createdBy: string;
  updatedBy?: string;
  expiresAt: string;
  status: "active" | "expired";
  matchingFailures: number;
  recentMatches: Array<{ componentId: string; clusterId: string; clusterName?: string; since: string }>;
  etag: string;
}

export function Silences() {
  const [version, setVersion] = useState(0);
  const [message, setMessage] = useState<string>();
  const list = useLoad(`silences#${version}`, (signal) => api<{ items: Silence[] }>("silences", { signal }));
  const remove = async (s: Silence) => {
    try {
      await act(`silences/${encodeURIComponent(s.id)}`, { method: "DELETE", etag: s.etag });
      setMessage(`Silence of ${s.catalogId ?? s.fingerprint} deleted.`);
    } catch (err) {
      setMessage(
        err instanceof ApiProblem && err.kind === "conflict"
          ? "Someone else changed this silence in the meantime; the list was read again. Check it and delete again if still wanted."
          : err instanceof ApiProblem
            ? err.message
            : String(err),
      );
    }
    setVersion(version + 1);
  };
  return html`<h1>Silences</h1>
    <p>
      A silenced failure is still recorded and shown, marked silenced; digests leave it out of the headlines until the silence expires. Silence a problem from
      the <a href=${page("failures")}>failures</a> or a cluster page.
    </p>
    ${message ? html`<p role="alert">${message}</p>` : null}
    <${Loaded} state=${list} label="silences"
      >${(d: { items: Silence[] }) =>
        d.items.length
          ? html`<table>
              <caption>
                Silences, as the API lists them
              </caption>
              <thead>
                <tr>
                  <th scope="col">Problem</th>
                  <th scope="col">Only on</th>
                  <th scope="col">Reason</th>
                  <th scope="col">By</th>
                  <th scope="col">Expires</th>
                  <th scope="col">Open failures covered</th>
                  <th scope="col">Began in its last day</th>
                  <th scope="col">Action</th>
                </tr>
              </thead>
              <tbody>
                ${d.items.map(
                  (s) =>
                    html`<tr>
                      <td>${s.catalogId ? html`<a href=${page(`catalog/${s.catalogId}`)}>${s.catalogId}</a>` : `fingerprint ${s.fingerprint}`}</td>
                      <td>
                        ${Object.keys(s.scope).length ? Object.entries(s.scope).map(([k, v], i) => html`${i ? ", " : ""}${k === "clusterId" ? html`cluster <a href=${clusterPage(v)}>${v.split("/").at(-1)}</a>` : `${k} ${v}`}`) : "whole fleet"}
                      </td>
                      <td>${s.reason}</td>
                      <td>${s.updatedBy ?? s.createdBy}</td>
                      <td>${when(s.expiresAt)}${s.status === "expired" ? " (expired)" : ""}</td>
                      <td>${n(s.matchingFailures)}</td>
                      <td>
                        ${
                          s.recentMatches.length
                            ? html`<ul>
                                ${s.recentMatches.map((m) => html`<li><a href=${clusterPage(m.clusterId)}>${m.clusterName ?? m.clusterId}</a> since ${when(m.since)}</li>`)}
                              </ul>`
                            : "none"
                        }
                      </td>
                      <td>
                        <button type="button" onClick=${() => remove(s)} aria-label=${`Delete silence of ${s.catalogId ?? s.fingerprint}`}>Delete</button>
                      </td>
                    </tr>`,
                )}
              </tbody>
            </table>`
          : html`<p>No silences.</p>`}<//
    >`;
}
