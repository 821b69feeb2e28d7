/**
 * A stored digest as a page: what the Teams, Slack or e-mail message summarised, with every item
 * linked; and the e-mail itself, as the e-mail target renders it, in a sandboxed frame.
 */
import type { Static } from "@sinclair/typebox";
import type { DigestEmail as DigestEmailSchema } from "../../shared/api/schemas";
import type { Digest, FailureItem } from "../../shared/digest/model";
import { api } from "../api";
import { clusterPage, page } from "../paths";
import { html, Table, Loaded, n, span, State, useLoad, when } from "../ui";

function FailureTable({ caption, items }: { caption: string; items: FailureItem[] }) {
  if (!items.length) return null;
  return html`<${Table} caption=${`${caption}`} columns=${["Cluster", "Component", "Problem", "State", "Since"]}>
      ${items.map(
        (f) =>
          html`<tr>
            <td><a href=${clusterPage(f.clusterId)}>${f.clusterName}</a></td>
            <td>${f.componentName}</td>
            <td>${f.catalogId ? html`<a href=${page(`catalog/${f.catalogId}`)}>${f.title}</a>` : `unclassified: ${f.title}`}</td>
            <td><${State} state=${f.state} /></td>
            <td>${when(f.since)}</td>
          </tr>`,
      )}
    </${Table}>`;
}

export function DigestPage({ id }: { id: string }) {
  const stored = useLoad(`digest:${id}`, (signal) => api<{ digest: Digest }>(`digests/${encodeURIComponent(id)}`, { signal }));
  return html`<${Loaded} state=${stored} label="the digest"
    >${({ digest: d }: { digest: Digest }) =>
      html` <h1>Digest ${when(d.window.from)} to ${when(d.window.to)}</h1>
        ${d.coverage.gaps.map((g) => html`<p class="warn" role="alert"><span aria-hidden="true">⚠ </span>${g}</p>`)}
        <dl class="facts">
          <dt>Components that started failing</dt>
          <dd>${n(d.totals.newFailures)}</dd>
          <dt>Components failing since before the window</dt>
          <dd>${n(d.totals.stillFailing)}</dd>
          <dt>Components recovered</dt>
          <dd>${n(d.totals.recovered)}</dd>
          <dt>Clusters with a failure</dt>
          <dd>${n(d.totals.failingClusters)} of ${n(d.coverage.clustersSeen)} seen</dd>
        </dl>
        ${
          d.incidents.length
            ? html`<${Table} caption="Fleet-wide incidents (their components are not repeated below)" columns=${["Problem", "Clusters", "Components", "First seen"]}>
                  ${d.incidents.map(
                    (g) =>
                      html`<tr>
                        <td>${g.catalogId ? html`<a href=${page("failures", { catalogId: g.catalogId })}>${g.title}</a>` : g.title}</td>
                        <td class="num">${n(g.clusters)}</td>
                        <td class="num">${n(g.components)}</td>
                        <td>${when(g.firstSeenAt)}</td>
                      </tr>`,
                  )}
                </${Table}>`
            : null
        }
        <${FailureTable} caption="New failures outside the incidents" items=${d.newFailures} />
        <${FailureTable} caption="Still failing, outside the incidents" items=${d.stillFailing} />
        ${
          d.recovered.length
            ? html`<${Table} caption="Recovered" columns=${["Cluster", "Component", "Recovered", "Time to recover"]}>
                  ${d.recovered.map(
                    (r) =>
                      html`<tr>
                        <td><a href=${clusterPage(r.clusterId)}>${r.clusterName}</a></td>
                        <td>${r.componentName}</td>
                        <td>${when(r.recoveredAt)}</td>
                        <td>${span(r.timeToRecoverMs)}</td>
                      </tr>`,
                  )}
                </${Table}>`
            : null
        }
        <${DigestEmail} id=${id} />
        <p><a href=${page("")}>Fleet overview now</a></p>`}<//
  >`;
}

type EmailBody = Static<typeof DigestEmailSchema>;

/**
 * The e-mail's HTML in a frame with no script and an opaque origin (`sandbox` without
 * allow-scripts or allow-same-origin); it inherits the dashboard's CSP. Its links open a new tab, as
 * in a mail client; `<base target>` is the only change to the HTML as sent.
 */
function EmailFrame({ email, standalone }: { email: EmailBody; standalone?: boolean }) {
  return html`<iframe
    class=${standalone ? "email standalone" : "email"}
    title=${`E-mail: ${email.subject}`}
    sandbox="allow-popups allow-popups-to-escape-sandbox"
    srcdoc=${email.html.replace(/<html>/i, '<html><head><base target="_blank"></head>')}
  ></iframe>`;
}

/** The e-mail of a digest: on the digest page, or on its own page (`/digests/<id>/email`). */
export function DigestEmail({ id, standalone }: { id: string; standalone?: boolean }) {
  const email = useLoad(`digest-email:${id}`, (signal) => api<EmailBody>(`digests/${encodeURIComponent(id)}/email`, { signal }));
  return html`<section aria-labelledby="email-title">
    <${standalone ? "h1" : "h2"} id="email-title">The e-mail this digest sends<//>
    <${Loaded} state=${email} label="the e-mail"
      >${(e: EmailBody) =>
        html`<p>
            Subject: <strong>${e.subject}</strong>.${" "}
            ${
              standalone
                ? html`<a href=${page(`digests/${encodeURIComponent(id)}`)}>Back to the digest</a>`
                : html`<a href=${page(`digests/${encodeURIComponent(id)}/email`)}>Open the e-mail on its own page</a>`
            }
          </p>
          <${EmailFrame} email=${e} standalone=${standalone} />`}<//
    >
  </section>`;
}
