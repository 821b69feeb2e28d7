/** The dashboard's entry point: the page frame, the navigation and the page the URL names. */
import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { forgetKey, NEEDS_KEY, storedKey } from "./api";
import { page } from "./paths";
import { Catalog, CatalogEntry } from "./pages/catalog";
import { Classify } from "./pages/classify";
import { Cluster } from "./pages/cluster";
import { Clusters } from "./pages/clusters";
import { DigestEmail, DigestPage } from "./pages/digest";
import { Failures } from "./pages/failures";
import { Overview } from "./pages/overview";
import { Silences } from "./pages/silences";
import { currentRoute, interceptLinks, onNavigate, type Route } from "./router";
import { html, KeyForm, NotFound } from "./ui";

const TITLES: Record<Route["page"], string> = {
  overview: "Overview",
  failures: "Failures",
  clusters: "Clusters",
  cluster: "Cluster",
  catalog: "Catalog",
  entry: "Catalog entry",
  classify: "Classify",
  silences: "Silences",
  digest: "Digest",
  notFound: "Not found",
};
const NAV: Array<[Route["page"], string, string]> = [
  ["overview", "Overview", ""],
  ["failures", "Failures", "failures"],
  ["clusters", "Clusters", "clusters"],
  ["catalog", "Catalog", "catalog"],
  ["classify", "Classify", "classify"],
  ["silences", "Silences", "silences"],
];

function Page({ route }: { route: Route }) {
  switch (route.page) {
    case "overview":
      return html`<${Overview} />`;
    case "failures":
      return html`<${Failures} query=${route.query} />`;
    case "clusters":
      return html`<${Clusters} query=${route.query} />`;
    case "cluster":
      return html`<${Cluster} id=${route.id} />`;
    case "catalog":
      return html`<${Catalog} query=${route.query} />`;
    case "entry":
      return html`<${CatalogEntry} id=${route.id} />`;
    case "classify":
      return html`<${Classify} />`;
    case "silences":
      return html`<${Silences} />`;
    case "digest":
      return route.email ? html`<${DigestEmail} id=${route.id} standalone />` : html`<${DigestPage} id=${route.id} />`;
    default:
      return html`<${NotFound} />`;
  }
}

function App() {
  const [route, setRoute] = useState(currentRoute);
  const [needsKey, setNeedsKey] = useState(false);
  useEffect(
    () =>
      onNavigate(() => {
        setRoute(currentRoute());
        // Screen readers and keyboards start at the new page's content, as after a full load.
        document.getElementById("main")?.focus();
      }),
    [],
  );
  useEffect(() => {
    const listener = () => setNeedsKey(true);
    addEventListener(NEEDS_KEY, listener);
    return () => removeEventListener(NEEDS_KEY, listener);
  }, []);
  useEffect(() => {
    document.title = `${TITLES[route.page]} · fleet health`;
  }, [route]);
  const current = route.page === "entry" ? "catalog" : route.page === "cluster" ? "clusters" : route.page;
  return html`<a class="skip" href="#main">Skip to content</a>
    <header>
      <nav aria-label="Dashboard">
        <span class="brand">fleet health</span>
        <ul>
          ${NAV.map(([p, label, path]) => html`<li><a href=${page(path)} aria-current=${current === p ? "page" : undefined}>${label}</a></li>`)}
        </ul>
        ${storedKey() ? html`<button type="button" class="link" onClick=${() => (forgetKey(), location.reload())}>Forget API key</button>` : null}
      </nav>
    </header>
    <main id="main" tabindex="-1">
      ${needsKey ? html`<${KeyForm} message=${storedKey() ? "The API refused the key. Enter the right key." : "The API needs a key."} />` : html`<${Page} key=${location.pathname + location.search} route=${route} />`}
    </main>`;
}

interceptLinks();
render(html`<${App} />`, document.getElementById("app")!);
